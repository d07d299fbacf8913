// Why `grad` is nil on an interior tensor. PyTorch warns when `.grad` of a non-leaf is
// read; Swift's `grad` is an Optional property, and making it throw or trap would break
// the `x.grad?` reading that leaves rely on. So the value stays nil, as documented, and
// the first such read in a process writes one line to standard error naming the cause
// and the fix (`retainingGradient()`). Once per process, not per read: a training loop
// that logs `grad` must not flood the terminal. Code that wants to know without reading
// standard error asks `isLeaf` or `gradientFunctionName`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Whether the once-per-process note about interior gradients was written.
private let interiorGradientNoted = Atomic<Bool>(false)

/// Writes, once per process, why `grad` of the interior tensor made by `operation`
/// ("MultiplyBackward") is nil and what to do. Cold: only reached when `grad` is read on
/// an interior tensor that was not made to retain its gradient.
@inline(never) @usableFromInline
func wengertNoteInteriorGradientRead(operation: String) {
    guard !interiorGradientNoted.exchange(true, ordering: .relaxed) else { return }
    let note = "Wengert: grad of a non-leaf tensor (made by \(operation)) is nil: backward() keeps gradients only "
        + "for leaves (made by requiringGradient()). Call retainingGradient() on the tensor before backward() to keep "
        + "its gradient, or use detached().requiringGradient() for a new leaf. (Shown once per process.)\n"
    var bytes = Array(note.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

// The programmer errors of the tensor layer. Each is a cold, never-inlined function that
// stops with `fatalError`, whose message survives release builds; the message names
// what was wrong (shapes, lengths, the operation) and what to do. Shapes come as any
// collection of extents (a tensor's inline TensorDimensions or an array) and print as
// arrays.

@inline(never) @usableFromInline
func wengertTensorShapeMismatch(_ a: some Collection<Int>, _ b: some Collection<Int>, operation: StaticString) -> Never {
    let a = Array(a), b = Array(b)
    fatalError("Wengert: shapes \(a) and \(b) do not broadcast in \(operation)." + TensorShapeAdvice.broadcast(a, b))
}

@inline(never) @usableFromInline
func wengertTensorNegativeDimension(_ shape: some Collection<Int>) -> Never {
    let shape = Array(shape)
    fatalError("Wengert: shape \(shape) has a negative dimension; every extent must be >= 0.")
}

@inline(never) @usableFromInline
func wengertTensorShapeTooLarge(_ shape: some Collection<Int>) -> Never {
    let shape = Array(shape)
    fatalError(
        "Wengert: shape \(shape) is too large: it would hold more than "
            + "\(TensorShape.maximumCount) scalars.")
}

@inline(never) @usableFromInline
func wengertTensorInconsistent(_ shape: some Collection<Int>, count: Int, operation: StaticString) -> Never {
    let shape = Array(shape)
    fatalError(
        "Wengert: \(operation) was handed a tensor of shape \(shape) holding \(count) scalars "
            + "(a custom rule or an internal error produced it); stopping before reading out of bounds.")
}

@inline(never) @usableFromInline
func wengertTensorCustomBackwardShape(input: some Collection<Int>, gradient: some Collection<Int>) -> Never {
    let input = Array(input), gradient = Array(gradient)
    fatalError(
        "Wengert: a CustomFunction's backward returned a gradient of shape \(gradient) for an "
            + "input of shape \(input); it must return one of the input's shape.")
}

@inline(never) @usableFromInline
func wengertTensorCountMismatch(shape: some Collection<Int>, count: Int) -> Never {
    let shape = Array(shape)
    fatalError(
        "Wengert: shape \(shape) holds \(TensorShape.count(shape)) scalars but \(count) were given.")
}

@inline(never) @usableFromInline
func wengertTensorMatmulMismatch(_ a: some Collection<Int>, _ b: some Collection<Int>) -> Never {
    let a = Array(a), b = Array(b)
    fatalError(
        "Wengert: matmul of shapes \(a) and \(b): inner dimensions \(a.last ?? 0) and "
            + "\(b.count >= 2 ? b[b.count - 2] : 0) differ (both operands need rank >= 2)." + TensorShapeAdvice.matmul(a, b))
}

@inline(never) @usableFromInline
func wengertTensorIndexOutOfRange(_ index: Int, axis: Int, size: Int) -> Never {
    fatalError("Wengert: index \(index) is out of range for axis \(axis) of size \(size).")
}

@inline(never) @usableFromInline
func wengertTensorRangeOutOfBounds(_ range: Range<Int>, axis: Int, size: Int) -> Never {
    fatalError("Wengert: range \(range) is out of bounds for axis \(axis) of size \(size).")
}

@inline(never) @usableFromInline
func wengertTensorAxisOutOfRange(_ axis: Int, rank: Int, operation: StaticString) -> Never {
    fatalError("Wengert: axis \(axis) is out of range for a tensor of rank \(rank) in \(operation).")
}

@inline(never) @usableFromInline
func wengertTensorDeviceMismatch(_ a: Device, _ b: Device, operation: StaticString) -> Never {
    fatalError("Wengert: \(operation) mixes tensors on devices \(a) and \(b); move one with moved(to:).")
}

@inline(never) @usableFromInline
func wengertTensorReshapeMismatch(_ shape: some Collection<Int>, _ target: some Collection<Int>) -> Never {
    let shape = Array(shape), target = Array(target)
    // `target` may hold one -1 (inferred): name its known extents' product, not a count.
    let known = target.filter { $0 != -1 }.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
    let what = target.contains(-1) ? "whose other extents multiply to \(known)" : "(\(known) scalars)"
    fatalError("Wengert: cannot reshape \(shape) (\(TensorShape.count(shape)) scalars) to \(target) \(what).")
}

@inline(never) @usableFromInline
func wengertTensorNotScalar(_ shape: some Collection<Int>, operation: StaticString) -> Never {
    let shape = Array(shape)
    fatalError(
        "Wengert: \(operation) needs a tensor with one scalar, got shape \(shape); "
            + "pass a seed of the same shape (backward(seed:)) or reduce first (sum(), mean()).")
}

@inline(never) @usableFromInline
func wengertTensorInvalid(_ message: String) -> Never {
    fatalError("Wengert: \(message)")
}

@inline(never) @usableFromInline
func wengertTensorCustomSecondDerivative(_ name: String) -> Never {
    fatalError(
        "Wengert: a second derivative reached \(name), whose backward is not differentiable: it ran on "
            + "plain tensors. Write its backward in tensor operations and pass differentiableBackward: true "
            + "to the CustomFunction, or keep the function out of second-order derivatives.")
}

@inline(never) @usableFromInline
func wengertTensorHostAccess(_ device: Device) -> Never {
    fatalError(
        "Wengert: a tensor on \(device) was read in place on the host; its scalars live on the device. "
            + "Read them with .scalars (a download) or move the tensor with moved(to: .cpu).")
}

@inline(never) @usableFromInline
func wengertTensorNoDeviceKernel(_ device: Device, _ operation: String) -> Never {
    fatalError(
        "Wengert: \(operation) has no kernel on \(device) (it is a Swift closure, which cannot run there). "
            + "Move the tensor with moved(to: .cpu) for this operation.")
}

@inline(never) @usableFromInline
func wengertTensorDeviceFailure(_ device: Device, _ operation: String, _ error: any Error) -> Never {
    fatalError("Wengert: \(operation) failed on \(device): \(error)")
}

@inline(never) @usableFromInline
func wengertTensorMovedTracked(_ from: Device, _ to: Device) -> Never {
    fatalError(
        "Wengert: moved(to: \(to)) of a tensor on \(from) that requires a gradient: the copy is not recorded, "
            + "so its gradient would not reach the original. Move the tensor first, then call requiringGradient().")
}

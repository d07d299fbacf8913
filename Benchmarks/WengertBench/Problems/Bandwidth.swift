#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Wengert

/// Elementwise kernel throughput against the memory system's: c = a + b on n Floats
/// (8n bytes read, 4n written: 12n bytes moved) by the `kernel` mode, and a `memcpy` of
/// 6n bytes (6n read, 6n written: the same 12n bytes) by the `plain` mode, so the ratio
/// to plain is the kernel's time over a copy of the same traffic. Both count bytes read
/// plus bytes written, as STREAM does.
///
/// A class because the copy writes into one preallocated destination; a run uses it from
/// one thread at a time, which is what makes the unchecked `Sendable` sound.
final class StreamObjective: @unchecked Sendable {
    let a: [Float]
    let b: [Float]
    let source: UnsafeMutableRawBufferPointer
    let destination: UnsafeMutableRawBufferPointer
    /// Bytes moved by one call of either mode.
    var bytesMoved: Int { 12 * a.count }

    init(count: Int) {
        a = tensorConstant(shape: [count], seed: 51).float
        b = tensorConstant(shape: [count], seed: 52).float
        source = .allocate(byteCount: 6 * count, alignment: 64)
        destination = .allocate(byteCount: 6 * count, alignment: 64)
        var g = SplitMix64(seed: 53)
        for i in source.indices { source[i] = UInt8(truncatingIfNeeded: g.next()) }
        destination.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        source.deallocate()
        destination.deallocate()
    }

    /// memcpy of the 6n-byte source into the destination.
    func copy() {
        memcpy(opaque(destination.baseAddress!), opaque(source.baseAddress!), source.count)
        sink(destination.baseAddress)
    }

    /// nil when the destination holds the source's bytes.
    func checkCopy() -> String? {
        memcmp(destination.baseAddress!, source.baseAddress!, source.count) == 0 ? nil : "the copy differs from its source"
    }

    /// nil when `c` is a + b entry by entry (exactly: one rounding either way).
    func checkSum(_ c: [Float]) -> String? {
        guard c.count == a.count else { return "a + b has \(c.count) entries, expected \(a.count)" }
        for i in c.indices where c[i] != a[i] + b[i] {
            return "entry \(i) of a + b is \(c[i]), expected \(a[i] + b[i])"
        }
        return nil
    }
}

extension Problem {
    static let bandwidth = Problem(
        name: "bandwidth",
        summary: "Tensor<Float> a + b (kernel) against memcpy of the same 12n bytes (plain), GB/s (size n)",
        sizeMeaning: "n", defaultSizes: [4_194_304], quickSizes: [4_194_304], minimumSize: 1,
        make: { n in .stream(StreamObjective(count: n)) })
}

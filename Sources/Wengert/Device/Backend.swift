/// What a device provides for ``Tensor`` to run on it.
///
/// The autograd code (the recording, the backward rules) only ever calls tensor
/// operations; the operations reach storage through the kernel layer
/// (Kernels/TensorKernels.swift), which checks each tensor's ``Device`` and runs the
/// CPU kernels. A new device conforms a backend here and adds its branch in that one
/// layer; the recording and the rule table do not change. A backend receives contiguous
/// row-major buffers and shapes already checked for broadcasting.
public protocol Backend: Sendable {
    /// A short name for messages ("cpu").
    var name: String { get }
    /// Copies `count` bytes; the reference for bandwidth measurements.
    /// - Complexity: O(count).
    func copyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int)
}

/// The host CPU backend: C kernels with AVX-512 / AVX2 / portable variants chosen at run
/// time (Sources/CWengert/Kernels.c) and generic Swift loops for the rest.
public struct CPUBackend: Backend {
    /// Makes the (stateless) CPU backend.
    @inlinable public init() {}
    /// "cpu".
    public var name: String { "cpu" }
    /// `memcpy`.
    public func copyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
        wengertCopyBytes(destination, source, count)
    }
}

/// Where a tensor's scalars live and where its kernels run.
///
/// Every tensor has a device; an operation on tensors from two devices stops with a
/// message naming both. In this release only the CPU has kernels: every tensor operation
/// calls the CPU kernels directly (Kernels/TensorKernels.swift, which stops with a
/// message for any other device), and ``backend`` is not yet on that path.
public struct Device: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of device Wengert knows.
    public enum Kind: Hashable, Sendable {
        /// The host CPU, with vectorised C kernels.
        case cpu
        /// An OpenCL device, by platform-wide index.
        case openCL(Int)
    }

    /// The kind of this device.
    public let kind: Kind

    /// Makes a device of the given kind.
    @inlinable public init(kind: Kind) { self.kind = kind }

    /// The host CPU.
    public static let cpu = Device(kind: .cpu)

    /// The first OpenCL device, or nil when no OpenCL platform is present. The OpenCL
    /// backend is not part of this release, so this is nil for now.
    public static var openCL: Device? { nil }

    /// "cpu" or "openCL:N".
    public var description: String {
        switch kind {
        case .cpu: "cpu"
        case .openCL(let index): "openCL:\(index)"
        }
    }

    /// The backend that runs this device's kernels.
    public var backend: any Backend {
        switch kind {
        case .cpu: CPUBackend()
        case .openCL: wengertTensorUnsupportedDevice(self)
        }
    }
}

@inline(never) @usableFromInline
func wengertTensorUnsupportedDevice(_ device: Device) -> Never {
    fatalError("Wengert: device \(device) has no backend in this build; use Device.cpu.")
}

/// Where a tensor's scalars live and where its kernels run.
///
/// Every tensor has a device; an operation on tensors from two devices stops with a
/// message naming both. Each device has a ``Backend`` (``makeBackend()``): the CPU's
/// runs the C kernels on host memory, OpenCL's runs OpenCL C kernels on `cl_mem`
/// buffers. Tensors themselves live on the CPU in this build and their operations call
/// the CPU kernels directly (Kernels/TensorKernels.swift): making a tensor on, or moving
/// one to, an OpenCL device stops with a message (their storage moves to device buffers
/// in a later step; ARCHITECTURE.md, "Devices").
///
/// See <doc:Devices>.
public struct Device: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of device Wengert knows.
    public enum Kind: Hashable, Sendable {
        /// The host CPU, with vectorised C kernels.
        case cpu
        /// An OpenCL device, by its position in ``Device/openCLDevices`` (all platforms).
        case openCL(Int)
    }

    /// The kind of this device.
    public let kind: Kind

    /// Makes a device of the given kind.
    @inlinable public init(kind: Kind) { self.kind = kind }

    /// The host CPU.
    @inlinable public static var cpu: Device { Device(kind: .cpu) }

    /// "cpu" or "openCL:N".
    public var description: String {
        switch kind {
        case .cpu: "cpu"
        case .openCL(let index): "openCL:\(index)"
        }
    }

    /// The backend that runs this device's operations; stops with the reason when it
    /// cannot be made (``makeBackend()`` throws it instead).
    public var backend: any Backend {
        do { return try makeBackend() } catch {
            fatalError("Wengert: no backend for device \(self): \(error)")
        }
    }
}

/// Stops: tensors cannot live on `device` yet.
@inline(never) @usableFromInline
func wengertTensorUnsupportedDevice(_ device: Device) -> Never {
    fatalError(
        "Wengert: tensors on \(device) are not supported yet: the OpenCL backend runs buffer operations "
            + "(Device.makeBackend()), but tensor storage and the tensor operations stay on the CPU in this "
            + "build. Make the tensor on Device.cpu.")
}

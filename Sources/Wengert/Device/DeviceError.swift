// The environmental failures of devices: they throw (the caller can fall back to the CPU
// or free memory), unlike programmer errors, which stop with a message.

/// Why a device could not do what was asked.
public enum DeviceError: Error, Equatable, CustomStringConvertible {
    /// No OpenCL loader or platform; the reason says which (dlopen's message, or the
    /// platform query's error).
    case openCLUnavailable(reason: String)
    /// `Device(kind: .openCL(index))` names no device; `count` devices exist.
    case noSuchDevice(index: Int, count: Int)
    /// An OpenCL call returned an error code.
    case openCLCall(function: String, code: Int32)
    /// A program did not compile for the device; `log` is the device's build log.
    case buildFailed(device: String, log: String)
    /// The device (or the host) could not provide `bytes` bytes, even after the arena
    /// returned its cached blocks.
    case outOfMemory(bytes: Int, device: String)
    /// `Double` was asked of a device that does not report fp64 support.
    case doubleUnsupported(device: String)
    /// A buffer of more scalars than the device's 32-bit kernel indexing reaches.
    case tooLarge(count: Int, device: String)

    /// A sentence naming what failed and what to do.
    public var description: String {
        switch self {
        case .openCLUnavailable(let reason):
            "OpenCL is not available: \(reason). Install an OpenCL driver (for example PoCL: apt-get install pocl-opencl-icd ocl-icd-libopencl1) or use Device.cpu."
        case .noSuchDevice(let index, let count):
            "there is no OpenCL device \(index); \(count) device\(count == 1 ? "" : "s") found (Device.openCLDevices lists them)."
        case .openCLCall(let function, let code):
            "\(function) failed with \(DeviceError.openCLErrorName(code)) (\(code))."
        case .buildFailed(let device, let log):
            "an OpenCL program did not build for \(device). Build log:\n\(log)"
        case .outOfMemory(let bytes, let device):
            "out of memory on \(device): could not allocate \(bytes) bytes (\(DeviceError.formatBytes(bytes)))."
        case .doubleUnsupported(let device):
            "\(device) does not support Double (it reports no fp64); use Float on this device or Device.cpu."
        case .tooLarge(let count, let device):
            "\(count) scalars exceed what \(device)'s kernels index (2^31 - 1); split the tensor."
        }
    }

    /// "1.5 GiB", "512 bytes": sizes in error messages.
    static func formatBytes(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        if bytes < 1024 { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024, unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// The symbolic name of an OpenCL error code (`CL_OUT_OF_RESOURCES`), or
    /// `unknown OpenCL error` for codes outside the Khronos list.
    /// - Complexity: O(1).
    public static func openCLErrorName(_ code: Int32) -> String {
        switch code {
        case 0: "CL_SUCCESS"
        case -1: "CL_DEVICE_NOT_FOUND"
        case -2: "CL_DEVICE_NOT_AVAILABLE"
        case -3: "CL_COMPILER_NOT_AVAILABLE"
        case -4: "CL_MEM_OBJECT_ALLOCATION_FAILURE"
        case -5: "CL_OUT_OF_RESOURCES"
        case -6: "CL_OUT_OF_HOST_MEMORY"
        case -7: "CL_PROFILING_INFO_NOT_AVAILABLE"
        case -8: "CL_MEM_COPY_OVERLAP"
        case -9: "CL_IMAGE_FORMAT_MISMATCH"
        case -10: "CL_IMAGE_FORMAT_NOT_SUPPORTED"
        case -11: "CL_BUILD_PROGRAM_FAILURE"
        case -12: "CL_MAP_FAILURE"
        case -13: "CL_MISALIGNED_SUB_BUFFER_OFFSET"
        case -14: "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"
        case -15: "CL_COMPILE_PROGRAM_FAILURE"
        case -16: "CL_LINKER_NOT_AVAILABLE"
        case -17: "CL_LINK_PROGRAM_FAILURE"
        case -18: "CL_DEVICE_PARTITION_FAILED"
        case -19: "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"
        case -30: "CL_INVALID_VALUE"
        case -31: "CL_INVALID_DEVICE_TYPE"
        case -32: "CL_INVALID_PLATFORM"
        case -33: "CL_INVALID_DEVICE"
        case -34: "CL_INVALID_CONTEXT"
        case -35: "CL_INVALID_QUEUE_PROPERTIES"
        case -36: "CL_INVALID_COMMAND_QUEUE"
        case -37: "CL_INVALID_HOST_PTR"
        case -38: "CL_INVALID_MEM_OBJECT"
        case -39: "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"
        case -40: "CL_INVALID_IMAGE_SIZE"
        case -41: "CL_INVALID_SAMPLER"
        case -42: "CL_INVALID_BINARY"
        case -43: "CL_INVALID_BUILD_OPTIONS"
        case -44: "CL_INVALID_PROGRAM"
        case -45: "CL_INVALID_PROGRAM_EXECUTABLE"
        case -46: "CL_INVALID_KERNEL_NAME"
        case -47: "CL_INVALID_KERNEL_DEFINITION"
        case -48: "CL_INVALID_KERNEL"
        case -49: "CL_INVALID_ARG_INDEX"
        case -50: "CL_INVALID_ARG_VALUE"
        case -51: "CL_INVALID_ARG_SIZE"
        case -52: "CL_INVALID_KERNEL_ARGS"
        case -53: "CL_INVALID_WORK_DIMENSION"
        case -54: "CL_INVALID_WORK_GROUP_SIZE"
        case -55: "CL_INVALID_WORK_ITEM_SIZE"
        case -56: "CL_INVALID_GLOBAL_OFFSET"
        case -57: "CL_INVALID_EVENT_WAIT_LIST"
        case -58: "CL_INVALID_EVENT"
        case -59: "CL_INVALID_OPERATION"
        case -60: "CL_INVALID_GL_OBJECT"
        case -61: "CL_INVALID_BUFFER_SIZE"
        case -62: "CL_INVALID_MIP_LEVEL"
        case -63: "CL_INVALID_GLOBAL_WORK_SIZE"
        case -64: "CL_INVALID_PROPERTY"
        case -65: "CL_INVALID_IMAGE_DESCRIPTOR"
        case -66: "CL_INVALID_COMPILER_OPTIONS"
        case -67: "CL_INVALID_LINKER_OPTIONS"
        case -68: "CL_INVALID_DEVICE_PARTITION_COUNT"
        case -69: "CL_INVALID_PIPE_SIZE"
        case -70: "CL_INVALID_DEVICE_QUEUE"
        case -71: "CL_INVALID_SPEC_ID"
        case -72: "CL_MAX_SIZE_RESTRICTION_EXCEEDED"
        case -1001: "CL_PLATFORM_NOT_FOUND_KHR"
        default: "unknown OpenCL error"
        }
    }
}

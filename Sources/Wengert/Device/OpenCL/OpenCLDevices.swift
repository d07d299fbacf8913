import CWengert

// Platforms and devices, found once per process. Devices are numbered across platforms
// in the order the ICD loader lists them; `Device.Kind.openCL(i)` is that number.

/// What an OpenCL device reports about itself.
public struct OpenCLDeviceProperties: Sendable, Hashable {
    /// The kinds OpenCL distinguishes.
    public enum Kind: String, Sendable, Hashable {
        /// CL_DEVICE_TYPE_GPU.
        case gpu
        /// CL_DEVICE_TYPE_CPU (PoCL, Intel's CPU runtime).
        case cpu
        /// CL_DEVICE_TYPE_ACCELERATOR.
        case accelerator
        /// Anything else (custom devices).
        case other
    }

    /// The position in ``Device/openCLDevices``.
    public var index: Int
    /// CL_DEVICE_NAME.
    public var name: String
    /// The platform's CL_PLATFORM_NAME.
    public var platform: String
    /// CL_DEVICE_TYPE.
    public var kind: Kind
    /// CL_DEVICE_GLOBAL_MEM_SIZE in bytes.
    public var globalMemory: Int
    /// CL_DEVICE_MAX_MEM_ALLOC_SIZE in bytes: the largest single buffer.
    public var maxAllocation: Int
    /// CL_DEVICE_LOCAL_MEM_SIZE in bytes.
    public var localMemory: Int
    /// CL_DEVICE_MAX_WORK_GROUP_SIZE.
    public var maxWorkGroupSize: Int
    /// CL_DEVICE_MAX_COMPUTE_UNITS.
    public var computeUnits: Int
    /// CL_DEVICE_VERSION ("OpenCL 1.2 ...").
    public var version: String
    /// Whether the device reports fp64 (a non-zero CL_DEVICE_DOUBLE_FP_CONFIG or the
    /// cl_khr_fp64 extension), so `Double` kernels run on it.
    public var supportsDouble: Bool
}

/// The process-wide list of OpenCL devices, made on first use.
struct OpenCLDeviceList: @unchecked Sendable {
    let api: UnsafePointer<wengert_cl_api>?
    let ids: [OpaquePointer]
    let properties: [OpenCLDeviceProperties]
    /// Why the list is empty, when it is.
    let unavailableReason: String

    static let shared = OpenCLDeviceList()

    private init() {
        guard let api = wengert_opencl_api() else {
            self.api = nil
            ids = []
            properties = []
            unavailableReason = String(cString: wengert_opencl_load_error())
            return
        }
        self.api = api
        var found: [OpaquePointer] = [], described: [OpenCLDeviceProperties] = []
        var platformCount: UInt32 = 0
        let status = api.pointee.GetPlatformIDs!(0, nil, &platformCount)
        var reason = ""
        if status != 0 || platformCount == 0 {
            reason = status != 0
                ? "clGetPlatformIDs failed with \(DeviceError.openCLErrorName(status)) (\(status))"
                : "no OpenCL platform is installed"
        } else {
            var platforms = [OpaquePointer?](repeating: nil, count: Int(platformCount))
            _ = api.pointee.GetPlatformIDs!(platformCount, &platforms, nil)
            for case let platform? in platforms {
                let platformName = OpenCLDeviceList.platformString(api, platform, 0x0902)
                var deviceCount: UInt32 = 0
                guard api.pointee.GetDeviceIDs!(platform, 0xFFFF_FFFF, 0, nil, &deviceCount) == 0, deviceCount > 0 else { continue }
                var devices = [OpaquePointer?](repeating: nil, count: Int(deviceCount))
                guard api.pointee.GetDeviceIDs!(platform, 0xFFFF_FFFF, deviceCount, &devices, nil) == 0 else { continue }
                for case let device? in devices {
                    described.append(OpenCLDeviceList.describe(api, device, index: found.count, platform: platformName))
                    found.append(device)
                }
            }
            if found.isEmpty { reason = "the OpenCL platforms list no devices" }
        }
        ids = found
        properties = described
        unavailableReason = reason
    }

    private static func platformString(_ api: UnsafePointer<wengert_cl_api>, _ platform: OpaquePointer, _ key: UInt32) -> String {
        var size = 0
        guard api.pointee.GetPlatformInfo!(platform, key, 0, nil, &size) == 0, size > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: size + 1)
        _ = api.pointee.GetPlatformInfo!(platform, key, size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func deviceString(_ api: UnsafePointer<wengert_cl_api>, _ device: OpaquePointer, _ key: UInt32) -> String {
        var size = 0
        guard api.pointee.GetDeviceInfo!(device, key, 0, nil, &size) == 0, size > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: size + 1)
        _ = api.pointee.GetDeviceInfo!(device, key, size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func deviceNumber<T: FixedWidthInteger>(_ api: UnsafePointer<wengert_cl_api>, _ device: OpaquePointer, _ key: UInt32, _: T.Type) -> T {
        var value: T = 0
        _ = api.pointee.GetDeviceInfo!(device, key, MemoryLayout<T>.size, &value, nil)
        return value
    }

    private static func describe(_ api: UnsafePointer<wengert_cl_api>, _ device: OpaquePointer, index: Int, platform: String) -> OpenCLDeviceProperties {
        let type = deviceNumber(api, device, 0x1000, UInt64.self)
        let kind: OpenCLDeviceProperties.Kind =
            type & 4 != 0 ? .gpu : type & 2 != 0 ? .cpu : type & 8 != 0 ? .accelerator : .other
        let extensions = deviceString(api, device, 0x1030)
        return OpenCLDeviceProperties(
            index: index, name: deviceString(api, device, 0x102B), platform: platform, kind: kind,
            globalMemory: Int(deviceNumber(api, device, 0x101F, UInt64.self)),
            maxAllocation: Int(deviceNumber(api, device, 0x1010, UInt64.self)),
            localMemory: Int(deviceNumber(api, device, 0x1023, UInt64.self)),
            maxWorkGroupSize: Int(deviceNumber(api, device, 0x1004, Int.self)),
            computeUnits: Int(deviceNumber(api, device, 0x1002, UInt32.self)),
            version: deviceString(api, device, 0x102F),
            supportsDouble: deviceNumber(api, device, 0x1032, UInt64.self) != 0 || extensions.contains("cl_khr_fp64"))
    }
}

extension Device {
    /// Every OpenCL device of every platform, in the loader's order; empty when no
    /// OpenCL loader or platform exists.
    /// - Complexity: O(1) after the first call, which queries the platforms.
    public static var openCLDevices: [Device] {
        OpenCLDeviceList.shared.properties.map { Device(kind: .openCL($0.index)) }
    }

    /// The first OpenCL GPU, else the first OpenCL device of any kind, else nil (no
    /// OpenCL loader, no platform or no device; ``openCLUnavailableReason`` says which).
    public static var openCL: Device? {
        let list = OpenCLDeviceList.shared.properties
        guard let chosen = list.first(where: { $0.kind == .gpu }) ?? list.first else { return nil }
        return Device(kind: .openCL(chosen.index))
    }

    /// The first OpenCL device whose name contains `name` (case-insensitively), or nil.
    public static func openCL(named name: String) -> Device? {
        OpenCLDeviceList.shared.properties.first { $0.name.lowercased().contains(name.lowercased()) }
            .map { Device(kind: .openCL($0.index)) }
    }

    /// Why ``openCL`` is nil ("libOpenCL.so.1: cannot open shared object file", "no
    /// OpenCL platform is installed"), or nil when a device exists.
    public static var openCLUnavailableReason: String? {
        let list = OpenCLDeviceList.shared
        return list.properties.isEmpty ? list.unavailableReason : nil
    }

    /// What this OpenCL device reports (name, kind, memory), or nil for the CPU and for
    /// an index no device has.
    public var openCLProperties: OpenCLDeviceProperties? {
        guard case .openCL(let index) = kind else { return nil }
        let list = OpenCLDeviceList.shared.properties
        return list.indices.contains(index) ? list[index] : nil
    }
}

import CWengert

// One context and one in-order queue per device, made on first use and kept for the
// life of the process (drivers start threads; tearing a context down while another
// thread enqueues is a classic crash). Programs are built once per context and scalar
// type and cached with their kernels; the lock serialises clSetKernelArg + enqueue,
// since a kernel object's arguments are shared state.

/// A device's context, queue, arena and program cache.
final class OpenCLContext: @unchecked Sendable {
    let api: UnsafePointer<wengert_cl_api>
    let deviceID: OpaquePointer
    let properties: OpenCLDeviceProperties
    let context: OpaquePointer
    let queue: OpaquePointer
    let arena: BufferArena
    let lock = wengert_lock_create()!
    private var programs: [String: OpaquePointer] = [:]
    private var kernels: [String: OpaquePointer] = [:]
    /// Seconds spent building programs (cache misses), for the harness.
    private(set) var buildSeconds: Double = 0
    /// How many times each program ("name/scalar") was built: once, when the cache works.
    private(set) var buildCounts: [String: Int] = [:]

    /// "openCL:0 (pthread-haswell)".
    var label: String { "openCL:\(properties.index) (\(properties.name))" }

    fileprivate init(index: Int) throws {
        let list = OpenCLDeviceList.shared
        guard let api = list.api else { throw DeviceError.openCLUnavailable(reason: list.unavailableReason) }
        guard list.ids.indices.contains(index) else {
            if list.ids.isEmpty { throw DeviceError.openCLUnavailable(reason: list.unavailableReason) }
            throw DeviceError.noSuchDevice(index: index, count: list.ids.count)
        }
        self.api = api
        deviceID = list.ids[index]
        properties = list.properties[index]
        var status: Int32 = 0
        var device: OpaquePointer? = deviceID
        guard let context = api.pointee.CreateContext!(nil, 1, &device, nil, nil, &status), status == 0 else {
            throw DeviceError.openCLCall(function: "clCreateContext", code: status)
        }
        guard let queue = api.pointee.CreateCommandQueue!(context, deviceID, 0, &status), status == 0 else {
            _ = api.pointee.ReleaseContext!(context)
            throw DeviceError.openCLCall(function: "clCreateCommandQueue", code: status)
        }
        self.context = context
        self.queue = queue
        arena = OpenCLContext.makeArena(api: api, context: context, properties: list.properties[index])
    }

    /// A new, empty arena of `cl_mem` blocks in this context.
    func makeArena() -> BufferArena {
        OpenCLContext.makeArena(api: api, context: context, properties: properties)
    }

    private static func makeArena(
        api: UnsafePointer<wengert_cl_api>, context: OpaquePointer, properties: OpenCLDeviceProperties
    ) -> BufferArena {
        let maxAllocation = properties.maxAllocation
        let handles = OpenCLHandles(api: api, context: context)
        return BufferArena(
            deviceName: "openCL:\(properties.index) (\(properties.name))",
            allocate: { bytes in
                // Beyond the device's largest buffer, clCreateBuffer fails with
                // CL_INVALID_BUFFER_SIZE; drivers that allocate lazily would only fail
                // at first use, so the size is checked here.
                if maxAllocation > 0 && bytes > maxAllocation { return nil }
                var status: Int32 = 0
                let memory = handles.api.pointee.CreateBuffer!(handles.context, 1, bytes, nil, &status)
                guard status == 0, let memory else { return nil }
                return UnsafeMutableRawPointer(memory)
            },
            free: { block in _ = handles.api.pointee.ReleaseMemObject!(OpaquePointer(block)) })
    }

    /// The context of OpenCL device `index`, made on first use.
    /// - Throws: ``DeviceError/openCLUnavailable(reason:)``, ``DeviceError/noSuchDevice(index:count:)``,
    ///   or the failing call.
    static func shared(_ index: Int) throws -> OpenCLContext {
        try OpenCLContextRegistry.shared.context(index)
    }

    /// Throws unless `code` is CL_SUCCESS.
    @inline(__always)
    func check(_ code: Int32, _ function: String) throws {
        if code != 0 { throw DeviceError.openCLCall(function: function, code: code) }
    }

    /// The kernel `name` of the program built from `source` for `scalar` ("float" or
    /// "double"), building and caching the program on first use. Call with the lock held.
    /// - Throws: ``DeviceError/buildFailed(device:log:)`` with the device's build log.
    func kernel(_ name: String, source: OpenCLSource, scalar: String) throws -> OpaquePointer {
        let key = "\(source.name)/\(scalar)/\(name)"
        if let kernel = kernels[key] { return kernel }
        let program = try self.program(source, scalar: scalar)
        var status: Int32 = 0
        guard let kernel = api.pointee.CreateKernel!(program, name, &status), status == 0 else {
            throw DeviceError.openCLCall(function: "clCreateKernel(\(name))", code: status)
        }
        kernels[key] = kernel
        return kernel
    }

    /// The program built from `source` for `scalar`; cached. Call with the lock held.
    func program(_ source: OpenCLSource, scalar: String) throws -> OpaquePointer {
        let key = "\(source.name)/\(scalar)"
        if let program = programs[key] { return program }
        let start = ContinuousClock.now
        var status: Int32 = 0
        let text = source.text
        let created: OpaquePointer? = text.withCString { pointer in
            var strings: UnsafePointer<CChar>? = pointer
            var length = text.utf8.count
            return api.pointee.CreateProgramWithSource!(context, 1, &strings, &length, &status)
        }
        guard let program = created, status == 0 else {
            throw DeviceError.openCLCall(function: "clCreateProgramWithSource", code: status)
        }
        // No -cl-mad-enable: fused a·b + c would round differently from the CPU; the
        // matmul kernel asks for mad() where it wants it.
        var options = "-DT=\(scalar)"
        if scalar == "double" { options += " -DWENGERT_DOUBLE" }
        if properties.supportsDouble { options += " -DWENGERT_FP64" }
        var device: OpaquePointer? = deviceID
        let built = api.pointee.BuildProgram!(program, 1, &device, options, nil, nil)
        if built != 0 {
            let log = buildLog(program)
            _ = api.pointee.ReleaseProgram!(program)
            if built == -11 { throw DeviceError.buildFailed(device: label, log: log) }
            throw DeviceError.openCLCall(function: "clBuildProgram", code: built)
        }
        programs[key] = program
        buildCounts[key, default: 0] += 1
        let elapsed = ContinuousClock.now - start
        buildSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return program
    }

    private func buildLog(_ program: OpaquePointer) -> String {
        var size = 0
        guard api.pointee.GetProgramBuildInfo!(program, deviceID, 0x1183, 0, nil, &size) == 0, size > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: size + 1)
        _ = api.pointee.GetProgramBuildInfo!(program, deviceID, 0x1183, size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `body` with the lock held.
    @inline(__always)
    func locked<R>(_ body: () throws -> R) rethrows -> R {
        wengert_lock_acquire(lock)
        defer { wengert_lock_release(lock) }
        return try body()
    }
}

/// The process-wide map from device index to context.
final class OpenCLContextRegistry: @unchecked Sendable {
    static let shared = OpenCLContextRegistry()
    private let lock = wengert_lock_create()!
    private var contexts: [Int: OpenCLContext] = [:]

    func context(_ index: Int) throws -> OpenCLContext {
        wengert_lock_acquire(lock)
        defer { wengert_lock_release(lock) }
        if let context = contexts[index] { return context }
        let context = try OpenCLContext(index: index)
        contexts[index] = context
        return context
    }
}

/// The loaded entry points and a context, for the arena's closures (OpenCL objects
/// may be used from any thread).
struct OpenCLHandles: @unchecked Sendable {
    let api: UnsafePointer<wengert_cl_api>
    let context: OpaquePointer
}

/// A named OpenCL C source; the name keys the program cache.
struct OpenCLSource: Sendable {
    let name: String
    let text: String
}

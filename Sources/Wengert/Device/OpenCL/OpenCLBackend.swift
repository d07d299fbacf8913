import CWengert

/// The OpenCL backend: buffers are `cl_mem` objects from the device's ``BufferArena``,
/// operations are kernels in OpenCL C (Device/OpenCL/OpenCLKernelSource.swift) queued on
/// the device's one in-order queue; ``download(_:count:)`` and ``synchronize()`` wait
/// for it. `Float` runs everywhere; `Double` where the device reports fp64, otherwise
/// every `Double` operation throws ``DeviceError/doubleUnsupported(device:)``.
public struct OpenCLBackend: Backend {
    let context: OpenCLContext
    /// The device's `cl_mem` arena (shared by every backend of the device unless made
    /// by ``withSeparateArena()``).
    public let arena: BufferArena
    /// The matrix-product kernel; nil chooses by device kind (tests force each).
    var matmulKernel: OpenCLMatmulKernel? = nil

    /// The backend of OpenCL device `index` (a ``Device/openCLDevices`` position).
    /// - Throws: ``DeviceError/openCLUnavailable(reason:)`` without a loader or platform,
    ///   ``DeviceError/noSuchDevice(index:count:)``, or the failing OpenCL call.
    /// - Complexity: creates the context and queue on first use (about 20 ms on PoCL).
    public init(index: Int) throws {
        context = try OpenCLContext.shared(index)
        arena = context.arena
    }

    private init(context: OpenCLContext, arena: BufferArena) {
        self.context = context
        self.arena = arena
    }

    /// This backend with the matrix-product kernel fixed (for tests of both kernels).
    func with(matmulKernel: OpenCLMatmulKernel) -> OpenCLBackend {
        var copy = self
        copy.matmulKernel = matmulKernel
        return copy
    }

    /// This backend with an arena of its own on the same context and queue (for
    /// counting allocations in isolation).
    public func withSeparateArena() -> OpenCLBackend {
        OpenCLBackend(context: context, arena: context.makeArena())
    }

    /// "openCL:0 (pthread-haswell)".
    public var name: String { context.label }
    /// `Device(kind: .openCL(index))`.
    public var device: Device { Device(kind: .openCL(context.properties.index)) }
    /// What the device reports.
    public var properties: OpenCLDeviceProperties { context.properties }
    /// Seconds this process has spent building OpenCL programs for the device.
    public var programBuildSeconds: Double { context.locked { context.buildSeconds } }
    /// How many times program `key` ("name/scalar", e.g. "wengert-kernels/float") was
    /// built on this device's context; other tests sharing the context build other
    /// programs meanwhile, so a cache test counts its own.
    func programBuildCount(_ key: String) -> Int { context.locked { context.buildCounts[key] ?? 0 } }

    /// `memcpy` (host memory; the reference for bandwidth measurements).
    public func copyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
        wengertCopyBytes(destination, source, count)
    }

    /// Throws for `Double` on a device without fp64 and for counts beyond 32-bit indexing.
    func check<S: TensorScalar>(_: S.Type, count: Int) throws {
        if S.self == Double.self && !context.properties.supportsDouble {
            throw DeviceError.doubleUnsupported(device: context.label)
        }
        if count > Int(Int32.max) { throw DeviceError.tooLarge(count: count, device: context.label) }
    }

    /// "float" or "double": the program variant for `S`.
    func scalarName<S: TensorScalar>(_: S.Type) -> String { S.self == Double.self ? "double" : "float" }

    /// A `cl_mem` for `count` scalars from the arena.
    public func allocate<S: TensorScalar>(_ type: S.Type, count: Int) throws -> DeviceBuffer {
        try check(S.self, count: count)
        return try arena.allocate(count * MemoryLayout<S>.stride)
    }

    /// A new buffer with `scalars` written into it (a blocking write: `scalars` may go
    /// away when this returns).
    public func upload<S: TensorScalar>(_ scalars: [S]) throws -> DeviceBuffer {
        let buffer = try allocate(S.self, count: scalars.count)
        if scalars.isEmpty { return buffer }
        try scalars.withUnsafeBytes { bytes in
            try context.locked {
                try context.check(
                    context.api.pointee.EnqueueWriteBuffer!(
                        context.queue, OpaquePointer(buffer.block), 1, 0, bytes.count, bytes.baseAddress, 0, nil, nil),
                    "clEnqueueWriteBuffer")
            }
        }
        return buffer
    }

    /// The first `count` scalars, read after every queued operation (a blocking read
    /// on the in-order queue).
    public func download<S: TensorScalar>(_ buffer: DeviceBuffer, count: Int) throws -> [S] {
        if count * MemoryLayout<S>.stride > buffer.byteCount {
            fatalError("Wengert: download of \(count) scalars from a buffer of \(buffer.byteCount) bytes.")
        }
        if count == 0 { return [] }
        var result = [S](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { bytes in
            try context.locked {
                try context.check(
                    context.api.pointee.EnqueueReadBuffer!(
                        context.queue, OpaquePointer(buffer.block), 1, 0, bytes.count, bytes.baseAddress, 0, nil, nil),
                    "clEnqueueReadBuffer")
            }
        }
        return result
    }

    /// clFinish on the device's queue.
    public func synchronize() throws {
        try context.locked { try context.check(context.api.pointee.Finish!(context.queue), "clFinish") }
    }
}

/// The two OpenCL matrix-product kernels.
enum OpenCLMatmulKernel: Sendable {
    /// 64x64 tiles through local memory, 4x4 per work item (GPUs).
    case tiled
    /// 8 rows of one column per work item, no local memory (CPU runtimes).
    case rows
}

extension Device {
    /// The backend that runs this device's operations, or a thrown ``DeviceError`` when
    /// it cannot be made (no OpenCL, no such device, a failed context).
    public func makeBackend() throws -> any Backend {
        switch kind {
        case .cpu: CPUBackend()
        case .openCL(let index): try OpenCLBackend(index: index)
        }
    }
}

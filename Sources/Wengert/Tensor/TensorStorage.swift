// Where a tensor's scalars live: a DeviceBuffer from its device's caching arena
// (Device/BufferArena.swift), host memory for the CPU and a cl_mem for OpenCL. A steady
// training loop asks for the same sizes every step, so after the first step the arena
// hands back cached blocks and neither the system allocator nor clCreateBuffer is called.
//
// Value semantics need no copy-on-write check here: an operation never writes into a
// buffer another value can see (it takes a new one from the arena, or, in the backward
// sweep's slice cotangents, the optimisers' updates and the compound assignments, first
// checks that it holds the only reference), so a buffer, once filled, is immutable to every value that shares it
// (reshapes, copies, saved tensors, views of a contiguous slice). Reading
// scalars on the host is an explicit download for a device that is not the CPU.

import CWengert

extension Tensor {
    /// A CPU tensor over a new host buffer of `count` scalars, which `initialize` must
    /// fill completely (the memory starts uninitialised).
    @inlinable
    static func host(shape: TensorDimensions, count: Int, _ initialize: (UnsafeMutablePointer<Scalar>) -> Void) -> Tensor {
        let buffer = TensorStorage.hostBuffer(Scalar.self, count: count)
        initialize(buffer.block.assumingMemoryBound(to: Scalar.self))
        return Tensor(buffer: buffer, shape: shape, device: .cpu)
    }

    /// A CPU tensor of `shape`, whose `count` scalars the caller has counted, all `value`.
    @inlinable
    static func hostFilled(_ value: Scalar, shape: TensorDimensions, count: Int) -> Tensor {
        // The C fill past a few scalars: Swift's loop stored one 128-bit vector a turn
        // (1,300 instructions for a sum's cotangent of 2000 Floats, against about 300).
        host(shape: shape, count: count) { count > 16 ? Scalar._fillKernel(value, $0, count) : $0.initialize(repeating: value, count: count) }
    }

    /// A 0-d CPU tensor holding `value`, its shape built inline (`Tensor(value)` converts
    /// an empty array literal to the shape).
    @inlinable
    static func scalar0d(_ value: Scalar) -> Tensor {
        host(shape: TensorDimensions(), count: 1) { $0.initialize(to: value) }
    }

    /// `host(shape:count:_:)` with the shape as an array.
    @inlinable
    static func host(shape: [Int], count: Int, _ initialize: (UnsafeMutablePointer<Scalar>) -> Void) -> Tensor {
        host(shape: TensorDimensions(shape), count: count, initialize)
    }

    /// An untracked tensor holding `scalars` on `device` (an upload for a device other
    /// than the CPU). The caller has checked that `scalars` fills `shape`.
    @inlinable
    init(uncheckedStorage scalars: [Scalar], shape: [Int], device: Device = .cpu) {
        if device.kind == .cpu {
            self = Tensor.host(shape: shape, count: scalars.count) { out in
                scalars.withUnsafeBufferPointer { source in
                    if let base = source.baseAddress { out.update(from: base, count: source.count) }
                }
            }
        } else {
            let buffer = TensorKernels.onDevice(device, "upload") { try $0.upload(scalars) }
            self.init(buffer: buffer, shape: shape, device: device)
        }
    }

    /// Runs `body` over the scalars in place. Only for CPU tensors: the kernels of other
    /// devices go through `Backend`, and reading their values is `scalars`' download.
    @inlinable
    func withHostScalars<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        TensorKernels.requireCPU(placement)
        return try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.block.assumingMemoryBound(to: Scalar.self), count: scalarCount))
        }
    }

    /// The scalars copied to a host array: a memory copy on the CPU, a download (which
    /// waits for the device's queue) elsewhere.
    @inlinable
    func downloaded() -> [Scalar] {
        if placement.kind == .cpu { return withHostScalars { Array($0) } }
        let count = scalarCount
        return TensorKernels.onDevice(placement, "download") { try $0.download(storage, count: count) }
    }

    /// The tensor's buffer as a contiguous view for a backend operation.
    @inlinable var contiguousView: BufferView<Scalar> { BufferView(storage, .contiguous(dimensions)) }
}

extension StridedLayout {
    /// The row-major layout of a tensor's shape.
    @inlinable static func contiguous(_ shape: TensorDimensions, offset: Int = 0) -> StridedLayout {
        contiguous(shape.array, offset: offset)
    }
}

/// Host buffers for CPU tensors, from the CPU backend's arena.
@usableFromInline
enum TensorStorage {
    /// `CPUBackend.hostArena`, read from a per-thread slot (`threadCachedGlobal`).
    @inlinable static var hostArena: Unmanaged<BufferArena> {
        threadCachedGlobal(WENGERT_SLOT_HOST_ARENA) { CPUBackend.hostArena }
    }

    /// An uninitialised host buffer of `count` scalars, bound to `S`: a small one holds
    /// its scalars itself (one allocation, no arena lock), a larger one is an arena block.
    @inlinable
    static func hostBuffer<S: TensorScalar>(_: S.Type, count: Int) -> DeviceBuffer {
        let bytes = count * MemoryLayout<S>.stride
        let buffer: DeviceBuffer
        if bytes <= DeviceBuffer.inlineByteLimit {
            buffer = DeviceBuffer.inlineHost(byteCount: bytes)
        } else {
            do { buffer = try hostArena._withUnsafeGuaranteedRef { try $0.allocate(bytes) } } catch {
                wengertTensorDeviceFailure(.cpu, "allocate", error)
            }
        }
        buffer.block.bindMemory(to: S.self, capacity: count)
        return buffer
    }
}

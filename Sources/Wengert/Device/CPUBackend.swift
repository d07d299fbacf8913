import CWengert

/// The host CPU backend: buffers from a process-wide host ``BufferArena`` (64-byte
/// aligned), the C kernels (AVX-512 / AVX2 / portable, chosen at run time, in
/// Sources/CWengert/Kernels.c) for contiguous arithmetic, sums and matrix products, and
/// generic Swift loops over strided views for the rest.
public struct CPUBackend: Backend {
    /// Where this backend's buffers come from.
    public let arena: BufferArena

    /// The CPU backend over the process-wide host arena.
    public init() { arena = CPUBackend.hostArena }

    /// The CPU backend over its own arena (for counting allocations in isolation).
    public init(arena: BufferArena) { self.arena = arena }

    /// A fresh host arena (64-byte aligned blocks), separate from the shared one.
    public static func makeHostArena() -> BufferArena { makeHostArena(permanent: false) }

    /// A host arena, `permanent` for the shared one only.
    static func makeHostArena(permanent: Bool) -> BufferArena {
        BufferArena(
            deviceName: "cpu", allocate: { bytes in wengert_host_allocate(bytes) }, free: { wengert_host_free($0) },
            permanent: permanent)
    }

    /// "cpu".
    public var name: String { "cpu" }
    /// ``Device/cpu``.
    public var device: Device { .cpu }

    /// One arena for all host buffers, created on first use and kept for the process
    /// (permanent: its buffers move no reference count on it).
    @usableFromInline static let hostArena = makeHostArena(permanent: true)

    /// `memcpy`.
    public func copyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
        wengertCopyBytes(destination, source, count)
    }

    /// Host memory for `count` scalars from the arena.
    public func allocate<S: TensorScalar>(_ type: S.Type, count: Int) throws -> DeviceBuffer {
        try arena.allocate(count * MemoryLayout<S>.stride)
    }

    /// A host buffer holding a copy of `scalars`.
    public func upload<S: TensorScalar>(_ scalars: [S]) throws -> DeviceBuffer {
        let buffer = try allocate(S.self, count: scalars.count)
        scalars.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 { wengertCopyBytes(buffer.block, base, bytes.count) }
        }
        return buffer
    }

    /// A copy of the first `count` scalars (the CPU runs operations as they are called).
    public func download<S: TensorScalar>(_ buffer: DeviceBuffer, count: Int) throws -> [S] {
        if count * MemoryLayout<S>.stride > buffer.byteCount {
            fatalError("Wengert: download of \(count) scalars from a buffer of \(buffer.byteCount) bytes.")
        }
        let source = buffer.block.assumingMemoryBound(to: S.self)
        return [S](UnsafeBufferPointer(start: source, count: count))
    }

    /// Nothing to wait for: CPU operations finish before they return.
    public func synchronize() throws {}

    /// The typed address of a view's buffer.
    @inlinable func pointer<S>(_ view: BufferView<S>) -> UnsafeMutablePointer<S> {
        view.buffer.block.assumingMemoryBound(to: S.self)
    }
}

/// Calls `body(row offsets of up to four layouts, row length)` once per innermost row of
/// `shape`; the layouts' innermost strides stay fixed along a row. Offsets start at the
/// layouts' own offsets. A 0-d shape is one row of length 1.
@inlinable
func wengertForEachRow(
    _ shape: [Int], _ l0: StridedLayout, _ l1: StridedLayout, _ l2: StridedLayout, _ l3: StridedLayout,
    _ body: (Int, Int, Int, Int, Int) -> Void
) {
    let rank = shape.count
    if shape.contains(0) { return }
    if rank == 0 { body(l0.offset, l1.offset, l2.offset, l3.offset, 1); return }
    let inner = shape[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var o0 = l0.offset, o1 = l1.offset, o2 = l2.offset, o3 = l3.offset
    while true {
        body(o0, o1, o2, o3, inner)
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            o0 += l0.strides[axis]; o1 += l1.strides[axis]; o2 += l2.strides[axis]; o3 += l3.strides[axis]
            if index[axis] < shape[axis] { break }
            o0 -= l0.strides[axis] * shape[axis]; o1 -= l1.strides[axis] * shape[axis]
            o2 -= l2.strides[axis] * shape[axis]; o3 -= l3.strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

extension StridedLayout {
    /// The stride of the innermost axis (0 for a 0-d layout).
    @inlinable var innerStride: Int { strides.last ?? 0 }
}

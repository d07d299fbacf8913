/// What a device provides for tensors to run on it: memory and kernels by operation.
///
/// Buffers come from the device's caching ``BufferArena``; operations read operands
/// through ``BufferView``s (a layout of shape, strides and offset over a buffer), so
/// broadcasting, expand, permute and slice cost no copies before a kernel. Every
/// elementwise operation writes the positions of its output view in row-major order of
/// the output shape; operand views have that same shape (broadcast operands through
/// stride 0). Backends run operations in order; ``download(_:count:)`` waits for the work
/// before it. Environmental failures (no memory, a driver error) throw ``DeviceError``;
/// views that do not agree are programmer errors and stop with a message.
///
/// The CPU backend (``CPUBackend``) runs the C kernels on host memory; the OpenCL backend
/// (``OpenCLBackend``) runs kernels written in OpenCL C. The tensor layer does not call
/// this protocol yet: tensors hold host arrays (see ARCHITECTURE.md, "Devices").
public protocol Backend: Sendable {
    /// A short name for messages ("cpu", "openCL:0 (pthread-haswell)").
    var name: String { get }
    /// The device this backend runs on.
    var device: Device { get }
    /// The device's caching arena (its statistics count system allocations).
    var arena: BufferArena { get }

    /// Copies `count` bytes of host memory; the reference for bandwidth measurements.
    /// - Complexity: O(count).
    func copyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int)

    /// Room for `count` scalars of `type`, uninitialised, from the arena.
    /// - Throws: ``DeviceError/outOfMemory(bytes:device:)``, ``DeviceError/doubleUnsupported(device:)``.
    /// - Complexity: O(1) from the cache, one system allocation otherwise.
    func allocate<S: TensorScalar>(_ type: S.Type, count: Int) throws -> DeviceBuffer
    /// A new buffer holding `scalars`.
    /// - Complexity: O(n) plus the transfer.
    func upload<S: TensorScalar>(_ scalars: [S]) throws -> DeviceBuffer
    /// The first `count` scalars of `buffer`, after every operation queued before.
    /// - Complexity: O(count) plus waiting for the queue.
    func download<S: TensorScalar>(_ buffer: DeviceBuffer, count: Int) throws -> [S]
    /// Waits until every queued operation has finished.
    func synchronize() throws

    /// Sets the positions of `out` to `value`.
    func fill<S: TensorScalar>(_ out: BufferView<S>, with value: S) throws
    /// Fills contiguous `out` with seeded random scalars: position i is a function of
    /// (seed, i) only (SplitMix64 counters), so every backend draws the same numbers,
    /// and a ``Tensor`` made with `randomUniform:`/`randomNormal:` and the same seed
    /// holds them too (up to the device's rounding of log, cos and sin).
    func random<S: TensorScalar>(_ out: BufferView<S>, distribution: RandomDistribution<S>, seed: UInt64) throws

    /// out = op(x) elementwise.
    func unary<S: TensorScalar>(_ op: UnaryOperation, _ x: BufferView<S>, into out: BufferView<S>) throws
    /// out = op(a, b) elementwise.
    func binary<S: TensorScalar>(_ op: BinaryOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>) throws
    /// out = op(a, b) ? 1 : 0 elementwise.
    func compare<S: TensorScalar>(_ op: ComparisonOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>) throws
    /// out = condition != 0 ? a : b elementwise (NaN conditions choose `a`).
    func select<S: TensorScalar>(_ condition: BufferView<S>, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>) throws
    /// Folds `x` over `axes` (distinct, in range); `out` has x's shape with those axes
    /// of extent 1 (or removed: only the positions' order matters).
    func reduce<S: TensorScalar>(_ op: ReductionOperation, _ x: BufferView<S>, axes: [Int], into out: BufferView<S>) throws
    /// out = x with `axis` indexed by `indices` (out's shape is x's with that axis
    /// replaced by `indices.count`). Stops naming the index when one is out of range.
    func gather<S: TensorScalar>(_ x: BufferView<S>, axis: Int, indices: [Int], into out: BufferView<S>) throws
    /// out (+)= a·b for rank-2 views a [m, k] and b [k, n] (any strides: a transposed
    /// operand is a permuted layout); `out` is a contiguous [m, n] view.
    func matmul<S: TensorScalar>(_ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>, accumulate: Bool) throws
}

extension Backend {
    /// Copies `source`'s positions into `destination`'s (expand, permute and slice are
    /// layouts of `source`; a concatenation writes each part into a slice).
    public func copy<S: TensorScalar>(_ source: BufferView<S>, into destination: BufferView<S>) throws {
        try unary(.identity, source, into: destination)
    }

    /// Contiguous `out` = the parts joined along `axis` (their other extents agree).
    /// Stops naming the shapes when they do not.
    public func concatenate<S: TensorScalar>(_ parts: [BufferView<S>], axis: Int, into out: BufferView<S>) throws {
        var start = 0
        for part in parts {
            var shape = out.layout.shape
            if axis >= shape.count || part.layout.shape.count != shape.count { wengertConcatenateMismatch(parts, out) }
            shape[axis] = part.layout.shape[axis]
            if shape != part.layout.shape || start + shape[axis] > out.layout.shape[axis] { wengertConcatenateMismatch(parts, out) }
            let slot = BufferView<S>(out.buffer, out.layout.sliced(axis: axis, start ..< start + shape[axis]))
            try unary(.identity, part, into: slot)
            start += shape[axis]
        }
        if axis >= out.layout.shape.count || start != out.layout.shape[axis] { wengertConcatenateMismatch(parts, out) }
    }

    /// Uploads `scalars` as a contiguous view of `shape`.
    public func view<S: TensorScalar>(_ scalars: [S], shape: [Int]) throws -> BufferView<S> {
        if shape.reduce(1, *) != scalars.count {
            fatalError("Wengert: \(scalars.count) scalars do not fill shape \(shape).")
        }
        return BufferView(try upload(scalars), shape: shape)
    }

    /// A new contiguous view of `shape`, uninitialised.
    public func empty<S: TensorScalar>(_ type: S.Type, shape: [Int]) throws -> BufferView<S> {
        BufferView(try allocate(type, count: shape.reduce(1, *)), shape: shape)
    }

    /// The positions of `view` in row-major order of its shape.
    public func scalars<S: TensorScalar>(of view: BufferView<S>) throws -> [S] {
        if view.layout.isContiguous && view.layout.offset == 0 {
            return try download(view.buffer, count: view.layout.count)
        }
        let packed = try empty(S.self, shape: view.layout.shape)
        try copy(view, into: packed)
        return try download(packed.buffer, count: view.layout.count)
    }
}

@inline(never) @usableFromInline
func wengertConcatenateMismatch<S>(_ parts: [BufferView<S>], _ out: BufferView<S>) -> Never {
    fatalError("Wengert: cannot concatenate shapes \(parts.map(\.layout.shape)) into \(out.layout.shape).")
}

/// Stops unless every view has `shape` (operands broadcast through their strides).
@usableFromInline
func wengertCheckShapes<S>(_ operation: String, _ shape: [Int], _ views: BufferView<S>...) {
    for view in views where view.layout.shape != shape {
        fatalError("Wengert: \(operation) needs operands of the output's shape \(shape), got \(view.layout.shape); broadcast with StridedLayout.expanded(to:).")
    }
}

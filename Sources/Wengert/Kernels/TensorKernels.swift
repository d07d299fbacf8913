import CWengert

// The one layer between tensor operations and devices. CPU tensors run here on host
// pointers into their arena buffers: same-shape and tensor-with-scalar arithmetic, the
// elementary functions and the GEMM in the C kernels (AVX-512 or AVX2 where present), the
// other loops in generic Swift, specialised for Float and Double at the call site because
// everything here is @inlinable. Tensors on another device run the same operations
// through that device's `Backend` (TensorKernels+Device.swift), on strided views of their
// buffers, with no host round trip.

/// Elementwise arithmetic codes shared with the C kernels.
@usableFromInline
enum TensorArithmetic: Int32 {
    case add = 0, subtract = 1, multiply = 2, divide = 3
    /// a·b, but 0 where either is 0 whatever the other is: a cotangent times a partial,
    /// with the chain rule's convention (TensorPullbacks.chain).
    case chain = 4

    @inlinable func apply<S: TensorScalar>(_ a: S, _ b: S) -> S {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .chain: a == 0 || b == 0 ? 0 : a * b
        }
    }

    /// The same operation as a backend's code.
    @inlinable var backendOperation: BinaryOperation {
        switch self {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        case .chain: .chain
        }
    }
}

@usableFromInline
enum TensorKernels {
    /// Stops unless `device` is the CPU: for the loops below that read host memory.
    @inlinable @inline(__always) static func requireCPU(_ device: Device) {
        if device.kind != .cpu { wengertTensorHostAccess(device) }
    }

    /// Stops unless `x` holds exactly as many scalars as its shape says: every loop that
    /// walks a tensor by its shape's strides relies on it, and a mismatch would read or
    /// write past the end of a buffer. Cheap (a product over the axes); called on every
    /// path that indexes by shape rather than by count.
    @inlinable @inline(__always) static func requireConsistent<S>(_ x: Tensor<S>, operation: StaticString) {
        if _slowPath(x.scalarCount != TensorShape.count(x.dimensions)) {
            wengertTensorInconsistent(x.dimensions, count: x.scalarCount, operation: operation)
        }
    }

    /// The broadcast shape of two operands; stops naming both shapes (or devices) and
    /// the operation when they do not agree. As in PyTorch, an untracked 0-d CPU tensor
    /// (the scalar of `x * 2`) goes with a tensor on any device.
    @inlinable static func broadcastShape<S>(_ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString) -> TensorDimensions {
        if a.placement != b.placement && !isScalarConstant(a) && !isScalarConstant(b) {
            wengertTensorDeviceMismatch(a.placement, b.placement, operation: operation)
        }
        guard let shape = TensorShape.broadcast(a.dimensions, b.dimensions) else {
            wengertTensorShapeMismatch(a.dimensions, b.dimensions, operation: operation)
        }
        return shape
    }

    /// Whether `x` is an untracked 0-d CPU tensor, which an operation uploads to its other
    /// operand's device.
    @inlinable static func isScalarConstant<S>(_ x: Tensor<S>) -> Bool {
        x.placement.kind == .cpu && x.dimensions.isEmpty && x.tracking == nil
    }

    /// The device an operation on `a` and `b` runs on: the one that is not the CPU, if any.
    @inlinable static func device<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Device {
        a.placement.kind == .cpu ? b.placement : a.placement
    }

    /// a op b with broadcasting, through the C kernels.
    @inlinable static func arithmetic<S>(_ op: TensorArithmetic, _ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString) -> Tensor<S> {
        let shape = broadcastShape(a, b, operation: operation)
        if a.placement.kind != .cpu || b.placement.kind != .cpu {
            return onDevice(.binary(op.backendOperation), a, b, shape: shape, operation)
        }
        let n = TensorShape.count(shape)
        let na = a.scalarCount, nb = b.scalarCount
        let pa = a.hostBase, pb = b.hostBase
        if !(na == n && (nb == n || nb == 1)) && !(na == 1 && nb == n) {
            requireConsistent(a, operation: operation)
            requireConsistent(b, operation: operation)
        }
        return Tensor.host(shape: shape, count: n) { base in
            guard n > 0 else { return }
            if na == n && nb == n {
                S._binaryKernel(op.rawValue, pa, 1, pb, 1, base, n)
            } else if nb == 1 && na == n {
                S._binaryKernel(op.rawValue, pa, 1, pb, 0, base, n)
            } else if na == 1 && nb == n {
                S._binaryKernel(op.rawValue, pa, 0, pb, 1, base, n)
            } else {
                let sa = TensorShape.broadcastStrides(a.dimensions, to: shape)
                let sb = TensorShape.broadcastStrides(b.dimensions, to: shape)
                if shape.count <= Int(WENGERT_BROADCAST_MAX_RANK) {
                    // The rows in one C call: a Swift loop calling the kernel per row cost
                    // more than the rows' arithmetic where they are short (GMM's [k, N, d]).
                    let dims = shape.array
                    S._binaryBroadcastKernel(op.rawValue, pa, sa, pb, sb, base, dims, dims.count)
                } else {
                    TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, ob, count, ia, ib in
                        S._binaryKernel(op.rawValue, pa + oa, ia, pb + ob, ib, base + o, count)
                    }
                }
            }
        }
    }

    /// `x op s` (or `s op x` when `scalarFirst`) for an untracked CPU tensor and a scalar:
    /// the kernel call that `arithmetic` makes with `s` as a 0-d tensor, without that
    /// tensor's buffer (an allocation and a release per `lr * g`).
    @inlinable static func arithmetic<S>(
        _ op: TensorArithmetic, _ x: Tensor<S>, scalar s: S, scalarFirst: Bool, operation: StaticString
    ) -> Tensor<S> {
        requireConsistent(x, operation: operation)
        let n = x.scalarCount, px = x.hostBase
        return withExtendedLifetime(x) {
            Tensor.host(shape: x.dimensions, count: n) { base in
                guard n > 0 else { return }
                withUnsafePointer(to: s) { ps in
                    // One scalar on both sides is `arithmetic`'s same-count call; the strides
                    // of a one-element pass do not change its result.
                    if scalarFirst {
                        S._binaryKernel(op.rawValue, ps, 0, px, 1, base, n)
                    } else {
                        S._binaryKernel(op.rawValue, px, 1, ps, 0, base, n)
                    }
                }
            }
        }
    }

    /// x·x elementwise: the C multiply on the CPU (a closure per element costs ten times
    /// as much where the caller is generic over the scalar), the backend's square elsewhere.
    @inlinable static func square<S>(_ x: Tensor<S>) -> Tensor<S> {
        if x.placement.kind != .cpu { return map(x, code: .square) { $0 * $0 } }
        requireConsistent(x, operation: "squared")
        let n = x.scalarCount, px = x.hostBase
        return Tensor.host(shape: x.dimensions, count: n) { po in
            if n > 0 { S._binaryKernel(TensorArithmetic.multiply.rawValue, px, 1, px, 1, po, n) }
        }
    }

    /// g·f′ elementwise by the C kernel `code` (a `wengert_partial_op`), f′ from `v` (the
    /// forward value or input, as the scalar table takes it); nil when the operands are
    /// not CPU tensors of one count, for the caller's general path.
    @inlinable static func unaryBackward<S>(_ code: Int32, _ g: Tensor<S>, _ v: Tensor<S>) -> Tensor<S>? {
        guard g.placement.kind == .cpu, v.placement.kind == .cpu, g.dimensions == v.dimensions else { return nil }
        requireConsistent(g, operation: "backward")
        requireConsistent(v, operation: "backward")
        let n = g.scalarCount, pg = g.hostBase, pv = v.hostBase
        return Tensor.host(shape: g.dimensions, count: n) { po in
            if n > 0 { S._unaryBackwardKernel(code, pg, pv, po, n) }
        }
    }

    /// `body(g, x, n)` writing its result over `g`'s own buffer, and `g` returned: a
    /// backward rule's last product over a cotangent it owns (`TensorPullbacks.pullback`'s
    /// `reuse`), the same kernel and bits as the pass that makes a buffer, and none made.
    /// Nil where that pass is needed instead: `x` on a device or of another shape.
    /// `body` may read `x` and `g` only at the position it writes.
    @inlinable static func overwriting<S>(
        _ g: Tensor<S>, with x: Tensor<S>,
        _ body: (UnsafeMutablePointer<S>, UnsafePointer<S>, Int) -> Void
    ) -> Tensor<S>? {
        guard x.placement.kind == .cpu, g.dimensions == x.dimensions else { return nil }
        requireConsistent(g, operation: "backward")
        requireConsistent(x, operation: "backward")
        let n = g.scalarCount
        if n > 0 { withExtendedLifetime(x) { body(g.hostBase, UnsafePointer(x.hostBase), n) } }
        return g
    }

    /// The C kernel code of an elementwise operation, where it has one.
    @inlinable static func unaryCode(_ operation: TensorOperation) -> Int32? {
        backendOperation(operation)?.vectorKernel
    }

    /// The backend code of an elementwise operation, where it has one.
    @inlinable static func backendOperation(_ operation: TensorOperation) -> UnaryOperation? {
        switch operation {
        case .negate: .negate
        case .abs: .abs
        case .exp: .exp
        case .expm1: .expm1
        case .log: .log
        case .log1p: .log1p
        case .log2: .log2
        case .log10: .log10
        case .sqrt: .sqrt
        case .cbrt: .cbrt
        case .sin: .sin
        case .cos: .cos
        case .tan: .tan
        case .asin: .asin
        case .acos: .acos
        case .atan: .atan
        case .sinh: .sinh
        case .cosh: .cosh
        case .tanh: .tanh
        case .erf: .erf
        case .sigmoid: .sigmoid
        case .softplus: .softplus
        case .relu: .relu
        case .squared: .square
        default: nil
        }
    }

    /// The backend code of a two-operand elementary function, where it has one.
    @inlinable static func backendOperation(binary operation: TensorOperation) -> BinaryOperation? {
        switch operation {
        case .power: .power
        case .atan2: .atan2
        case .hypot: .hypot
        case .minimum: .minimum
        case .maximum: .maximum
        default: nil
        }
    }

    /// The elementary function `operation` (whose scalar form is `f`) elementwise: the
    /// vectorised C kernel where it has one, else `f` per element; a backend code on
    /// other devices.
    @inlinable static func elementwise<S>(_ x: Tensor<S>, _ operation: TensorOperation, _ f: (S) -> S) -> Tensor<S> {
        if x.placement.kind != .cpu {
            guard let code = backendOperation(operation) else { wengertTensorNoDeviceKernel(x.placement, "\(operation)") }
            return onDevice(unary: code, x)
        }
        if let code = unaryCode(operation) { return unary(x, code) }
        return map(x, f)
    }

    /// The C kernel `code` (a `wengert_unary_op`) elementwise: vectorised, no closure per element.
    @inlinable static func unary<S>(_ x: Tensor<S>, _ code: Int32) -> Tensor<S> {
        requireCPU(x.placement)
        let n = x.scalarCount, px = x.hostBase
        return Tensor.host(shape: x.dimensions, count: n) { po in
            if n > 0 { S._unaryKernel(code, px, po, n) }
        }
    }

    /// f(a, b) elementwise with broadcasting, in Swift on the CPU. On another device the
    /// operation runs as the backend's `code`; an operation without one stops, naming it.
    @inlinable static func zip<S>(
        _ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString, code: TensorBackendCode? = nil, _ f: (S, S) -> S
    ) -> Tensor<S> {
        let shape = broadcastShape(a, b, operation: operation)
        if a.placement.kind != .cpu || b.placement.kind != .cpu { return onDevice(code, a, b, shape: shape, operation) }
        let n = TensorShape.count(shape)
        let pa = a.hostBase, pb = b.hostBase
        if a.scalarCount == n && b.scalarCount == n {
            return Tensor.host(shape: shape, count: n) { po in
                for i in 0..<n { po[i] = f(pa[i], pb[i]) }
            }
        }
        requireConsistent(a, operation: operation)
        requireConsistent(b, operation: operation)
        let sa = TensorShape.broadcastStrides(a.dimensions, to: shape)
        let sb = TensorShape.broadcastStrides(b.dimensions, to: shape)
        return Tensor.host(shape: shape, count: n) { po in
            TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, ob, count, ia, ib in
                for j in 0..<count { po[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
            }
        }
    }

    /// f(x) elementwise in Swift on the CPU; the backend's `code` on another device (an
    /// operation without one stops, naming it).
    @inlinable static func map<S>(_ x: Tensor<S>, code: UnaryOperation? = nil, _ f: (S) -> S) -> Tensor<S> {
        if x.placement.kind != .cpu {
            guard let code else { wengertTensorNoDeviceKernel(x.placement, "a Swift closure") }
            return onDevice(unary: code, x)
        }
        let n = x.scalarCount, px = x.hostBase
        return Tensor.host(shape: x.dimensions, count: n) { po in
            for i in 0..<n { po[i] = f(px[i]) }
        }
    }

    /// `x` reduced by `op` over `axes` (sorted, distinct, in range), which are kept with
    /// extent 1, one axis at a time. Sums take the vectorised C kernels (in the reference
    /// order of additions); the other reductions fold the axis from its first element.
    /// An empty axis gives op's identity.
    @inlinable static func reduce<S>(_ op: ReductionOperation, _ x: Tensor<S>, axes: [Int]) -> Tensor<S> {
        requireConsistent(x, operation: "reduction")
        if x.placement.kind != .cpu { return onDevice(reduce: op, x, axes: axes) }
        var values = x, shape = x.dimensions
        if op == .sum && axes.count == shape.count, let total = x.wholeSum() {
            return Tensor.hostFilled(total, shape: TensorDimensions(repeatElement(1, count: shape.count)), count: 1)
        }
        for axis in axes {
            let size = shape[axis]
            let inner = TensorShape.count(shape[(axis + 1)...])
            let outer = TensorShape.count(shape[..<axis])
            shape[axis] = 1
            let px = values.hostBase
            values = Tensor.host(shape: shape, count: outer * inner) { po in
                if outer * inner == 0 { return }
                if size == 0 { po.initialize(repeating: op.identity(S.self), count: outer * inner); return }
                if op == .sum { S._sumAxisKernel(px, outer: outer, size: size, inner: inner, po); return }
                for o in 0..<outer {
                    let base = o * size * inner
                    for i in 0..<inner { po[o * inner + i] = px[base + i] }
                    for s in 1..<size {
                        let row = base + s * inner
                        for i in 0..<inner { po[o * inner + i] = op.combine(po[o * inner + i], px[row + i]) }
                    }
                }
            }
        }
        return values
    }

    /// Sums over `axes` (sorted, distinct, in range), keeping them with extent 1.
    @inlinable static func sum<S>(_ x: Tensor<S>, axes: [Int]) -> Tensor<S> { reduce(.sum, x, axes: axes) }

    /// The positions `runs` along `axis`, one after another, of a CPU tensor (slicing is
    /// one run, gathering one run of one per index): a row copy per run and outer index.
    /// Any collection of runs: a slice passes `CollectionOfOne`, which an array literal
    /// would have allocated (and freed) for every `a[i]`.
    @inlinable static func copyRuns<S>(_ x: Tensor<S>, axis: Int, runs: some Collection<Range<Int>>) -> Tensor<S> {
        var shape = x.dimensions
        shape[axis] = runs.reduce(0) { $0 + $1.count }
        let inner = TensorShape.count(x.dimensions[(axis + 1)...])
        let outer = TensorShape.count(x.dimensions[..<axis])
        let size = x.dimensions[axis], px = x.hostBase
        let count = TensorShape.count(shape)
        if runs.count == 1, let run = runs.first, count > 0 && (outer == 1 || run == 0..<size) {
            // One contiguous run (a range of the first axis with extent > 1, or a whole
            // axis): a view of x's buffer, no copy. Buffers are never written once filled,
            // so the view and x cannot see each other change.
            let stride = MemoryLayout<S>.stride
            let view = DeviceBuffer.view(of: x.storage, byteOffset: run.lowerBound * inner * stride, byteCount: count * stride)
            return Tensor(buffer: view, shape: shape, device: .cpu)
        }
        return Tensor.host(shape: shape, count: count) { out in
            var position = 0
            for o in 0..<outer {
                for run in runs {
                    (out + position).update(from: px + (o * size + run.lowerBound) * inner, count: run.count * inner)
                    position += run.count * inner
                }
            }
        }
    }

    /// The gradient `g` of a broadcast result summed back to `shape` (NumPy unbroadcast).
    @inlinable static func sum<S>(_ g: Tensor<S>, toShape shape: TensorDimensions) -> Tensor<S> {
        if g.dimensions == shape { return g }
        requireConsistent(g, operation: "backward (summing a cotangent to its operand's shape)")
        // The cotangent of a scalar parameter (a bias added to a batch): the one sum
        // `reduce` would take, without the axes' arrays between.
        if TensorShape.count(shape) == 1 && reducesEveryAxis(g.dimensions, to: shape), let total = g.wholeSum() {
            return Tensor.hostFilled(total, shape: shape, count: 1)
        }
        var reduced = sum(g, axes: broadcastAxes(g.dimensions.array, shape.array))
        if reduced.scalarCount != TensorShape.count(shape) {
            wengertTensorShapeMismatch(g.dimensions, shape, operation: "backward (a cotangent does not sum to its operand's shape)")
        }
        reduced.dimensions = shape
        return reduced
    }

    /// Whether summing `broadcast` back to `shape` reduces every one of its axes (no
    /// axis of extent 1 kept), so that the sum over all axes is one pass of the kernel.
    @inlinable static func reducesEveryAxis(_ broadcast: TensorDimensions, to shape: TensorDimensions) -> Bool {
        let pad = broadcast.count - shape.count
        guard pad >= 0 else { return false }
        for axis in pad..<broadcast.count where shape[axis - pad] != 1 || broadcast[axis] == 1 { return false }
        return true
    }

    /// The axes of `broadcast` that broadcasting `shape` to it added or stretched.
    @inlinable static func broadcastAxes(_ broadcast: [Int], _ shape: [Int]) -> [Int] {
        let pad = broadcast.count - shape.count
        var axes = [Int]()
        for i in 0..<broadcast.count where i < pad || (shape[i - pad] == 1 && broadcast[i] != 1) { axes.append(i) }
        return axes
    }

    /// `x` repeated along stretched axes to `shape` (the inverse of `sum(_:toShape:)`).
    @inlinable static func expand<S>(_ x: Tensor<S>, to shape: TensorDimensions) -> Tensor<S> {
        if x.dimensions == shape { return x }
        requireConsistent(x, operation: "expand")
        if x.placement.kind != .cpu {
            return onDevice(copy: BufferView(x.storage, StridedLayout.contiguous(x.dimensions).expanded(to: shape.array)), x.placement)
        }
        let px = x.hostBase, count = TensorShape.count(shape)
        if x.scalarCount == 1 {
            // A reduction's cotangent (the backward of sum and mean to one scalar): a fill.
            return Tensor.hostFilled(px[0], shape: shape, count: count)
        }
        let sa = TensorShape.broadcastStrides(x.dimensions, to: shape)
        if shape.count <= Int(WENGERT_BROADCAST_MAX_RANK) {
            // The rows in one C call, as `arithmetic`: short rows cost a closure call each.
            let dims = shape.array
            return Tensor.host(shape: shape, count: count) { po in
                if count > 0 { S._broadcastCopyKernel(px, sa, po, dims, dims.count) }
            }
        }
        let sb = [Int](repeating: 0, count: shape.count)
        return Tensor.host(shape: shape, count: count) { po in
            TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, _, run, ia, _ in
                // A broadcast last axis (the backward of a sum along it) repeats one scalar,
                // a kept one copies a run: a loop through `oa + j * ia` did neither in bulk.
                if ia == 0 {
                    (po + o).initialize(repeating: px[oa], count: run)
                } else {
                    (po + o).initialize(from: px + oa, count: run)
                }
            }
        }
    }

    /// The axes of `x` permuted: result axis i is input axis `permutation[i]`.
    @inlinable static func permute<S>(_ x: Tensor<S>, _ permutation: [Int]) -> Tensor<S> {
        requireConsistent(x, operation: "transposed")
        if x.placement.kind != .cpu {
            return onDevice(copy: BufferView(x.storage, StridedLayout.contiguous(x.dimensions).permuted(permutation)), x.placement)
        }
        let rank = x.rank
        if rank >= 2, permutation[rank - 2] == rank - 1, permutation[rank - 1] == rank - 2,
            permutation[..<(rank - 2)].elementsEqual(0..<(rank - 2))
        {
            return transposeLastTwo(x)
        }
        let shape = permutation.map { x.dimensions[$0] }
        let inStrides = TensorShape.strides(x.dimensions)
        let strides = permutation.map { inStrides[$0] }
        let px = x.hostBase
        return Tensor.host(shape: shape, count: x.scalarCount) { po in
            TensorShape.forEachRow(shape: shape, stridesA: strides, stridesB: strides) { o, oa, _, count, ia, _ in
                for j in 0..<count { po[o + j] = px[oa + j * ia] }
            }
        }
    }

    /// The last two axes swapped, in 32 x 32 tiles so both the reads and the writes
    /// stay within a few cache lines (the matmul backward's transposes).
    @inlinable static func transposeLastTwo<S>(_ x: Tensor<S>) -> Tensor<S> {
        requireCPU(x.placement)
        requireConsistent(x, operation: "transposed")
        let rank = x.rank
        let rows = x.dimensions[rank - 2], cols = x.dimensions[rank - 1]
        var shape = x.dimensions
        shape.swapAt(rank - 1, rank - 2)
        let plane = rows * cols, total = x.scalarCount
        let tile = 32
        let px = x.hostBase
        return Tensor.host(shape: shape, count: total) { po in
            if plane == 0 { return }
            for base in stride(from: 0, to: total, by: plane) {
                for i0 in stride(from: 0, to: rows, by: tile) {
                    for j0 in stride(from: 0, to: cols, by: tile) {
                        for i in i0..<Swift.min(i0 + tile, rows) {
                            for j in j0..<Swift.min(j0 + tile, cols) {
                                po[base + j * rows + i] = px[base + i * cols + j]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Batched matrix product op(a)·op(b) with broadcast batch axes, where op(a) is a
    /// [..., m, k] or, when `transposeA`, the transpose of its last two axes (a is then
    /// [..., k, m] in memory); likewise op(b). The transposes are never materialised: the
    /// GEMM reads the operands in place (the backward products g·bᵀ and aᵀ·g).
    @inlinable static func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool = false, transposeB: Bool = false) -> Tensor<S> {
        if a.placement != b.placement { wengertTensorDeviceMismatch(a.placement, b.placement, operation: "matmul") }
        let ra = a.rank, rb = b.rank
        guard ra >= 2, rb >= 2 else { wengertTensorMatmulMismatch(a.dimensions, b.dimensions) }
        let m = a.dimensions[transposeA ? ra - 1 : ra - 2], k = a.dimensions[transposeA ? ra - 2 : ra - 1]
        let kb = b.dimensions[transposeB ? rb - 1 : rb - 2], n = b.dimensions[transposeB ? rb - 2 : rb - 1]
        guard k == kb else { wengertTensorMatmulMismatch(a.dimensions, b.dimensions) }
        let lda = a.dimensions[ra - 1], ldb = b.dimensions[rb - 1]
        requireConsistent(a, operation: "matmul")
        requireConsistent(b, operation: "matmul")
        let batchA = Array(a.dimensions[..<(ra - 2)]), batchB = Array(b.dimensions[..<(rb - 2)])
        guard let batch = TensorShape.broadcast(batchA, batchB) else {
            wengertTensorShapeMismatch(a.dimensions, b.dimensions, operation: "matmul (batch axes)")
        }
        if a.placement.kind == .cpu && rb == 2 && ra > 2 && !transposeA {
            // [..., m, k] x [k, n] is one [(batch·m), k] x [k, n] product: one kernel call
            // instead of one per batch element (a batch of states times a weight matrix).
            let pa = a.hostBase, pb = b.hostBase
            let rows = TensorShape.count(batchA) * m
            return Tensor.host(shape: batchA + [m, n], count: rows * n) { po in
                guard rows > 0, n > 0 else { return }
                guard k > 0 else { po.initialize(repeating: 0, count: rows * n); return }
                S._gemmStridedKernel(
                    transposeA: false, transposeB: transposeB, rows, n, k, pa, lda, pb, ldb, po, n, accumulate: false)
            }
        }
        let sa = TensorShape.broadcastStrides(batchA, to: batch).map { $0 * m * k }
        let sb = TensorShape.broadcastStrides(batchB, to: batch).map { $0 * k * n }
        if a.placement.kind != .cpu {
            return onDevice(matmul: a, b, transposeA: transposeA, transposeB: transposeB, batch: batch, sa: sa, sb: sb, m: m, n: n, k: k)
        }
        let pa = a.hostBase, pb = b.hostBase
        // Checked: the product of the batch and the output matrix may exceed Int.
        let total = TensorShape.count(batch + [m, n])
        return Tensor.host(shape: batch + [m, n], count: total) { po in
            guard m > 0, n > 0 else { return }
            // k = 0 leaves zeros; otherwise the GEMM overwrites every entry.
            guard k > 0 else { po.initialize(repeating: 0, count: total); return }
            if batch.isEmpty {
                S._gemmStridedKernel(
                    transposeA: transposeA, transposeB: transposeB, m, n, k, pa, lda, pb, ldb, po, n, accumulate: false)
                return
            }
            // Walk the batch as rows of length 1 so forEachRow yields each offset pair.
            TensorShape.forEachRow(shape: batch + [1], stridesA: sa + [0], stridesB: sb + [0]) { o, oa, ob, _, _, _ in
                S._gemmStridedKernel(
                    transposeA: transposeA, transposeB: transposeB, m, n, k, pa + oa, lda,
                    pb + ob, ldb, po + o * m * n, n, accumulate: false)
            }
        }
    }
}

extension Tensor {
    /// The first scalar of a CPU tensor's buffer, for the kernels above. Valid while the
    /// tensor is alive: the kernels read only their own parameters, which their caller
    /// keeps alive for the call.
    @inlinable var hostBase: UnsafeMutablePointer<Scalar> {
        TensorKernels.requireCPU(placement)
        return storage.block.assumingMemoryBound(to: Scalar.self)
    }
}

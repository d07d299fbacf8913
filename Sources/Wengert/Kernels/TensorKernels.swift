import CWengert

// The Swift side of the CPU kernels: loops over contiguous row-major buffers. Same-shape
// and tensor-with-scalar arithmetic go to the C kernels (AVX-512 where present); the
// other loops are generic Swift, specialised for Float and Double at the call site
// because everything here is @inlinable.

/// Elementwise arithmetic codes shared with the C kernels.
@usableFromInline
enum TensorArithmetic: Int32 {
    case add = 0, subtract = 1, multiply = 2, divide = 3
    /// a·b, but 0 where a is 0 whatever b is: a cotangent times a partial (TensorPullbacks.chain).
    case chain = 4

    @inlinable func apply<S: TensorScalar>(_ a: S, _ b: S) -> S {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .chain: a == 0 ? 0 : a * b
        }
    }
}

//
// This is the one place that knows where scalars live: every kernel entry point checks
// the device, and a new backend (OpenCL) adds its branch here, below the tensor
// operations and the autograd code that call them.
@usableFromInline
enum TensorKernels {
    /// Stops unless `device` is the CPU, the only device with kernels in this build.
    @inlinable @inline(__always) static func requireCPU(_ device: Device) {
        if device.kind != .cpu { wengertTensorUnsupportedDevice(device) }
    }

    /// Stops unless `x` holds exactly as many scalars as its shape says: every loop that
    /// walks a tensor by its shape's strides relies on it, and a mismatch would read or
    /// write past the end of a buffer. Cheap (a product over the axes); called on every
    /// path that indexes by shape rather than by count.
    @inlinable @inline(__always) static func requireConsistent<S>(_ x: Tensor<S>, operation: StaticString) {
        if _slowPath(x.storage.count != TensorShape.count(x.dimensions)) {
            wengertTensorInconsistent(x.dimensions, count: x.storage.count, operation: operation)
        }
    }

    /// The broadcast shape of two operands; stops naming both shapes (or devices) and
    /// the operation when they do not agree.
    @inlinable static func broadcastShape<S>(_ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString) -> [Int] {
        if a.placement != b.placement { wengertTensorDeviceMismatch(a.placement, b.placement, operation: operation) }
        requireCPU(a.placement)
        guard let shape = TensorShape.broadcast(a.dimensions, b.dimensions) else {
            wengertTensorShapeMismatch(a.dimensions, b.dimensions, operation: operation)
        }
        return shape
    }

    /// a op b with broadcasting, through the C kernels.
    @inlinable static func arithmetic<S>(_ op: TensorArithmetic, _ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString) -> Tensor<S> {
        let shape = broadcastShape(a, b, operation: operation)
        let n = TensorShape.count(shape)
        let na = a.storage.count, nb = b.storage.count
        // Small outputs take the zero-filled initialiser: its storage type is resolved
        // once per specialisation, while the uninitialised one looks up generic metadata
        // on every call (measured at ~20 ns, a tenth of the cost of a recorded op).
        var out =
            n <= 4096
            ? [S](repeating: 0, count: n)
            : [S](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    guard let base = po.baseAddress, n > 0 else { return }
                    if na == n && nb == n {
                        S._binaryKernel(op.rawValue, pa.baseAddress!, 1, pb.baseAddress!, 1, base, n)
                    } else if nb == 1 && na == n {
                        S._binaryKernel(op.rawValue, pa.baseAddress!, 1, pb.baseAddress!, 0, base, n)
                    } else if na == 1 && nb == n {
                        S._binaryKernel(op.rawValue, pa.baseAddress!, 0, pb.baseAddress!, 1, base, n)
                    } else {
                        requireConsistent(a, operation: operation)
                        requireConsistent(b, operation: operation)
                        let sa = TensorShape.broadcastStrides(a.dimensions, to: shape)
                        let sb = TensorShape.broadcastStrides(b.dimensions, to: shape)
                        TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, ob, count, ia, ib in
                            S._binaryKernel(op.rawValue, pa.baseAddress! + oa, ia, pb.baseAddress! + ob, ib, base + o, count)
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: shape, device: a.placement)
    }

    /// The C kernel code of an elementwise operation, where it has one.
    @inlinable static func unaryCode(_ operation: TensorOperation) -> Int32? {
        switch operation {
        case .exp: Int32(WENGERT_UNARY_EXP.rawValue)
        case .expm1: Int32(WENGERT_UNARY_EXPM1.rawValue)
        case .log: Int32(WENGERT_UNARY_LOG.rawValue)
        case .log1p: Int32(WENGERT_UNARY_LOG1P.rawValue)
        case .log2: Int32(WENGERT_UNARY_LOG2.rawValue)
        case .log10: Int32(WENGERT_UNARY_LOG10.rawValue)
        case .sin: Int32(WENGERT_UNARY_SIN.rawValue)
        case .cos: Int32(WENGERT_UNARY_COS.rawValue)
        case .tan: Int32(WENGERT_UNARY_TAN.rawValue)
        case .tanh: Int32(WENGERT_UNARY_TANH.rawValue)
        case .sigmoid: Int32(WENGERT_UNARY_SIGMOID.rawValue)
        case .softplus: Int32(WENGERT_UNARY_SOFTPLUS.rawValue)
        case .sinh: Int32(WENGERT_UNARY_SINH.rawValue)
        case .cosh: Int32(WENGERT_UNARY_COSH.rawValue)
        case .sqrt: Int32(WENGERT_UNARY_SQRT.rawValue)
        case .abs: Int32(WENGERT_UNARY_ABS.rawValue)
        case .relu: Int32(WENGERT_UNARY_RELU.rawValue)
        case .negate: Int32(WENGERT_UNARY_NEGATE.rawValue)
        case .asin: Int32(WENGERT_UNARY_ASIN.rawValue)
        case .acos: Int32(WENGERT_UNARY_ACOS.rawValue)
        case .atan: Int32(WENGERT_UNARY_ATAN.rawValue)
        case .cbrt: Int32(WENGERT_UNARY_CBRT.rawValue)
        case .erf: Int32(WENGERT_UNARY_ERF.rawValue)
        default: nil
        }
    }

    /// The C kernel `code` (a `wengert_unary_op`) elementwise: vectorised, no closure per element.
    @inlinable static func unary<S>(_ x: Tensor<S>, _ code: Int32) -> Tensor<S> {
        requireCPU(x.placement)
        let n = x.storage.count
        var out =
            n <= 4096
            ? [S](repeating: 0, count: n)
            : [S](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                guard n > 0 else { return }
                S._unaryKernel(code, px.baseAddress!, po.baseAddress!, n)
            }
        }
        return Tensor(uncheckedStorage: out, shape: x.dimensions, device: x.placement)
    }

    /// f(a, b) elementwise with broadcasting, in Swift.
    @inlinable static func zip<S>(_ a: Tensor<S>, _ b: Tensor<S>, operation: StaticString, _ f: (S, S) -> S) -> Tensor<S> {
        let shape = broadcastShape(a, b, operation: operation)
        let n = TensorShape.count(shape)
        var out = [S](repeating: 0, count: n)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    if a.storage.count == n && b.storage.count == n {
                        for i in 0..<n { po[i] = f(pa[i], pb[i]) }
                        return
                    }
                    requireConsistent(a, operation: operation)
                    requireConsistent(b, operation: operation)
                    let sa = TensorShape.broadcastStrides(a.dimensions, to: shape)
                    let sb = TensorShape.broadcastStrides(b.dimensions, to: shape)
                    TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, ob, count, ia, ib in
                        for j in 0..<count { po[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
                    }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: shape, device: a.placement)
    }

    /// f(x) elementwise.
    @inlinable static func map<S>(_ x: Tensor<S>, _ f: (S) -> S) -> Tensor<S> {
        requireCPU(x.placement)
        let n = x.storage.count
        var out = [S](repeating: 0, count: n)
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for i in 0..<n { po[i] = f(px[i]) }
            }
        }
        return Tensor(uncheckedStorage: out, shape: x.dimensions, device: x.placement)
    }

    /// Folds one axis (kept with extent 1) with `combine`, starting from the first element.
    @inlinable static func reduce<S: TensorScalar>(_ x: [S], shape: [Int], axis: Int, _ combine: (S, S) -> S) -> [S] {
        let size = shape[axis]
        let inner = TensorShape.count(Array(shape[(axis + 1)...]))
        let outer = TensorShape.count(Array(shape[..<axis]))
        if size == 0 { return [S](repeating: 0, count: outer * inner) }
        var out = [S](repeating: 0, count: outer * inner)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    let base = o * size * inner
                    for i in 0..<inner { po[o * inner + i] = px[base + i] }
                    for s in 1..<Swift.max(size, 1) {
                        let row = base + s * inner
                        for i in 0..<inner { po[o * inner + i] = combine(po[o * inner + i], px[row + i]) }
                    }
                }
            }
        }
        return out
    }

    /// One axis summed away (kept with extent 1) by the C kernel: the same order of
    /// additions as `reduce(_:shape:axis:_:)` with `+`, so the same bits.
    @inlinable static func sumAlong<S: TensorScalar>(_ x: [S], shape: [Int], axis: Int) -> [S] {
        let size = shape[axis]
        let inner = TensorShape.count(Array(shape[(axis + 1)...]))
        let outer = TensorShape.count(Array(shape[..<axis]))
        var out = [S](repeating: 0, count: outer * inner)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                guard let o = po.baseAddress, let i = px.baseAddress else { return }
                S._sumAxisKernel(i, outer: outer, size: size, inner: inner, o)
            }
        }
        return out
    }

    /// Sums over `axes` (sorted, distinct, in range), keeping them with extent 1.
    @inlinable static func sum<S>(_ x: Tensor<S>, axes: [Int]) -> Tensor<S> {
        requireConsistent(x, operation: "sum")
        var values = x.storage, shape = x.dimensions
        if axes.count == shape.count && !values.isEmpty {
            let total = values.withUnsafeBufferPointer { S._sumKernel($0.baseAddress!, $0.count) }
            return Tensor(uncheckedStorage: [total], shape: [Int](repeating: 1, count: shape.count), device: x.placement)
        }
        for axis in axes {
            values = sumAlong(values, shape: shape, axis: axis)
            shape[axis] = 1
        }
        return Tensor(uncheckedStorage: values, shape: shape, device: x.placement)
    }

    /// The gradient `g` of a broadcast result summed back to `shape` (NumPy unbroadcast).
    @inlinable static func sum<S>(_ g: Tensor<S>, toShape shape: [Int]) -> Tensor<S> {
        if g.dimensions == shape { return g }
        requireConsistent(g, operation: "backward (summing a cotangent to its operand's shape)")
        var reduced = sum(g, axes: broadcastAxes(g.dimensions, shape))
        if reduced.storage.count != TensorShape.count(shape) {
            wengertTensorShapeMismatch(g.dimensions, shape, operation: "backward (a cotangent does not sum to its operand's shape)")
        }
        reduced.dimensions = shape
        return reduced
    }

    /// The axes of `broadcast` that broadcasting `shape` to it added or stretched.
    @inlinable static func broadcastAxes(_ broadcast: [Int], _ shape: [Int]) -> [Int] {
        let pad = broadcast.count - shape.count
        var axes = [Int]()
        for i in 0..<broadcast.count where i < pad || (shape[i - pad] == 1 && broadcast[i] != 1) { axes.append(i) }
        return axes
    }

    /// `x` repeated along stretched axes to `shape` (the inverse of `sum(_:toShape:)`).
    @inlinable static func expand<S>(_ x: Tensor<S>, to shape: [Int]) -> Tensor<S> {
        if x.dimensions == shape { return x }
        requireConsistent(x, operation: "expand")
        let sa = TensorShape.broadcastStrides(x.dimensions, to: shape)
        let sb = [Int](repeating: 0, count: shape.count)
        var out = [S](repeating: 0, count: TensorShape.count(shape))
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                TensorShape.forEachRow(shape: shape, stridesA: sa, stridesB: sb) { o, oa, _, count, ia, _ in
                    for j in 0..<count { po[o + j] = px[oa + j * ia] }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: shape, device: x.placement)
    }

    /// The axes of `x` permuted: result axis i is input axis `permutation[i]`.
    @inlinable static func permute<S>(_ x: Tensor<S>, _ permutation: [Int]) -> Tensor<S> {
        let rank = x.rank
        if rank >= 2, permutation[rank - 2] == rank - 1, permutation[rank - 1] == rank - 2,
            permutation[..<(rank - 2)].elementsEqual(0..<(rank - 2))
        {
            return transposeLastTwo(x)
        }
        requireConsistent(x, operation: "transposed")
        let shape = permutation.map { x.dimensions[$0] }
        let inStrides = TensorShape.strides(x.dimensions)
        let strides = permutation.map { inStrides[$0] }
        var out = [S](repeating: 0, count: x.storage.count)
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                TensorShape.forEachRow(shape: shape, stridesA: strides, stridesB: strides) { o, oa, _, count, ia, _ in
                    for j in 0..<count { po[o + j] = px[oa + j * ia] }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: shape, device: x.placement)
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
        let plane = rows * cols
        var out = [S](repeating: 0, count: x.storage.count)
        if plane == 0 { return Tensor(uncheckedStorage: out, shape: shape, device: x.placement) }
        let tile = 32
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for base in stride(from: 0, to: px.count, by: plane) {
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
        return Tensor(uncheckedStorage: out, shape: shape, device: x.placement)
    }

    /// Batched matrix product op(a)·op(b) with broadcast batch axes, where op(a) is a
    /// [..., m, k] or, when `transposeA`, the transpose of its last two axes (a is then
    /// [..., k, m] in memory); likewise op(b). The transposes are never materialised: the
    /// GEMM reads the operands in place (the backward products g·bᵀ and aᵀ·g).
    @inlinable static func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool = false, transposeB: Bool = false) -> Tensor<S> {
        if a.placement != b.placement { wengertTensorDeviceMismatch(a.placement, b.placement, operation: "matmul") }
        requireCPU(a.placement)
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
        if rb == 2 && ra > 2 && !transposeA {
            // [..., m, k] x [k, n] is one [(batch·m), k] x [k, n] product: one kernel call
            // instead of one per batch element (a batch of states times a weight matrix).
            let rows = TensorShape.count(batchA) * m
            var out = [S](repeating: 0, count: rows * n)
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        guard rows > 0, n > 0, k > 0 else { return }
                        S._gemmStridedKernel(
                            transposeA: false, transposeB: transposeB, rows, n, k, pa.baseAddress!, lda,
                            pb.baseAddress!, ldb, po.baseAddress!, n, accumulate: false)
                    }
                }
            }
            return Tensor(uncheckedStorage: out, shape: batchA + [m, n], device: a.placement)
        }
        let sa = TensorShape.broadcastStrides(batchA, to: batch).map { $0 * m * k }
        let sb = TensorShape.broadcastStrides(batchB, to: batch).map { $0 * k * n }
        // Checked: the product of the batch and the output matrix may exceed Int.
        let total = TensorShape.count(batch + [m, n])
        // k = 0 leaves zeros; otherwise the GEMM overwrites every entry.
        var out =
            total <= 4096 || k == 0
            ? [S](repeating: 0, count: total)
            : [S](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    guard m > 0, n > 0, k > 0 else { return }
                    if batch.isEmpty {
                        S._gemmStridedKernel(
                            transposeA: transposeA, transposeB: transposeB, m, n, k, pa.baseAddress!, lda,
                            pb.baseAddress!, ldb, po.baseAddress!, n, accumulate: false)
                        return
                    }
                    // Walk the batch as rows of length 1 so forEachRow yields each offset pair.
                    TensorShape.forEachRow(shape: batch + [1], stridesA: sa + [0], stridesB: sb + [0]) { o, oa, ob, _, _, _ in
                        S._gemmStridedKernel(
                            transposeA: transposeA, transposeB: transposeB, m, n, k, pa.baseAddress! + oa, lda,
                            pb.baseAddress! + ob, ldb, po.baseAddress! + o * m * n, n, accumulate: false)
                    }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: batch + [m, n], device: a.placement)
    }
}

// The CPU backend's operations: strided loops over host buffers, with the C kernels
// where the operands are contiguous rows. Callers reach them through `any Backend`, where
// the scalar type is unknown at compile time: @_specialize gives each a Float and a Double
// body that the generic entry jumps to, so the loops do not go through witness tables
// per scalar (that cost about 80 ns per element for exp).

extension CPUBackend {
    /// Sets every position of `out` to `value`.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func fill<S: TensorScalar>(_ out: BufferView<S>, with value: S) throws {
        let po = pointer(out), io = out.layout.innerStride
        let l = out.layout
        wengertForEachRow(l.shape, l, l, l, l) { o, _, _, _, count in
            for j in 0..<count { po[o + j * io] = value }
        }
    }

    /// SplitMix64 counters: the same numbers as `Tensor(randomUniform:)` and
    /// `Tensor(randomNormal:)` with this seed.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func random<S: TensorScalar>(_ out: BufferView<S>, distribution: RandomDistribution<S>, seed: UInt64) throws {
        if !out.layout.isContiguous { fatalError("Wengert: random needs a contiguous output view.") }
        let po = pointer(out) + out.layout.offset, n = out.layout.count
        switch distribution {
        case .uniform(let lower, let upper):
            for i in 0..<n { po[i] = lower + (upper - lower) * S(wengertSplitMixUnit(seed, UInt64(i) + 1)) }
        case .normal(let mean, let deviation):
            var i = 0
            while i < n {
                let u1 = Swift.max(wengertSplitMixUnit(seed, UInt64(i) + 1), 1e-300)
                let u2 = wengertSplitMixUnit(seed, UInt64(i) + 2)
                let r = (-2 * Double.log(u1)).squareRoot()
                po[i] = mean + deviation * S(r * Double.cos(2 * Double.pi * u2))
                if i + 1 < n { po[i + 1] = mean + deviation * S(r * Double.sin(2 * Double.pi * u2)) }
                i += 2
            }
        }
    }

    /// out = op(x): contiguous rows of an operation with a vectorised C kernel go to it
    /// (the kernels tensors use), the rest is a strided loop (a row copy for `.identity`).
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func unary<S: TensorScalar>(_ op: UnaryOperation, _ x: BufferView<S>, into out: BufferView<S>) throws {
        wengertCheckShapes("unary \(op)", out.layout.shape, x)
        let px = pointer(x), po = pointer(out)
        let ix = x.layout.innerStride, io = out.layout.innerStride
        let vectorKernel = ix == 1 && io == 1 ? op.vectorKernel : nil
        wengertForEachRow(out.layout.shape, out.layout, x.layout, x.layout, x.layout) { o, a, _, _, count in
            if let vectorKernel {
                if count > 0 { S._unaryKernel(vectorKernel, px + a, po + o, count) }
            } else if op == .identity {
                for j in 0..<count { po[o + j * io] = px[a + j * ix] }
            } else {
                for j in 0..<count { po[o + j * io] = op.apply(px[a + j * ix]) }
            }
        }
    }

    /// out = op(a, b); contiguous rows of + - · / go to the vectorised C kernel.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func binary<S: TensorScalar>(
        _ op: BinaryOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        wengertCheckShapes("binary \(op)", out.layout.shape, a, b)
        let pa = pointer(a), pb = pointer(b), po = pointer(out)
        let ia = a.layout.innerStride, ib = b.layout.innerStride, io = out.layout.innerStride
        let vectorised = op.rawValue <= BinaryOperation.divide.rawValue && io == 1 && (ia == 0 || ia == 1) && (ib == 0 || ib == 1)
        wengertForEachRow(out.layout.shape, out.layout, a.layout, b.layout, b.layout) { o, oa, ob, _, count in
            if vectorised {
                S._binaryKernel(op.rawValue, pa + oa, ia, pb + ob, ib, po + o, count)
            } else {
                for j in 0..<count { po[o + j * io] = op.apply(pa[oa + j * ia], pb[ob + j * ib]) }
            }
        }
    }

    /// out = op(a, b) ? 1 : 0.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func compare<S: TensorScalar>(
        _ op: ComparisonOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        wengertCheckShapes("compare \(op)", out.layout.shape, a, b)
        let pa = pointer(a), pb = pointer(b), po = pointer(out)
        let ia = a.layout.innerStride, ib = b.layout.innerStride, io = out.layout.innerStride
        wengertForEachRow(out.layout.shape, out.layout, a.layout, b.layout, b.layout) { o, oa, ob, _, count in
            for j in 0..<count { po[o + j * io] = op.holds(pa[oa + j * ia], pb[ob + j * ib]) ? 1 : 0 }
        }
    }

    /// out = condition != 0 ? a : b.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func select<S: TensorScalar>(
        _ condition: BufferView<S>, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        wengertCheckShapes("select", out.layout.shape, condition, a, b)
        let pc = pointer(condition), pa = pointer(a), pb = pointer(b), po = pointer(out)
        let ic = condition.layout.innerStride, ia = a.layout.innerStride, ib = b.layout.innerStride
        let io = out.layout.innerStride
        wengertForEachRow(out.layout.shape, out.layout, condition.layout, a.layout, b.layout) { o, oc, oa, ob, count in
            for j in 0..<count { po[o + j * io] = pc[oc + j * ic] != 0 ? pa[oa + j * ia] : pb[ob + j * ib] }
        }
    }

    /// Folds over `axes`; a sum or mean of a whole contiguous buffer goes to the C sum
    /// kernel (double-precision lanes for Float), one over consecutive axes of a
    /// contiguous buffer to the C kernel that sums along an axis.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func reduce<S: TensorScalar>(
        _ op: ReductionOperation, _ x: BufferView<S>, axes: [Int], into out: BufferView<S>
    ) throws {
        let split = wengertReductionSplit(x.layout, axes: axes, out: out.layout, "reduce \(op)")
        let px = pointer(x), po = pointer(out)
        let size = split.reduced.count
        let whole = split.kept.count == 1 && x.layout.isContiguous && size > 0
        if whole && (op == .sum || op == .mean) {
            let total = S._sumKernel(px + x.layout.offset, size)
            po[out.layout.offset] = op == .mean ? total / S(size) : total
            return
        }
        if (op == .sum || op == .mean) && size > 0 && x.layout.isContiguous,
           let first = axes.min(), let last = axes.max(), last - first + 1 == axes.count {
            // Sums over consecutive axes of a contiguous tensor (a bias gradient, a mean
            // over rows): the vectorised kernel tensors use, outer × size × inner.
            let shape = x.layout.shape
            let outer = shape[..<first].reduce(1, *), inner = shape[(last + 1)...].reduce(1, *)
            if outer * inner == 0 { return }
            let target = po + out.layout.offset
            S._sumAxisKernel(px + x.layout.offset, outer: outer, size: size, inner: inner, target)
            if op == .mean { for i in 0..<(outer * inner) { target[i] /= S(size) } }
            return
        }
        let keptOut = StridedLayout(shape: split.kept.shape, strides: split.outStrides, offset: out.layout.offset)
        let ir = split.reduced.innerStride
        wengertForEachRow(split.kept.shape, keptOut, split.kept, keptOut, keptOut) { o, base, _, _, count in
            for j in 0..<count {
                var accumulator = op.identity(S.self)
                let start = base + j * split.kept.innerStride
                if split.reduced.shape.count == 1 {
                    // One reduced axis (the common case): a plain strided loop.
                    for t in 0..<size { accumulator = op.combine(accumulator, px[start + t * ir]) }
                } else {
                    var reduced = split.reduced
                    reduced.offset = start
                    wengertForEachRow(reduced.shape, reduced, reduced, reduced, reduced) { r, _, _, _, rowCount in
                        for t in 0..<rowCount { accumulator = op.combine(accumulator, px[r + t * ir]) }
                    }
                }
                po[o + j * keptOut.innerStride] = op == .mean ? accumulator / S(size) : accumulator
            }
        }
    }

    /// One strided copy per index.
    public func gather<S: TensorScalar>(_ x: BufferView<S>, axis: Int, indices: [Int], into out: BufferView<S>) throws {
        wengertCheckGather(x.layout, axis: axis, indices: indices, out: out.layout)
        for (j, index) in indices.enumerated() {
            try unary(.identity, BufferView<S>(x.buffer, x.layout.sliced(axis: axis, index ..< index + 1)),
                      into: BufferView<S>(out.buffer, out.layout.sliced(axis: axis, j ..< j + 1)))
        }
    }

    /// The register-blocked C GEMM; strided operands are packed first.
    @_specialize(where S == Float) @_specialize(where S == Double)
    public func matmul<S: TensorScalar>(
        _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>, accumulate: Bool
    ) throws {
        let (m, n, k) = wengertCheckMatmul(a.layout, b.layout, out.layout)
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { try fill(out, with: 0) }
            return
        }
        var packedA = a, packedB = b
        if !a.layout.isContiguous {
            packedA = try empty(S.self, shape: [m, k])
            try copy(a, into: packedA)
        }
        if !b.layout.isContiguous {
            packedB = try empty(S.self, shape: [k, n])
            try copy(b, into: packedB)
        }
        S._gemmKernel(m, n, k, pointer(packedA) + packedA.layout.offset, pointer(packedB) + packedB.layout.offset,
                      pointer(out) + out.layout.offset, accumulate: accumulate)
    }
}

/// A double in [0, 1) from counter `counter` of SplitMix64 seeded with `seed` (the
/// counter-th `next()` of `TensorRandom(seed:)`).
@inlinable
func wengertSplitMixUnit(_ seed: UInt64, _ counter: UInt64) -> Double {
    var z = seed &+ counter &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
}

/// The kept and reduced parts of a reduction's input layout, and the output strides
/// over the kept shape. Stops when the axes or the output do not fit.
@usableFromInline
struct ReductionSplit {
    @usableFromInline var kept: StridedLayout
    @usableFromInline var reduced: StridedLayout
    @usableFromInline var outStrides: [Int]
}

@usableFromInline
func wengertReductionSplit(_ x: StridedLayout, axes: [Int], out: StridedLayout, _ operation: String) -> ReductionSplit {
    if Set(axes).count != axes.count || axes.contains(where: { $0 < 0 || $0 >= x.shape.count }) {
        fatalError("Wengert: \(operation) over axes \(axes) of shape \(x.shape): axes must be distinct and in range.")
    }
    let keptAxes = x.shape.indices.filter { !axes.contains($0) }
    let reducedAxes = axes.sorted()
    let keptShape = keptAxes.map { x.shape[$0] }
    if out.count != keptShape.reduce(1, *) || !out.isContiguous {
        fatalError("Wengert: \(operation) of shape \(x.shape) over axes \(axes) needs a contiguous output of \(keptShape.reduce(1, *)) scalars, got shape \(out.shape).")
    }
    return ReductionSplit(
        kept: StridedLayout(shape: keptShape, strides: keptAxes.map { x.strides[$0] }, offset: x.offset),
        reduced: StridedLayout(shape: reducedAxes.map { x.shape[$0] }, strides: reducedAxes.map { x.strides[$0] }, offset: 0),
        outStrides: TensorShape.strides(keptShape))
}

@usableFromInline
func wengertCheckGather(_ x: StridedLayout, axis: Int, indices: [Int], out: StridedLayout) {
    if axis < 0 || axis >= x.shape.count { fatalError("Wengert: gather axis \(axis) is out of range for shape \(x.shape).") }
    var shape = x.shape
    shape[axis] = indices.count
    if out.shape != shape { fatalError("Wengert: gather of \(indices.count) indices from shape \(x.shape) along axis \(axis) makes shape \(shape), not \(out.shape).") }
    if let bad = indices.firstIndex(where: { $0 < 0 || $0 >= x.shape[axis] }) {
        fatalError("Wengert: gather index \(indices[bad]) (position \(bad)) is out of range 0..<\(x.shape[axis]) for axis \(axis) of shape \(x.shape).")
    }
}

/// (m, n, k) of a matrix product; stops naming the shapes when they do not agree or the
/// output is not a contiguous [m, n] view.
@usableFromInline
func wengertCheckMatmul(_ a: StridedLayout, _ b: StridedLayout, _ out: StridedLayout) -> (Int, Int, Int) {
    guard a.shape.count == 2, b.shape.count == 2, a.shape[1] == b.shape[0],
          out.shape == [a.shape[0], b.shape[1]], out.isContiguous else {
        fatalError("Wengert: backend matmul of shapes \(a.shape) and \(b.shape) into \(out.shape): needs [m, k]·[k, n] into a contiguous [m, n].")
    }
    return (a.shape[0], b.shape[1], a.shape[1])
}

// The backward rules of every recorded tensor operation, in one table (after tinygrad's
// gradient.py). Each case turns the output's cotangent `g` into one cotangent per
// operand, from the tensors the forward pass saved. Rules run inside the sweep's
// no-gradient scope, so they are written with ordinary tensor operations; a cotangent
// with a broadcast shape is summed back to its operand's shape by the sweep.
//
// The elementwise partials are not written here: every elementary function applies the
// scalar table (Scalar/ElementaryRules.swift) scalar by scalar, in one fused pass with
// the chain rule, so tensors, duals and the tape differentiate by the same formulas
// (asin and acos through (1 - x)(1 + x), pow's conventions at 0, sigmoid's tails).

import CWengert

@usableFromInline
enum TensorPullbacks {
    /// `g · partial`, except that a zero cotangent gives zero even where the partial is
    /// infinite or NaN (sqrt at 0, log at 0, exp past overflow), and a zero partial gives
    /// zero even from an infinite or NaN cotangent: the convention of `Dual` and `Var`
    /// (ARCHITECTURE.md), so that every mode agrees at singular points. One fused pass.
    @inlinable
    static func chain<S: TensorScalar>(_ g: Tensor<S>, _ partial: Tensor<S>) -> Tensor<S> {
        TensorKernels.arithmetic(.chain, g, partial, operation: "backward")
    }

    /// The scalar chain rule with the convention above.
    @inlinable @inline(__always)
    static func chain<S: TensorScalar>(_ g: S, _ p: S) -> S { g == 0 || p == 0 ? 0 : g * p }

    /// g · f′(x) elementwise. On untracked tensors (a first-order backward) f′ comes
    /// from the scalar table, in one fused pass with the chain rule (`x` has g's shape).
    /// When `tracked` (a backward that creates a graph), the partial is `differentiable`,
    /// the same derivative written in recorded tensor operations, so that the result
    /// can be differentiated again; both are checked against each other and against
    /// finite differences by the operation table's tests.
    /// `kernel`, a `wengert_partial_op`, is the same rule vectorised in C, where it has one.
    ///
    /// With `overwriting` (the rule owns g's buffer and reads g no more: `pullback`'s
    /// `reuse`), the product is written over g, the same kernel and bits, and no
    /// buffer is made.
    @inlinable
    static func unary<S: TensorScalar>(
        _ g: Tensor<S>, _ x: Tensor<S>, tracked: Bool, overwriting: Bool, kernel: wengert_partial_op? = nil,
        _ partial: (S) -> S, _ differentiable: () -> Tensor<S>
    ) -> Tensor<S> {
        // A device cannot run the scalar table's closures: it takes the recorded form,
        // which is plain tensor operations (recording is off in a first-order backward).
        if tracked || g.placement.kind != .cpu { return Tensor.chained(g, differentiable()) }
        // Each output reads only the inputs at its own position, so `out` may be `g`.
        if overwriting, let out = TensorKernels.overwriting(g, with: x, { pg, px, n in
            if let kernel {
                S._unaryBackwardKernel(Int32(kernel.rawValue), pg, px, pg, n)
            } else {
                for i in 0..<n { pg[i] = chain(pg[i], partial(px[i])) }
            }
        }) {
            return out
        }
        if let kernel, let fused = TensorKernels.unaryBackward(Int32(kernel.rawValue), g, x) { return fused }
        return TensorKernels.zip(g, x, operation: "backward") { g, x in chain(g, partial(x)) }
    }

    /// A partial that is constant almost everywhere (abs, relu, min, max: 0 or ±1 by
    /// branch), as an untracked tensor: its own derivative is 0 where it exists.
    /// On a device, where closures cannot run, `onDevice` gives the same partial from
    /// comparisons.
    @inlinable
    static func piecewiseConstant<S: TensorScalar>(
        _ x: Tensor<S>, _ partial: (S) -> S, onDevice: (Tensor<S>) -> Tensor<S>
    ) -> Tensor<S> {
        if x.placement.kind != .cpu { return onDevice(x.untracked) }
        return TensorKernels.map(x.untracked, partial)
    }

    /// 1 where `max(x, y)` (or `min`) takes y, else 0, from comparisons a device runs:
    /// y beyond x, or y NaN and x not (ElementaryRule.maxTakesSecond).
    @inlinable
    static func takesSecond<S: TensorScalar>(_ x: Tensor<S>, _ y: Tensor<S>, largest: Bool) -> Tensor<S> {
        (largest ? y .> x : y .< x) + (y .!= y) * (x .== x)
    }

    /// g · ∂f/∂a and g · ∂f/∂b elementwise for a two-operand rule of the scalar table,
    /// in one pass over the broadcast shape (the sweep sums each back to its operand).
    /// When `tracked`, the partials are `differentiable`'s recorded tensors instead.
    /// g·p already summed to `shape`, the shape of one scalar, in one pass: the cotangent
    /// of a scalar times a tensor (a seed's `a * x`, whose `a` gets Σ g·x), equal to the
    /// product followed by the sweep's sum, to the bit, without the tensor between. Nil
    /// where that does not hold: recording the rule, another device, a p of another
    /// shape than g, or a g the sweep would sum axis by axis (one with an axis of extent 1).
    @inlinable
    static func chainedSum<S: TensorScalar>(_ g: Tensor<S>, _ p: Tensor<S>, to shape: TensorDimensions, tracked: Bool) -> Tensor<S>? {
        let pad = g.dimensions.count - shape.count
        guard !tracked, g.scalarCount > 1, TensorShape.count(shape) == 1, pad >= 0, g.dimensions == p.dimensions,
            g.placement.kind == .cpu, p.placement.kind == .cpu
        else { return nil }
        for axis in pad..<g.dimensions.count where g.dimensions[axis] == 1 { return nil }
        TensorKernels.requireConsistent(g, operation: "backward")
        TensorKernels.requireConsistent(p, operation: "backward")
        let total = S._chainSumKernel(g.hostBase, p.hostBase, g.scalarCount)
        return Tensor.host(shape: shape, count: 1) { $0.initialize(to: total) }
    }

    /// g·p as a product's cotangent for an operand of `shape`: `chainedSum` where it
    /// applies, else the chained product (written over `g` when `overwriting`,
    /// `Tensor.chained`). `p` is read from the saved tensors once (each read is a copy:
    /// two retains and two releases).
    @inlinable
    static func chainedProduct<S: TensorScalar>(
        _ g: Tensor<S>, _ p: Tensor<S>, to shape: TensorDimensions, tracked: Bool, overwriting: Bool
    ) -> Tensor<S> {
        chainedSum(g, p, to: shape, tracked: tracked) ?? Tensor.chained(g, p, overwriting: overwriting)
    }

    @inlinable
    static func binary<S: TensorScalar>(
        _ g: Tensor<S>, _ a: Tensor<S>, _ b: Tensor<S>, tracked: Bool, _ rule: (S, S) -> (value: S, lhs: S, rhs: S),
        into cotangent: TensorCotangentSink<S>, _ differentiable: () -> (Tensor<S>, Tensor<S>)
    ) {
        if tracked || g.placement.kind != .cpu {
            let (pa, pb) = differentiable()
            cotangent(0, Tensor.chained(g, pa))
            cotangent(1, Tensor.chained(g, pb))
            return
        }
        let shape = g.dimensions
        let ea = TensorKernels.expand(a, to: shape), eb = TensorKernels.expand(b, to: shape)
        TensorKernels.requireConsistent(g, operation: "backward")
        let n = g.scalarCount
        let pg = g.hostBase, pa = ea.hostBase, pb = eb.hostBase
        let db = Tensor<S>.host(shape: shape, count: n) { _ in }
        let pdb = db.hostBase
        let da = Tensor<S>.host(shape: shape, count: n) { pda in
            for i in 0..<n {
                let r = rule(pa[i], pb[i])
                pda[i] = chain(pg[i], r.lhs)
                pdb[i] = chain(pg[i], r.rhs)
            }
        }
        cotangent(0, da)
        cotangent(1, db)
    }

    /// Hands `cotangent` the cotangent of each operand of one entry (by its position
    /// among the entry's operands, in increasing order; none for an operand `needs`
    /// leaves out), given its output's cotangent `g`. A sink rather than a returned
    /// `[Tensor?]`: the array was one heap allocation per entry, and its optionals were
    /// copied and destroyed through the runtime's value witnesses.
    ///
    /// Every step is a tensor operation or one of the recorded backward steps
    /// (Tensor+BackwardOperations.swift), so one rule serves both orders: with `g` and
    /// the saved tensors untracked (a first-order backward, run with recording off) it
    /// computes with the raw kernels; with them tracked (`creatingGraph`, recording on)
    /// its result is a recorded function of its inputs. Only the elementwise partials
    /// have two forms, the fused scalar one and a recorded one (`unary`), chosen by
    /// `creatingGraph` (asking each saved tensor whether it is tracked would cost a
    /// retain and release per tensor on the first-order path).
    @inlinable
    static func pullback<S: TensorScalar>(
        _ operation: TensorOperation, _ upstream: consuming Tensor<S>, saved savedSlice: UnsafeBufferPointer<Tensor<S>>,
        arguments argumentSlice: UnsafeBufferPointer<Int>, operandShapes shapeSlice: UnsafeBufferPointer<TensorOperandRecord>,
        customFunctions: UnsafeBufferPointer<CustomFunction<S>>, needs: TensorOperandMask = .all, creatingGraph tracked: Bool = false,
        into cotangent: TensorCotangentSink<S>
    ) {
        // Slices of the recording's flat arrays, read in place (no copy per entry); the
        // rules index them from 0.
        let saved = TensorPullbackOperands(savedSlice)
        let arguments = TensorPullbackOperands(argumentSlice)
        let operandShapes = TensorPullbackShapes(shapeSlice)
        // Taken, not borrowed: a rule that hands g on unchanged (a sum's, a broadcast's)
        // gives its last use to the sink, which moves it instead of retaining its buffer
        // and its owner (and the sweep releasing them after the rule).
        var g = upstream
        // Whether the rule may write its last result over g's buffer: a first-order
        // rule's cotangent that nothing else holds (the sweep moved it out of its slot,
        // as it does for the cotangent of an entry with one user). Asked here, before
        // any copy of g: the rules' calls copy it (a retain each), so a test at the
        // write would never see it alone. A rule passes it on only where it reads g no
        // more, and never after handing g itself to the sink.
        let reuse = !tracked && !g.isTracked && TensorKernels.isWritableInPlace(&g)
        // Saved layouts: unary [x] or [x, y]; binary math [a, b, out]; multiply [a, b]
        // or its constant factor alone; divide [b, out]; extrema [x, kept]; matmul [a, b];
        // select [mask]; custom [x]; chain [g, p].
        // Read where a rule uses them, not for every entry: each read copies a tensor
        // (two retains and two releases), which the rules that do not use them paid.
        var x: Tensor<S>? { saved.first }
        var y: Tensor<S>? { saved.count > 1 ? saved[1] : nil }
        switch operation {
        case .leaf: return
        // A constant operand gets nothing: not even a copy of g, nor -g computed.
        case .add:
            if needs[0] && needs[1] {
                cotangent(0, g)
                cotangent(1, g)
            } else if needs[0] {
                cotangent(0, g)
            } else if needs[1] {
                cotangent(1, g)
            }
        case .expand: cotangent(0, g)
        case .subtract:
            if needs[0] { cotangent(0, g) }
            if needs[1] { cotangent(1, -g) }
        // Products with the cotangent follow the chain rule's convention (`chained`): a
        // zero cotangent passes nothing through an infinite partial, as the tape skips
        // an entry whose adjoint is zero.
        // Saved [a, b], or only the constant factor when one is (Tensor+Recording.swift):
        // a's cotangent reads the last saved tensor, b's the first, either way.
        // The last product that reads g may be written over it (`reuse`).
        case .multiply:
            if needs[0] {
                cotangent(0, chainedProduct(
                    g, saved[saved.count - 1], to: operandShapes[0], tracked: tracked, overwriting: reuse && !needs[1]))
            }
            if needs[1] {
                cotangent(1, chainedProduct(g, saved[0], to: operandShapes[1], tracked: tracked, overwriting: reuse))
            }
        case .divide:
            if needs[0] { cotangent(0, Tensor.chained(g, 1 / saved[0], overwriting: reuse && !needs[1])) }
            if needs[1] { cotangent(1, Tensor.chained(g, -(saved[1] / saved[0]), overwriting: reuse)) }
        case .negate: cotangent(0, -g)
        case .squared: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, kernel: WENGERT_PARTIAL_SQUARE, { 2 * $0 }) { 2 * x! })
        case .chain:
            if needs[0] { cotangent(0, Tensor.chained(g, saved[1], overwriting: reuse && !needs[1])) }
            if needs[1] { cotangent(1, Tensor.chained(g, saved[0], overwriting: reuse)) }
        case .power:
            let (a, b, out) = (saved[0], saved[1], saved[2])
            binary(g, a, b, tracked: tracked, { ElementaryRule.pow($0, $1) }, into: cotangent) {
                // y·xʸ⁻¹ (0 where y = 0) and xʸ·ln x (0 where xʸ = 0, so at x = 0).
                (Tensor.chained(b, pow(a, b - 1)), Tensor.chained(out, log(a)))
            }
        case .atan2:
            let (a, b) = (saved[0], saved[1])
            binary(g, a, b, tracked: tracked, { y, x in
                let p = ElementaryRule.atan2Partials(y, x)
                return (0, p.lhs, p.rhs)
            }, into: cotangent) {
                let r2 = a * a + b * b
                return (b / r2, -a / r2)
            }
        case .hypot:
            let (a, b, out) = (saved[0], saved[1], saved[2])
            binary(g, a, b, tracked: tracked, { ElementaryRule.hypot($0, $1) }, into: cotangent) { (a / out, b / out) }
        case .minimum, .maximum:
            let rule: (S, S) -> (value: S, lhs: S, rhs: S) =
                operation == .minimum ? { ElementaryRule.min($0, $1) } : { ElementaryRule.max($0, $1) }
            let (a, b) = (saved[0], saved[1])
            binary(g, a, b, tracked: tracked, rule, into: cotangent) {
                let shape = TensorKernels.broadcastShape(a, b, operation: "backward")
                let ea = TensorKernels.expand(a.untracked, to: shape), eb = TensorKernels.expand(b.untracked, to: shape)
                if ea.placement.kind != .cpu {
                    let second = takesSecond(ea, eb, largest: operation == .maximum)
                    return (1 - second, second)
                }
                return (
                    TensorKernels.zip(ea, eb, operation: "backward") { rule($0, $1).lhs },
                    TensorKernels.zip(ea, eb, operation: "backward") { rule($0, $1).rhs }
                )
            }
        case .sin: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.sinPartial($0) }) { cos(x!) })
        case .cos: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.cosPartial($0) }) { -sin(x!) })
        // tan, tanh, exp, sqrt and cbrt have partials in terms of their value, which the
        // forward pass saved: the table gives them from the value too.
        case .tan: cotangent(0, unary(g, y!, tracked: tracked, overwriting: reuse, { ElementaryRule.tanPartial(value: $0) }) { 1 + y!.squared() })
        case .asin:
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.asinPartial($0) }) { 1 / sqrt((1 - x!) * (1 + x!)) })
        case .acos:
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { -ElementaryRule.asinPartial($0) }) { -1 / sqrt((1 - x!) * (1 + x!)) })
        case .atan: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.atanPartial($0) }) { 1 / (1 + x!.squared()) })
        case .sinh: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.sinhPartial($0) }) { cosh(x!) })
        case .cosh: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.coshPartial($0) }) { sinh(x!) })
        case .tanh:
            cotangent(0, unary(g, y!, tracked: tracked, overwriting: reuse, kernel: WENGERT_PARTIAL_TANH, { ElementaryRule.tanhPartial(value: $0) }) {
                1 - y!.squared()
            })
        case .exp: cotangent(0, unary(g, y!, tracked: tracked, overwriting: reuse, kernel: WENGERT_PARTIAL_EXP, { $0 }) { y! })
        case .expm1: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.expm1Partial($0) }) { y! + 1 })
        case .log: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.logPartial($0) }) { 1 / x! })
        case .log1p: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.log1pPartial($0) }) { 1 / (1 + x!) })
        case .log2:
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.log2Partial($0) }) { 1 / (x! * ElementaryRule<S>.ln2) })
        case .log10:
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.log10Partial($0) }) { 1 / (x! * ElementaryRule<S>.ln10) })
        case .sqrt: cotangent(0, unary(g, y!, tracked: tracked, overwriting: reuse, { ElementaryRule.sqrtPartial(value: $0) }) { 1 / (2 * y!) })
        case .cbrt: cotangent(0, unary(g, y!, tracked: tracked, overwriting: reuse, { ElementaryRule.cbrtPartial(value: $0) }) { 1 / (3 * y!.squared()) })
        case .erf:
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.erfPartial($0) }) {
                ElementaryRule<S>.twoOverRootPi * exp(-x!.squared())
            })
        // σ′ = σ(x)·σ(-x): both factors accurate in either tail, unlike σ(1 - σ).
        case .sigmoid: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.sigmoid($0).partial }) { y! * sigmoid(-x!) })
        case .softplus: cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, { ElementaryRule.softplusPartial($0) }) { sigmoid(x!) })
        case .abs:
            let p: (S) -> S = { ElementaryRule.abs($0).partial }
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, p) { piecewiseConstant(x!, p) { ($0 .> Tensor(0)) - ($0 .< Tensor(0)) } })
        case .relu:
            let p: (S) -> S = { ElementaryRule.relu($0).partial }
            cotangent(0, unary(g, x!, tracked: tracked, overwriting: reuse, kernel: WENGERT_PARTIAL_RELU, p) {
                piecewiseConstant(x!, p) { 1 - ($0 .<= Tensor(0)) }
            })
        case .sum, .mean:
            let shape = operandShapes[0]
            if !tracked && g.placement.kind == .cpu && g.scalarCount == 1 && arguments.count == shape.count {
                // A whole tensor reduced (a loss): its one cotangent (divided by the count,
                // for a mean) filled in, the bits of the division and of the fill that
                // `expand` makes, with no arrays of axes nor tensors between.
                let count = TensorShape.count(shape), value = g.withHostScalars { $0[0] }
                return cotangent(0, Tensor.hostFilled(operation == .sum ? value : value / S(count), shape: shape, count: count))
            }
            let axes = arguments.array
            var kept = shape
            for axis in axes { kept[axis] = 1 }
            let gk = g.reshapedUnchecked(to: kept)
            if operation == .sum { return cotangent(0, gk.expanded(to: shape)) }
            // ∂mean/∂xᵢ = 1/n, n the number of scalars each mean reduced.
            let n = S(TensorShape.count(axes.map { shape[$0] }))
            cotangent(0, (gk / n).expanded(to: shape))
        case .maximumAlongAxes, .minimumAlongAxes:
            let (input, kept) = (saved[0].untracked, saved[1])
            let gk = g.reshapedUnchecked(to: kept.dimensions)
            // NaN positions count as ties when the result is NaN, so they share the gradient.
            let mask =
                input.placement.kind == .cpu
                ? TensorKernels.zip(input, kept, operation: "backward") { a, m in a == m || (a != a && m != m) ? 1 : 0 }
                : (input .== kept) + (input .!= input) * (kept .!= kept)
            let ties = TensorKernels.sum(mask, axes: arguments.array)
            cotangent(0, Tensor.chained(gk / ties, mask))
        case .reshape: cotangent(0, g.reshapedUnchecked(to: operandShapes[0]))
        case .transpose:
            var inverse = arguments.array
            for (i, p) in arguments.array.enumerated() { inverse[p] = i }
            cotangent(0, g.transposed(permutation: inverse))
        case .slice:
            let (axis, lower, upper) = (arguments[0], arguments[1], arguments[2])
            let shape = operandShapes[0].array
            var parts: [Tensor<S>] = []
            var before = shape, after = shape
            before[axis] = lower
            after[axis] = shape[axis] - upper
            if lower > 0 { parts.append(Tensor(zeros: before, on: g.placement)) }
            // An index (`a[i]`) dropped the axis from its result; the cotangent gets it back.
            parts.append(g.reshapedUnchecked(to: operandShapes[0].replacing(axis: axis, with: upper - lower)))
            if after[axis] > 0 { parts.append(Tensor(zeros: after, on: g.placement)) }
            cotangent(0, Tensor(concatenating: parts, alongAxis: axis))
        case .gather:
            let axis = arguments[0]
            cotangent(0, g.scattering(along: axis, size: operandShapes[0][axis], indices: Array(arguments.array.dropFirst())))
        case .scatter:
            cotangent(0, g.gathering(along: arguments[0], indices: Array(arguments.array.dropFirst(2))))
        case .concatenate:
            let axis = arguments[0]
            var lower = 0
            for (k, size) in arguments.array.dropFirst().enumerated() {
                if needs[k] { cotangent(k, g.slice(along: axis, range: lower..<(lower + size))) }
                lower += size
            }
        case .select:
            let mask = saved[0]
            if needs[0] { cotangent(0, Tensor.chained(g, 1 - mask, overwriting: reuse && !needs[1])) }
            if needs[1] { cotangent(1, Tensor.chained(g, mask, overwriting: reuse)) }
        case .matmul:
            let (a, b) = (saved[0], saved[1])
            // The forward product was op(a)·op(b), op a transpose where the flags say.
            let ta = arguments.count > 0 && arguments[0] != 0, tb = arguments.count > 1 && arguments[1] != 0
            if needs[1] && b.rank == 2 && a.rank > 2 && !ta && !tb {
                // A batch times one matrix: the matrix's cotangent is one [k, rows] x [rows, n]
                // product over the batch folded into rows, not a batch of products summed.
                let k = a.shape[a.rank - 1], n = b.shape[1]
                let gb = matmul(
                    a.reshapedUnchecked(to: [a.scalarCount / Swift.max(k, 1), k]),
                    g.reshapedUnchecked(to: [g.scalarCount / Swift.max(n, 1), n]), transposeA: true, transposeB: false)
                if needs[0] { cotangent(0, matmul(g, b, transposeA: false, transposeB: true)) }
                return cotangent(1, gb)
            }
            // The GEMM reads b and a transposed in place: no transposed copy of either.
            // For op(a) = aᵀ, ∂a = (g·op(b)ᵀ)ᵀ = op(b)·gᵀ; likewise for b.
            if needs[0] {
                cotangent(0, ta ? matmul(b, g, transposeA: tb, transposeB: true) : matmul(g, b, transposeA: false, transposeB: !tb))
            }
            if needs[1] {
                cotangent(1, tb ? matmul(g, a, transposeA: true, transposeB: ta) : matmul(a, g, transposeA: !ta, transposeB: false))
            }
        case .custom:
            // A user's rule: its result must have the input's shape exactly (the sweep
            // would otherwise sum a broadcast shape away, or index a short buffer).
            let function = customFunctions[arguments[0]]
            let grad: Tensor<S>
            if tracked && !function.differentiableBackward {
                // Its backward ran on plain tensors; record that, so a second derivative
                // that reaches it stops with the function's name instead of missing a term.
                let plain = withoutGradient { function.backward(x!.untracked, g.untracked) }
                grad = Tensor.recordedCustomBackward(plain, function, x!, g)
            } else {
                grad = function.backward(x!, g)
            }
            if grad.dimensions != x!.dimensions || grad.scalarCount != x!.scalarCount {
                wengertTensorCustomBackwardShape(input: x!.dimensions, gradient: grad.dimensions)
            }
            cotangent(0, grad)
        case .customBackward:
            wengertTensorCustomSecondDerivative(customFunctions[arguments[0]].name)
        case .fused:
            FusedProgram.pullback(arguments, g, saved: saved, shapes: operandShapes, needs: needs, tracked: tracked, into: cotangent)
        }
    }
}

/// Where a backward rule hands the cotangent of operand k of its entry (its position
/// among the entry's operands). The sweep sums it to the operand's shape and adds it
/// into the operand's entry.
@usableFromInline
typealias TensorCotangentSink<S: TensorScalar> = (_ operand: Int, _ cotangent: consuming Tensor<S>) -> Void

/// Zero-based reading of an entry's part of one of the recording's flat arrays, through
/// a pointer into the sweep's snapshot (which keeps the array alive).
@usableFromInline
struct TensorPullbackOperands<Element> {
    @usableFromInline let buffer: UnsafeBufferPointer<Element>
    @inlinable init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
    @inlinable subscript(k: Int) -> Element { buffer[k] }
    @inlinable var count: Int { buffer.count }
    @inlinable var first: Element? { buffer.first }
    @inlinable var array: [Element] { Array(buffer) }
}

/// The shapes of an entry's operands, read in place from its operand records.
@usableFromInline
struct TensorPullbackShapes {
    @usableFromInline let buffer: UnsafeBufferPointer<TensorOperandRecord>
    @inlinable init(_ buffer: UnsafeBufferPointer<TensorOperandRecord>) { self.buffer = buffer }
    @inlinable subscript(k: Int) -> TensorDimensions { buffer[k].shape }
}

/// Which operands of an entry are tracked (bit k for operand k), so that a rule can skip
/// the cotangent of a constant: the input batch of `matmul(x, w)` costs a whole GEMM.
@usableFromInline
struct TensorOperandMask {
    @usableFromInline var bits: UInt64
    @inlinable init(bits: UInt64) { self.bits = bits }
    /// Every operand needed.
    @inlinable static var all: TensorOperandMask { TensorOperandMask(bits: ~0) }
    @inlinable subscript(k: Int) -> Bool { k >= 64 || bits & (1 << UInt64(k)) != 0 }
}

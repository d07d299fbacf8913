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

    /// g · f′(x) elementwise, f′ from the scalar table, in one pass (`x` has g's shape).
    @inlinable
    static func unary<S: TensorScalar>(_ g: Tensor<S>, _ x: Tensor<S>, _ partial: (S) -> S) -> Tensor<S> {
        TensorKernels.zip(g, x, operation: "backward") { g, x in chain(g, partial(x)) }
    }

    /// g · ∂f/∂a and g · ∂f/∂b elementwise for a two-operand rule of the scalar table,
    /// in one pass over the broadcast shape (the sweep sums each back to its operand).
    @inlinable
    static func binary<S: TensorScalar>(
        _ g: Tensor<S>, _ a: Tensor<S>, _ b: Tensor<S>, _ rule: (S, S) -> (value: S, lhs: S, rhs: S)
    ) -> (Tensor<S>, Tensor<S>) {
        let shape = g.dimensions
        let ea = TensorKernels.expand(a, to: shape), eb = TensorKernels.expand(b, to: shape)
        TensorKernels.requireConsistent(g, operation: "backward")
        let n = g.storage.count
        var da = [S](repeating: 0, count: n), db = [S](repeating: 0, count: n)
        g.storage.withUnsafeBufferPointer { pg in
            ea.storage.withUnsafeBufferPointer { pa in
                eb.storage.withUnsafeBufferPointer { pb in
                    for i in 0..<n {
                        let r = rule(pa[i], pb[i])
                        da[i] = chain(pg[i], r.lhs)
                        db[i] = chain(pg[i], r.rhs)
                    }
                }
            }
        }
        return (
            Tensor(uncheckedStorage: da, shape: shape, device: g.placement),
            Tensor(uncheckedStorage: db, shape: shape, device: g.placement)
        )
    }

    @inlinable
    static func pullback<S: TensorScalar>(
        _ operation: TensorOperation, _ g: Tensor<S>, saved savedSlice: ArraySlice<Tensor<S>>,
        arguments argumentSlice: ArraySlice<Int>, operandShapes shapeSlice: ArraySlice<[Int]>,
        customFunctions: [CustomFunction<S>], needs: TensorOperandMask = .all
    ) -> [Tensor<S>?] {
        // Slices of the recording's flat arrays, read in place (no copy per entry); the
        // rules index them from 0.
        let saved = TensorPullbackOperands(savedSlice)
        let arguments = TensorPullbackOperands(argumentSlice)
        let operandShapes = TensorPullbackOperands(shapeSlice)
        // Saved layouts: unary [x] or [x, y]; binary math [a, b, out]; multiply [a, b];
        // divide [b, out]; extrema [x, kept]; matmul [a, b]; select [mask]; custom [x].
        let x = saved.first
        let y = saved.count > 1 ? saved[1] : nil
        switch operation {
        case .leaf: return []
        case .add: return [g, g]
        case .subtract: return [g, -g]
        case .multiply: return [needs[0] ? g * saved[1] : nil, needs[1] ? g * saved[0] : nil]
        case .divide: return [needs[0] ? g / saved[0] : nil, needs[1] ? -g * saved[1] / saved[0] : nil]
        case .negate: return [-g]
        case .squared: return [2 * g * x!]
        case .power:
            let (da, db) = binary(g, saved[0], saved[1]) { ElementaryRule.pow($0, $1) }
            return [da, db]
        case .atan2:
            let (da, db) = binary(g, saved[0], saved[1]) { y, x in
                let p = ElementaryRule.atan2Partials(y, x)
                return (0, p.lhs, p.rhs)
            }
            return [da, db]
        case .hypot:
            let (da, db) = binary(g, saved[0], saved[1]) { ElementaryRule.hypot($0, $1) }
            return [da, db]
        case .minimum:
            let (da, db) = binary(g, saved[0], saved[1]) { ElementaryRule.min($0, $1) }
            return [da, db]
        case .maximum:
            let (da, db) = binary(g, saved[0], saved[1]) { ElementaryRule.max($0, $1) }
            return [da, db]
        case .sin: return [unary(g, x!) { ElementaryRule.sinPartial($0) }]
        case .cos: return [unary(g, x!) { ElementaryRule.cosPartial($0) }]
        // tan, tanh, exp, sqrt and cbrt have partials in terms of their value, which the
        // forward pass saved: the table gives them from the value too.
        case .tan: return [unary(g, y!) { ElementaryRule.tanPartial(value: $0) }]
        case .asin: return [unary(g, x!) { ElementaryRule.asinPartial($0) }]
        case .acos: return [unary(g, x!) { -ElementaryRule.asinPartial($0) }]
        case .atan: return [unary(g, x!) { ElementaryRule.atanPartial($0) }]
        case .sinh: return [unary(g, x!) { ElementaryRule.sinhPartial($0) }]
        case .cosh: return [unary(g, x!) { ElementaryRule.coshPartial($0) }]
        case .tanh: return [unary(g, y!) { ElementaryRule.tanhPartial(value: $0) }]
        case .exp: return [unary(g, y!) { $0 }]
        case .expm1: return [unary(g, x!) { ElementaryRule.expm1Partial($0) }]
        case .log: return [unary(g, x!) { ElementaryRule.logPartial($0) }]
        case .log1p: return [unary(g, x!) { ElementaryRule.log1pPartial($0) }]
        case .log2: return [unary(g, x!) { ElementaryRule.log2Partial($0) }]
        case .log10: return [unary(g, x!) { ElementaryRule.log10Partial($0) }]
        case .sqrt: return [unary(g, y!) { ElementaryRule.sqrtPartial(value: $0) }]
        case .cbrt: return [unary(g, y!) { ElementaryRule.cbrtPartial(value: $0) }]
        case .abs: return [unary(g, x!) { ElementaryRule.abs($0).partial }]
        case .erf: return [unary(g, x!) { ElementaryRule.erfPartial($0) }]
        case .sigmoid: return [unary(g, x!) { ElementaryRule.sigmoid($0).partial }]
        case .softplus: return [unary(g, x!) { ElementaryRule.softplusPartial($0) }]
        case .relu: return [unary(g, x!) { ElementaryRule.relu($0).partial }]
        case .sum, .mean:
            let shape = operandShapes[0]
            let kept = shape.enumerated().map { arguments.array.contains($0.offset) ? 1 : $0.element }
            var gk = g
            gk.dimensions = kept
            if operation == .mean {
                // ∂mean/∂xᵢ = 1/n, n the number of scalars each mean reduced.
                let n = S(TensorShape.count(arguments.array.map { shape[$0] }))
                gk = TensorKernels.map(gk) { $0 / n }
            }
            return [TensorKernels.expand(gk, to: shape)]
        case .maximumAlongAxes, .minimumAlongAxes:
            let (input, kept) = (saved[0], saved[1])
            var gk = g
            gk.dimensions = kept.dimensions
            // NaN positions count as ties when the result is NaN, so they share the gradient.
            let mask = TensorKernels.zip(input, kept, operation: "backward") { a, m in a == m || (a != a && m != m) ? 1 : 0 }
            let ties = TensorKernels.sum(mask, axes: arguments.array)
            return [mask * (gk / ties)]
        case .reshape: return [g.reshaped(to: operandShapes[0])]
        case .transpose:
            var inverse = arguments.array
            for (i, p) in arguments.array.enumerated() { inverse[p] = i }
            return [g.transposed(permutation: inverse)]
        case .slice:
            let (axis, lower, upper) = (arguments[0], arguments[1], arguments[2])
            let shape = operandShapes[0]
            var parts: [Tensor<S>] = []
            var before = shape, after = shape
            before[axis] = lower
            after[axis] = shape[axis] - upper
            if lower > 0 { parts.append(Tensor(zeros: before)) }
            parts.append(g)
            if after[axis] > 0 { parts.append(Tensor(zeros: after)) }
            return [Tensor(concatenating: parts, alongAxis: axis)]
        case .gather:
            let axis = arguments[0], indices = arguments.array.dropFirst()
            let shape = operandShapes[0]
            let inner = TensorShape.count(Array(shape[(axis + 1)...]))
            let outer = TensorShape.count(Array(shape[..<axis]))
            var out = [S](repeating: 0, count: TensorShape.count(shape))
            g.storage.withUnsafeBufferPointer { pg in
                var source = 0
                for o in 0..<outer {
                    for i in indices {
                        let base = (o * shape[axis] + i) * inner
                        for j in 0..<inner { out[base + j] += pg[source + j] }
                        source += inner
                    }
                }
            }
            return [Tensor(uncheckedStorage: out, shape: shape, device: g.placement)]
        case .concatenate:
            let axis = arguments[0]
            var lower = 0
            return arguments.array.dropFirst().map { size in
                defer { lower += size }
                return g.slice(along: axis, range: lower..<(lower + size))
            }
        case .select:
            let mask = saved[0]
            return [needs[0] ? g * (1 - mask) : nil, needs[1] ? g * mask : nil]
        case .matmul:
            let (a, b) = (saved[0], saved[1])
            if needs[1] && b.rank == 2 && a.rank > 2 {
                // A batch times one matrix: the matrix's cotangent is one [k, rows] x [rows, n]
                // product over the batch folded into rows, not a batch of products summed.
                let k = a.shape[a.rank - 1], n = b.shape[1]
                let gb = TensorKernels.matmul(a.reshaped(to: [-1, k]), g.reshaped(to: [-1, n]), transposeA: true)
                return [needs[0] ? TensorKernels.matmul(g, b, transposeB: true) : nil, gb]
            }
            // The GEMM reads b and a transposed in place: no transposed copy of either.
            return [
                needs[0] ? TensorKernels.matmul(g, b, transposeB: true) : nil,
                needs[1] ? TensorKernels.matmul(a, g, transposeA: true) : nil,
            ]
        case .custom:
            // A user's rule: its result must have the input's shape exactly (the sweep
            // would otherwise sum a broadcast shape away, or index a short buffer).
            let grad = customFunctions[arguments[0]].backward(x!, g)
            if grad.dimensions != x!.dimensions || grad.storage.count != x!.storage.count {
                wengertTensorCustomBackwardShape(input: x!.dimensions, gradient: grad.dimensions)
            }
            return [grad]
        }
    }
}

/// Zero-based reading of a slice of one of the recording's flat arrays.
@usableFromInline
struct TensorPullbackOperands<Element> {
    @usableFromInline let slice: ArraySlice<Element>
    @inlinable init(_ slice: ArraySlice<Element>) { self.slice = slice }
    @inlinable subscript(k: Int) -> Element { slice[slice.startIndex + k] }
    @inlinable var count: Int { slice.count }
    @inlinable var first: Element? { slice.first }
    @inlinable var array: [Element] { Array(slice) }
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

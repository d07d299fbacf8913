// The backward rules of every recorded tensor operation, in one table (after tinygrad's
// gradient.py). Each case turns the output's cotangent `g` into one cotangent per
// operand, from the tensors the forward pass saved. Rules run inside the sweep's
// no-gradient scope, so they are written with ordinary tensor operations; a cotangent
// with a broadcast shape is summed back to its operand's shape by the sweep.

@usableFromInline
enum TensorPullbacks {
    /// `g · partial`, except that a zero cotangent gives zero even where the partial is
    /// infinite or NaN (sqrt at 0, log at 0, exp past overflow): the convention of `Dual`
    /// and `Var`, so that every mode agrees at singular points. One fused pass.
    @inlinable
    static func chain<S: TensorScalar>(_ g: Tensor<S>, _ partial: Tensor<S>) -> Tensor<S> {
        TensorKernels.arithmetic(.chain, g, partial, operation: "backward")
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
        case .leaf, .freed: return []
        case .add: return [g, g]
        case .subtract: return [g, -g]
        case .multiply: return [needs[0] ? g * saved[1] : nil, needs[1] ? g * saved[0] : nil]
        case .divide: return [needs[0] ? g / saved[0] : nil, needs[1] ? -g * saved[1] / saved[0] : nil]
        case .negate: return [-g]
        case .squared: return [2 * g * x!]
        case .power:
            let (a, b, out) = (saved[0], saved[1], saved[2])
            // y·x^(y-1) is 0·∞ at x = 0, y = 0; the convention (Dual, Var) gives 0 when y = 0.
            let da = chain(g, b * pow(a, b - 1).replacing(with: Tensor(0), where: b .== Tensor(0)))
            let safeLog = log(a.replacing(with: Tensor(1), where: a .== Tensor(0)))
            return [da, chain(g, out * safeLog)]
        case .atan2:
            let (yy, xx) = (saved[0], saved[1])
            let r2 = (xx.squared() + yy.squared()).replacing(with: Tensor(1), where: (xx .== Tensor(0)) * (yy .== Tensor(0)))
            return [g * xx / r2, -g * yy / r2]
        case .hypot:
            let (a, b, h) = (saved[0], saved[1], saved[2])
            let safe = h.replacing(with: Tensor(1), where: h .== Tensor(0))
            return [g * a / safe, g * b / safe]
        case .minimum, .maximum:
            let (a, b) = (saved[0], saved[1])
            let first = operation == .maximum ? (a .>= b) : (a .<= b)
            return [g * first, g * (1 - first)]
        case .sin: return [g * cos(x!)]
        case .cos: return [-g * sin(x!)]
        case .tan: return [g * (1 + y!.squared())]
        case .asin: return [chain(g, 1 / sqrt(1 - x!.squared()))]
        case .acos: return [chain(g, -1 / sqrt(1 - x!.squared()))]
        case .atan: return [g / (1 + x!.squared())]
        case .sinh: return [chain(g, cosh(x!))]
        case .cosh: return [chain(g, sinh(x!))]
        case .tanh: return [g * (1 - y!.squared())]
        case .exp: return [chain(g, y!)]
        case .expm1: return [chain(g, y! + 1)]
        case .log: return [chain(g, 1 / x!)]
        case .log1p: return [chain(g, 1 / (1 + x!))]
        case .log2: return [chain(g, 1 / (x! * S(0.693_147_180_559_945_309_4)))]
        case .log10: return [chain(g, 1 / (x! * S(2.302_585_092_994_045_684)))]
        case .sqrt: return [chain(g, 1 / (2 * y!))]
        case .cbrt: return [chain(g, 1 / (3 * y!.squared()))]
        case .abs: return [g * ((x! .> Tensor(0)) - (x! .< Tensor(0)))]
        case .erf: return [g * S(1.128_379_167_095_512_573_9) * exp(-x!.squared())]
        case .sigmoid:
            // e/(1 + e)² with e = e^-|x| rather than y(1 - y), which loses its relative
            // accuracy for large x (the formula of ElementaryRule.sigmoid).
            let e = exp(-abs(x!))
            return [g * e / (1 + e).squared()]
        case .softplus: return [g * sigmoid(x!)]
        case .relu: return [g * (x! .> Tensor(0))]
        case .sum:
            let shape = operandShapes[0]
            let kept = shape.enumerated().map { arguments.array.contains($0.offset) ? 1 : $0.element }
            var gk = g
            gk.dimensions = kept
            return [TensorKernels.expand(gk, to: shape)]
        case .maximumAlongAxes, .minimumAlongAxes:
            let (input, kept) = (saved[0], saved[1])
            var gk = g
            gk.dimensions = kept.dimensions
            let mask = input .== kept
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
            // The GEMM reads b and a transposed in place: no transposed copy of either.
            return [
                needs[0] ? TensorKernels.matmul(g, b, transposeB: true) : nil,
                needs[1] ? TensorKernels.matmul(a, g, transposeA: true) : nil,
            ]
        case .custom:
            return [customFunctions[arguments[0]].backward(x!, g)]
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

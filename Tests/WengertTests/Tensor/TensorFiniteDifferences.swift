import Wengert

/// Checks the vector-Jacobian product that `backward(seed:)` computes for `f` at
/// `inputs` against central finite differences of ⟨u, f(x)⟩ for a seeded random u.
/// Returns the largest error scaled by max(1, |expected|), so a tolerance near 1e-6
/// suits Double.
func maximumVJPError(
    of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>], seed: UInt64 = 1,
    step: Double = 1e-6
) -> Double {
    let leaves = inputs.map { $0.requiringGradient() }
    let output = f(leaves)
    let u = Tensor<Double>(randomNormal: output.shape, seed: seed)
    output.backward(seed: u)
    var worst = 0.0
    for (k, input) in inputs.enumerated() {
        let analytic = leaves[k].grad?.scalars ?? [Double](repeating: 0, count: input.scalarCount)
        for i in 0..<input.scalarCount {
            func probe(_ delta: Double) -> Double {
                withoutGradient {
                    var scalars = input.scalars
                    scalars[i] += delta
                    var shifted = inputs
                    shifted[k] = Tensor(shape: input.shape, scalars: scalars)
                    return (f(shifted) * u).sum().scalar
                }
            }
            let numeric = (probe(step) - probe(-step)) / (2 * step)
            worst = max(worst, abs(numeric - analytic[i]) / max(1, abs(numeric)))
        }
    }
    return worst
}

/// A differentiable tensor function with the shapes and range of its sample inputs.
struct TensorCase: Sendable, CustomStringConvertible {
    let description: String
    let shapes: [[Int]]
    let range: ClosedRange<Double>
    let function: @Sendable ([Tensor<Double>]) -> Tensor<Double>

    init(
        _ name: String, _ shapes: [[Int]], in range: ClosedRange<Double> = -2...2,
        _ function: @escaping @Sendable ([Tensor<Double>]) -> Tensor<Double>
    ) {
        self.description = name
        self.shapes = shapes
        self.range = range
        self.function = function
    }

    /// Seeded inputs drawn uniformly from `range`.
    var inputs: [Tensor<Double>] {
        shapes.enumerated().map { k, shape in
            Tensor(randomUniform: shape, lower: range.lowerBound, upper: range.upperBound, seed: UInt64(100 + k))
        }
    }
}

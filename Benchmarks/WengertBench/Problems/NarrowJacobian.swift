import Wengert

/// ℝⁿ → ℝ³: (Σ xᵢ², Σ sin xᵢ, Σ xᵢxᵢ₊₁). Few outputs, many inputs: reverse mode needs 3
/// sweeps, forward mode n passes.
struct NarrowJacobianObjective: VectorObjective {
    let input: [Double]
    var outputCount: Int { 3 }

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> [T] {
        var squares: T = 0, sines: T = 0, neighbours: T = 0
        for i in x.indices {
            squares += x[i] * x[i]
            sines += sin(x[i])
            if i + 1 < x.count { neighbours += x[i] * x[i + 1] }
        }
        return [squares, sines, neighbours]
    }
}

extension Problem {
    static let narrowJacobian = Problem(
        name: "jacobian-narrow",
        summary: "R^n -> R^3 (Σx², Σ sin x, Σ x[i]x[i+1]): few outputs, reverse mode's case",
        sizeMeaning: "n", defaultSizes: [10, 100, 1_000], quickSizes: [10], minimumSize: 1,
        make: { n in .vector(NarrowJacobianObjective(input: deterministicInput(count: n))) })
}

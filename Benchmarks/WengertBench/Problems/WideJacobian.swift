import Wengert

/// ℝ² → ℝᵐ: fⱼ = sin(x₀tⱼ)·exp(x₁tⱼ) with tⱼ = j/m. Two inputs, many outputs: forward
/// mode needs 2 passes, reverse mode m sweeps.
struct WideJacobianObjective: VectorObjective {
    let input: [Double]
    let outputCount: Int

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> [T] {
        let m = outputCount
        return (0..<m).map { j in
            let t = T(Double(j) / Double(m))
            return sin(x[0] * t) * exp(x[1] * t)
        }
    }
}

extension Problem {
    static let wideJacobian = Problem(
        name: "jacobian-wide",
        summary: "R^2 -> R^m, f[j] = sin(x0·t)·exp(x1·t): many outputs, forward mode's case",
        sizeMeaning: "m", defaultSizes: [10, 100, 1_000], quickSizes: [10], minimumSize: 1,
        make: { m in .vector(WideJacobianObjective(input: [0.7, -0.4], outputCount: m)) })
}

import Wengert

/// Σ sin(xᵢ)·exp(xᵢ₊₁/4) + log(1 + xᵢ²)·tanh(xᵢ): four transcendental functions per
/// term, so the cost of the derivative rules (cos beside sin, 1 - tanh² beside tanh)
/// dominates rather than the bookkeeping. This is where the Dual/plain ratio is quoted.
struct ElementaryHeavyObjective: ScalarObjective {
    let input: [Double]

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
        var s: T = 0
        let n = x.count
        for i in 0..<n {
            let next = x[i + 1 < n ? i + 1 : 0]
            s += sin(x[i]) * exp(next * 0.25) + log(1 + x[i] * x[i]) * tanh(x[i])
        }
        return s
    }
}

extension Problem {
    static let elementaryHeavy = Problem(
        name: "elementary",
        summary: "Σ sin(x[i])·exp(x[i+1]/4) + log(1 + x[i]²)·tanh(x[i]): transcendental-heavy",
        sizeMeaning: "n", defaultSizes: [8, 64, 512, 10_000], quickSizes: [8, 64], minimumSize: 1,
        make: { n in .scalar(ElementaryHeavyObjective(input: deterministicInput(count: n, lower: -2, upper: 2))) })
}

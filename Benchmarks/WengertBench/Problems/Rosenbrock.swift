import Wengert

/// The extended Rosenbrock function Σ 100 (xᵢ₊₁ - xᵢ²)² + (1 - xᵢ)²: cheap arithmetic
/// only, about 8 operations per term, so it measures per-operation overhead.
struct RosenbrockObjective: ScalarObjective {
    let input: [Double]

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
        var s: T = 0
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1 - x[i]
            s += 100 * a * a + b * b
        }
        return s
    }
}

extension Problem {
    static let rosenbrock = Problem(
        name: "rosenbrock",
        summary: "Σ 100(x[i+1] - x[i]²)² + (1 - x[i])²: arithmetic only, per-operation overhead",
        sizeMeaning: "n", defaultSizes: [10, 100, 1_000, 10_000, 100_000, 1_000_000],
        quickSizes: [10, 1_000], minimumSize: 2,
        make: { n in .scalar(RosenbrockObjective(input: deterministicInput(count: n, lower: -1.5, upper: 1.5))) })
}

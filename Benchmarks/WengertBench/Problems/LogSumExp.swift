import Wengert

/// log Σ exp(xᵢ), computed stably as m + log Σ exp(xᵢ - m) with m = max xᵢ: one
/// transcendental per entry and a reduction, the softmax's building block.
struct LogSumExpObjective: ScalarObjective {
    let input: [Double]

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
        var m = x[0]
        for v in x.dropFirst() where v > m { m = v }
        var s: T = 0
        for v in x { s += exp(v - m) }
        return m + log(s)
    }
}

extension Problem {
    static let logSumExp = Problem(
        name: "logsumexp",
        summary: "m + log Σ exp(x[i] - m), m = max x: one exp per entry and a reduction",
        sizeMeaning: "n", defaultSizes: [10, 1_000, 100_000], quickSizes: [10], minimumSize: 1,
        make: { n in .scalar(LogSumExpObjective(input: deterministicInput(count: n, lower: -3, upper: 3))) })
}

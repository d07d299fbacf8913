// The comparison at the heart of every check, independent of how the analytic
// derivatives were computed: estimate each entry by central differences, fall back to
// Richardson extrapolation where that estimate disagrees with an analytic value, and
// judge with the report's tolerance. The scalar, Hessian and tensor checks only differ
// in how they produce the analytic columns and the function to difference.

enum CheckComparison {
    /// Compares analytic gradients of f at x (one array per mode) with finite
    /// differences of `value`, which evaluates f at a point given in `Double`.
    static func gradient(
        subject: String, at x: [Double], analytic: [(mode: GradientCheckReport.Mode, gradient: [Double])],
        value: ([Double]) -> Double, epsilon: Double, absoluteTolerance: Double,
        relativeTolerance: Double, quantize: (Double) -> Double
    ) -> GradientCheckReport {
        var comparisons: [(index: Int, mode: GradientCheckReport.Mode, analytic: Double, numeric: Double)] = []
        var point = x
        for i in x.indices {
            let along: (Double) -> Double = { offset in
                point[i] = x[i] + offset
                defer { point[i] = x[i] }
                return value(point)
            }
            let h = CheckDifferences.step(epsilon: epsilon, scale: x[i])
            let column = analytic.map { $0.gradient[i] }
            var numeric = CheckDifferences.central(along, at: x[i], step: h, quantize: quantize)
            if !agrees(column, numeric, absoluteTolerance, relativeTolerance) {
                let refined = CheckDifferences.richardson(along, at: x[i], step: Swift.max(h, 1e-3 * Swift.max(1, Swift.abs(x[i]))),
                                                          quantize: quantize)
                if worstError(column, refined) < worstError(column, numeric) { numeric = refined }
            }
            for (mode, g) in analytic { comparisons.append((i, mode, g[i], numeric)) }
        }
        return GradientCheckReport(subject: subject, absoluteTolerance: absoluteTolerance,
                                   relativeTolerance: relativeTolerance, comparisons: comparisons)
    }

    /// Compares Hessian-vector products H·v (one per direction) with central
    /// differences of the gradient along v. Entry k·n + i is (H vₖ)ᵢ.
    static func hessian(
        at x: [Double], directions: [[Double]], products: [[Double]], gradient: ([Double]) -> [Double],
        epsilon: Double, absoluteTolerance: Double, relativeTolerance: Double,
        mode: GradientCheckReport.Mode = .forwardOverReverse
    ) -> GradientCheckReport {
        var comparisons: [(index: Int, mode: GradientCheckReport.Mode, analytic: Double, numeric: Double)] = []
        let scale = x.map { Swift.abs($0) }.max() ?? 1
        for (k, v) in directions.enumerated() {
            let norm = v.map { Swift.abs($0) }.max() ?? 0
            let along: (Double) -> [Double] = { t in gradient(zip(x, v).map { $0 + t * $1 }) }
            let h = norm == 0 ? 0 : CheckDifferences.step(epsilon: epsilon, scale: scale) / norm
            var numeric: [Double]
            if norm == 0 {
                numeric = [Double](repeating: 0, count: x.count)
            } else {
                numeric = CheckDifferences.central(along, at: 0, step: h, quantize: { $0 })
                let bad = x.indices.contains { !agrees([products[k][$0]], numeric[$0], absoluteTolerance, relativeTolerance) }
                if bad {
                    let refined = CheckDifferences.richardson(along, at: 0, step: Swift.max(h, 1e-3 * Swift.max(1, scale) / norm),
                                                              quantize: { $0 })
                    for i in x.indices where worstError([products[k][i]], refined[i]) < worstError([products[k][i]], numeric[i]) {
                        numeric[i] = refined[i]
                    }
                }
            }
            for i in x.indices {
                comparisons.append((k * x.count + i, mode, products[k][i], numeric[i]))
            }
        }
        return GradientCheckReport(subject: "Hessian-vector product", absoluteTolerance: absoluteTolerance,
                                   relativeTolerance: relativeTolerance, comparisons: comparisons)
    }

    static func agrees(_ analytic: [Double], _ numeric: Double, _ atol: Double, _ rtol: Double) -> Bool {
        analytic.allSatisfy { a in
            a == numeric || Swift.abs(a - numeric) <= atol + rtol * Swift.abs(numeric)
        }
    }

    static func worstError(_ analytic: [Double], _ numeric: Double) -> Double {
        guard numeric.isFinite else { return .infinity }
        return analytic.map { $0 == numeric ? 0 : Swift.abs($0 - numeric) }.max() ?? 0
    }
}

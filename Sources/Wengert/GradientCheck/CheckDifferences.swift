// Finite-difference estimates for the checks: central differences with a step scaled
// to the input's magnitude, and Richardson extrapolation (Richardson 1911) from larger
// steps for the entries where the plain estimate is not good enough. The public
// `FiniteDifferences` namespace serves users; these helpers work along one direction of
// a function the checks already wrapped, and report what they had to do.

enum CheckDifferences {
    /// The step for a coordinate of magnitude |x|: ε · max(1, |x|), so that the relative
    /// perturbation of large inputs stays ε and small inputs still move by ε.
    static func step(epsilon: Double, scale: Double) -> Double {
        epsilon * Swift.max(1, Swift.abs(scale))
    }

    /// (g(h) - g(-h)) / 2h, with h replaced by the distance actually representable:
    /// `g` receives the offset after `quantize` (x + h rounded to the scalar type) so
    /// the quotient divides by the step that was really taken.
    static func central<V: CheckVector>(_ g: (Double) -> V, at x: Double, step h: Double,
                                       quantize: (Double) -> Double) -> V {
        let forward = quantize(x + h) - x, backward = quantize(x - h) - x
        let width = forward - backward
        guard width != 0 else { return V.filled(like: g(0), with: .nan) }
        return V.combine(g(forward), g(backward)) { ($0 - $1) / width }
    }

    /// Richardson extrapolation of central differences at steps h, h/2 and h/4: error
    /// O(h⁶) for smooth functions, so a step of about 10⁻³ beats the best plain step
    /// (about 10⁻⁵) by orders of magnitude when the function is well scaled.
    static func richardson<V: CheckVector>(_ g: (Double) -> V, at x: Double, step h: Double,
                                          quantize: (Double) -> Double) -> V {
        let d0 = central(g, at: x, step: h, quantize: quantize)
        let d1 = central(g, at: x, step: h / 2, quantize: quantize)
        let d2 = central(g, at: x, step: h / 4, quantize: quantize)
        let r1 = V.combine(d1, d0) { (4 * $0 - $1) / 3 }
        let r2 = V.combine(d2, d1) { (4 * $0 - $1) / 3 }
        return V.combine(r2, r1) { (16 * $0 - $1) / 15 }
    }
}

/// A `Double` or an array of them: what a checked direction returns.
protocol CheckVector {
    static func combine(_ a: Self, _ b: Self, _ f: (Double, Double) -> Double) -> Self
    static func filled(like: Self, with value: Double) -> Self
}

extension Double: CheckVector {
    static func combine(_ a: Double, _ b: Double, _ f: (Double, Double) -> Double) -> Double { f(a, b) }
    static func filled(like: Double, with value: Double) -> Double { value }
}

extension Array: CheckVector where Element == Double {
    static func combine(_ a: [Double], _ b: [Double], _ f: (Double, Double) -> Double) -> [Double] {
        zip(a, b).map { f($0, $1) }
    }
    static func filled(like: [Double], with value: Double) -> [Double] {
        [Double](repeating: value, count: like.count)
    }
}

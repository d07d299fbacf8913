// The second-order check: Hessian-vector products by forward over reverse (Pearlmutter
// 1994) against central differences of the reverse-mode gradient along the same
// direction. A wrong second derivative hides from `gradientCheck` (the first-order
// rule can be right while the partial's own derivative is wrong, e.g. a partial
// computed from a rounded value), so rules are checked at both orders.

/// Checks Hessian-vector products H(x)·v of f: ℝⁿ → ℝ, computed by forward over reverse
/// (`hessianVectorProduct(of:at:along:)`), against central differences of the gradient:
/// (∇f(x + hv) - ∇f(x - hv)) / 2h with h = ε·max(1, ‖x‖∞)/‖v‖∞, refined by Richardson
/// extrapolation where that helps (as in `gradientCheck(of:at:)`).
///
/// ```swift
/// hessianCheck(of: rosenbrock, at: [0.5, 0.6, 0.7]).passed   // true
/// ```
///
/// - Parameters:
///   - f: the function, written on forward-over-reverse variables.
///   - x: the point, of length n.
///   - directions: the vectors v, each of length n; by default the basis vectors for
///     n ≤ 16 (the whole Hessian) and 16 seeded random directions beyond.
///   - epsilon: the relative step of the central differences.
///   - absoluteTolerance: the error allowed where an entry is near zero.
///   - relativeTolerance: the error allowed relative to the entry elsewhere.
/// - Returns: entry k·n + i compares (H vₖ)ᵢ.
/// - Complexity: per direction one recording and sweep on dual numbers and two (eight
///   with extrapolation) reverse-mode gradients. Traps when a direction's length is not n
///   or an argument is not finite.
public func hessianCheck<T: DifferentiableScalar>(
    of f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T], along directions: [[T]]? = nil,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    validateCheckArguments("hessianCheck", x.map(\.doubleValue), epsilon, absoluteTolerance, relativeTolerance)
    let n = x.count
    let vs: [[T]] = directions ?? defaultDirections(n)
    for (k, v) in vs.enumerated() where v.count != n {
        invalidCheckArgument("hessianCheck: direction \(k) has \(v.count) elements but the point has \(n)")
    }
    let products = vs.map { v in hessianVectorProduct(of: f, at: x, along: v).map(\.doubleValue) }
    return CheckComparison.hessian(
        at: x.map(\.doubleValue), directions: vs.map { $0.map(\.doubleValue) }, products: products,
        gradient: { point in recordedGradient(f, at: point.map { T($0) }).reverse },
        epsilon: epsilon, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
}

/// The basis vectors for n ≤ 16, else 16 random directions with entries in [-1, 1].
func defaultDirections<T: DifferentiableScalar>(_ n: Int) -> [[T]] {
    if n <= 16 {
        return (0..<n).map { k in (0..<n).map { $0 == k ? 1 : 0 } }
    }
    var rng = CheckRandom(seed: 0x5EED)
    return (0..<16).map { _ in (0..<n).map { _ in T(Double.random(in: -1...1, using: &rng)) } }
}

// gradientCheck: one function, every mode, against finite differences (PyTorch's
// `gradcheck`, Stan's `expect_ad`). A Swift generic function can be passed as a value
// at one concrete type only, so the check takes f at `Var<Dual<T>>`, the one type that
// carries every mode: with constant `Var`s and untagged duals it is the plain function
// (for finite differences); dual tangents along basis vectors give forward mode; the
// tape gives reverse mode and replay; both together give Hessian-vector products.

/// Checks the derivatives of f: ℝⁿ → ℝ at x in reverse mode, replay and forward mode
/// against central finite differences, entry by entry.
///
/// Write f once, generic over `DifferentiableScalar`, and pass it by name:
///
/// ```swift
/// let report = gradientCheck(of: rosenbrock, at: [0.5, 0.6, 0.7])
/// report.passed             // true
/// print(report)             // verdict and a table of the worst entries
/// ```
///
/// Each ∂f/∂xᵢ is estimated by (f(x + hᵢeᵢ) - f(x - hᵢeᵢ)) / 2hᵢ with hᵢ = ε·max(1, |xᵢ|);
/// where that estimate disagrees with an analytic value, a Richardson extrapolation from
/// steps 10⁻³·max(1, |xᵢ|), half and a quarter of it is used instead if it agrees better.
/// An entry passes when |analytic - numeric| ≤ absoluteTolerance + relativeTolerance ·
/// |numeric|. The defaults are PyTorch's `gradcheck` defaults, meant for `Double`;
/// for `Float` use about ε = 1e-3, absoluteTolerance = 1e-2, relativeTolerance = 1e-2.
///
/// Replay is checked only for recordings without custom rules. The report's entries are
/// indexed by input; `worstIndex` names the input whose derivative is furthest off.
///
/// - Parameters:
///   - f: the function, at `Var<Dual<T>>` (a generic function converts implicitly).
///   - x: the point; every element finite.
///   - epsilon: the relative finite-difference step, > 0.
///   - absoluteTolerance: ≥ 0.
///   - relativeTolerance: ≥ 0.
/// - Returns: one entry per input and mode (reverse, replay, forward).
/// - Complexity: one recording and sweep, one replay, n forward evaluations and 2n
///   plain evaluations of f (6 more per entry that needs Richardson extrapolation).
///   Traps, naming the offending value, when x or a parameter is not finite or negative.
///
/// See <doc:GradientChecks>.
public func gradientCheck<T: DifferentiableScalar>(
    of f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T],
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    validateCheckArguments("gradientCheck", x.map(\.doubleValue), epsilon, absoluteTolerance, relativeTolerance)
    var analytic: [(mode: GradientCheckReport.Mode, gradient: [Double])] = []
    let recorded = recordedGradient(f, at: x)
    analytic.append((.reverse, recorded.reverse))
    if let replayed = recorded.replay { analytic.append((.replay, replayed)) }
    analytic.append((.forward, forwardGradient(f, at: x)))
    return CheckComparison.gradient(
        subject: "gradient", at: x.map(\.doubleValue), analytic: analytic,
        value: { point in plainValue(f, at: point.map { T($0) }) },
        epsilon: epsilon, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
        quantize: { T($0).doubleValue })
}

/// Checks the derivative of a function of one variable; see `gradientCheck(of:at:)` for
/// arrays. The report has one entry per mode, all with index 0.
///
/// ```swift
/// gradientCheck(of: { x in x * sin(x) }, at: 2.0).passed   // true
/// ```
///
/// - Complexity: a recording, a replay, one forward and two plain evaluations of f.
public func gradientCheck<T: DifferentiableScalar>(
    of f: (Var<Dual<T>>) -> Var<Dual<T>>, at x: T,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    gradientCheck(of: { f($0[0]) }, at: [x], epsilon: epsilon,
                  absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
}

/// f(x) with constant `Var`s and untagged duals: the plain function, as a `Double`.
func plainValue<T: DifferentiableScalar>(_ f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T]) -> Double {
    f(x.map { Var(constant: Dual($0)) }).value.value.doubleValue
}

/// ∇f(x) by n forward passes, the i-th with tangent eᵢ on constant `Var`s.
func forwardGradient<T: DifferentiableScalar>(_ f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T]) -> [Double] {
    var inputs = x.map { Var(constant: Dual($0)) }
    return x.indices.map { i in
        inputs[i] = Var(constant: Dual(x[i], derivative: 1))
        defer { inputs[i] = Var(constant: Dual(x[i])) }
        return f(inputs).value.derivative.doubleValue
    }
}

/// ∇f(x) by one recording and sweep, and again after replaying the recording at x
/// (nil when it holds custom rules, which replay cannot re-run).
func recordedGradient<T: DifferentiableScalar>(
    _ f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T]
) -> (reverse: [Double], replay: [Double]?) {
    let tape = Tape<Dual<T>>()
    let inputs = x.map { tape.variable(Dual($0)) }
    let y = f(inputs)
    let reverse = tape.gradient(of: y)[inputs].map(\.value.doubleValue)
    guard tape.customRuleCount == 0, tape.replayCore(x.map { Dual($0) }) == nil else { return (reverse, nil) }
    return (reverse, tape.gradient(of: y)[inputs].map(\.value.doubleValue))
}

/// Traps with a message naming the first argument of a check that is out of range.
func validateCheckArguments(_ function: String, _ x: [Double], _ epsilon: Double,
                            _ absoluteTolerance: Double, _ relativeTolerance: Double) {
    if let i = x.firstIndex(where: { !$0.isFinite }) {
        invalidCheckArgument("\(function): the point must be finite; element \(i) is \(x[i])")
    }
    if !(epsilon > 0 && epsilon.isFinite) {
        invalidCheckArgument("\(function): epsilon must be positive and finite; got \(epsilon)")
    }
    if !(absoluteTolerance >= 0 && relativeTolerance >= 0) {
        invalidCheckArgument("\(function): tolerances must be non-negative; got absoluteTolerance \(absoluteTolerance), relativeTolerance \(relativeTolerance)")
    }
}

@inline(never)
func invalidCheckArgument(_ message: String) -> Never {
    fatalError("Wengert: \(message)")
}

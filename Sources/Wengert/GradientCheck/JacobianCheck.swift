// The check for vector-valued functions: every row of the Jacobian by reverse mode
// (one sweep per output over one recording) and every column by forward mode (one
// dual pass per input), both against central differences of each output.

/// Checks the Jacobian of f: ℝⁿ → ℝᵐ at x in reverse and forward mode against central
/// finite differences, entry by entry.
///
/// ```swift
/// func polar<T: DifferentiableScalar>(_ p: [T]) -> [T] { [hypot(p[0], p[1]), atan2(p[1], p[0])] }
/// jacobianCheck(of: polar, at: [1.0, 2.0]).passed   // true
/// ```
///
/// Entry i·n + j of the report compares ∂fᵢ/∂xⱼ. Steps and tolerances are those of
/// `gradientCheck(of:at:)`. Traps when f returns a different number of outputs for
/// different inputs (the number is fixed by the first evaluation).
///
/// - Complexity: one recording and m sweeps, n forward evaluations, and 2n plain
///   evaluations of f (each giving all m outputs).
public func jacobianCheck<T: DifferentiableScalar>(
    of f: ([Var<Dual<T>>]) -> [Var<Dual<T>>], at x: [T],
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    validateCheckArguments("jacobianCheck", x.map(\.doubleValue), epsilon, absoluteTolerance, relativeTolerance)
    let n = x.count
    // Reverse: one recording, one sweep per output.
    let tape = Tape<Dual<T>>()
    let inputs = x.map { tape.variable(Dual($0)) }
    let outputs = f(inputs)
    let m = outputs.count
    let rows = outputs.map { y in tape.gradient(of: y)[inputs].map(\.value.doubleValue) }
    // Forward: one pass per input gives a column.
    var constants = x.map { Var(constant: Dual($0)) }
    let columns: [[Double]] = (0..<n).map { j in
        constants[j] = Var(constant: Dual(x[j], derivative: 1))
        defer { constants[j] = Var(constant: Dual(x[j])) }
        return checkedOutputs(f(constants), m).map(\.value.derivative.doubleValue)
    }
    var comparisons: [(index: Int, mode: GradientCheckReport.Mode, analytic: Double, numeric: Double)] = []
    for i in 0..<m {
        let row = CheckComparison.gradient(
            subject: "Jacobian", at: x.map(\.doubleValue),
            analytic: [(.reverse, rows[i]), (.forward, columns.map { $0[i] })],
            value: { p in checkedOutputs(f(p.map { Var(constant: Dual(T($0))) }), m)[i].value.value.doubleValue },
            epsilon: epsilon, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
            quantize: { T($0).doubleValue })
        for e in row.entries { comparisons.append((i * n + e.index, e.mode, e.analytic, e.numeric)) }
    }
    return GradientCheckReport(subject: "Jacobian", absoluteTolerance: absoluteTolerance,
                               relativeTolerance: relativeTolerance, comparisons: comparisons)
}

/// `ys`, after checking that f returned the `m` outputs of its first evaluation.
func checkedOutputs<V>(_ ys: [V], _ m: Int) -> [V] {
    if ys.count != m {
        invalidCheckArgument("jacobianCheck: the function returned \(m) outputs at the point and \(ys.count) at a nearby one; its output count must not depend on the input")
    }
    return ys
}

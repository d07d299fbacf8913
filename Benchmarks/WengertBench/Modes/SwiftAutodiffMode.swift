// Swift's own reverse mode (`import _Differentiation`, the differentiable-programming
// manifesto's implementation), for comparison. It builds with default flags on this
// toolchain. It cannot differentiate through a generic `DifferentiableScalar` function,
// so each problem it covers is written again below on `Double`, line for line the same.
// Its array-subscript pullback materialises a full zero array per read, so a loop that
// reads n entries costs O(n²): hence the input limit.

import _Differentiation

@differentiable(reverse)
private func rosenbrockForSwiftAD(_ x: [Double]) -> Double {
    var s = 0.0
    for i in 0..<withoutDerivative(at: x.count - 1) {
        let a = x[i + 1] - x[i] * x[i]
        let b = 1 - x[i]
        s += 100 * a * a + b * b
    }
    return s
}

@differentiable(reverse)
private func productForSwiftAD(_ x: [Double]) -> Double {
    var p = 1.0
    for i in 0..<withoutDerivative(at: x.count) { p *= x[i] }
    return p
}

extension Mode {
    /// `gradient(at:of:)` from `_Differentiation` on a `Double` copy of the problem.
    static let swiftAutodiff = Mode(
        name: "swift-ad", summary: "Swift's _Differentiation reverse mode (rosenbrock, product only)",
        maximumInputs: 2_000,
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let function: @differentiable(reverse) ([Double]) -> Double
            switch f {
            case is RosenbrockObjective: function = rosenbrockForSwiftAD
            case is ProductObjective: function = productForSwiftAD
            default: return nil
            }
            let x = f.input
            let body = { (x: [Double]) -> [Double] in gradient(at: x, of: function).base }
            return PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
        })
}

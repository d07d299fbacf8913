// The fixed-step methods: classical fourth-order Runge–Kutta and explicit Euler. Each
// interval between consecutive requested times is cut into the fewest equal steps no
// longer than the given step, so the requested times are hit exactly (no interpolation)
// and the step times are tᵢ + k·h, not accumulated sums. The update formulas are the
// textbook ones written as tensor operations, so a hand-written loop gives the same bits.

extension ODEIntegrator {
    /// The number of equal steps for an interval of length `span` (> 0) with steps no
    /// longer than `step`: a ratio within a few ulps above an integer counts as that
    /// integer (0.3 / 0.1 is 2.9999999999999996 in Double, 1.0 / 0.1 exactly 10).
    @inlinable static func stepCount(span: Scalar, step: Scalar) -> Int {
        let ratio = span / step
        let count = (ratio * (1 - 64 * Scalar.ulpOfOne)).rounded(.up)
        return Swift.max(1, Int(count))
    }

    @inlinable mutating func fixedSteps(_ y0: Tensor<Scalar>, times: [Scalar], step: Scalar, rungeKutta4: Bool,
        initialDerivative: Tensor<Scalar>?)
        throws(ODEError) -> [Tensor<Scalar>]
    {
        var states = [y0]
        states.reserveCapacity(times.count)
        var y = y0
        // f(y0, t0), when the caller already evaluated it, serves the first step.
        var first = initialDerivative
        for i in 1..<times.count {
            let start = times[i - 1], span = times[i] - start
            let n = Self.stepCount(span: Swift.abs(span), step: step)
            let h = span / Scalar(n)
            for s in 0..<n {
                if attempts >= maximumSteps { throw .stepBudgetExceeded(maximumSteps: maximumSteps, time: Double(start + Scalar(s) * h)) }
                attempts += 1
                let t = start + Scalar(s) * h
                let k1: Tensor<Scalar>
                if let f0 = first {
                    k1 = f0
                    first = nil
                } else {
                    k1 = try evaluate(y, t)
                }
                if rungeKutta4 {
                    let k2 = try evaluate(y + (h / 2) * k1, t + h / 2)
                    let k3 = try evaluate(y + (h / 2) * k2, t + h / 2)
                    let k4 = try evaluate(y + h * k3, t + h)
                    y = y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                } else {
                    y = y + h * k1
                }
                if !Self.isFinite(y) { throw .nonFinite(what: "state", time: Double(t + h), step: attempts) }
                acceptedSteps += 1
            }
            states.append(y)
        }
        return states
    }
}

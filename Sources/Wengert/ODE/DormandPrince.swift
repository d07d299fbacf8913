// Dormand–Prince 5(4) (Dormand and Prince 1980) with Shampine's (1986) embedded
// fourth-order weights and midpoint for dense output, the tableau torchdiffeq and SciPy
// use; the step controller, initial step and quartic interpolant follow Hairer, Nørsett
// and Wanner, Solving ODEs I, II.4, so that step counts match torchdiffeq's `dopri5`.

/// The Dormand–Prince tableau in the solve's scalar type.
@usableFromInline
struct DormandPrinceTableau<Scalar: TensorScalar> {
    /// Stage times as fractions of the step.
    @usableFromInline let c: [Scalar]
    /// Stage weights: row i (1...5) combines stages 0..<i.
    @usableFromInline let a: [[Scalar]]
    /// Fifth-order weights (the seventh stage, FSAL, has weight 0).
    @usableFromInline let b: [Scalar]
    /// Fifth minus fourth-order weights, over all seven stages.
    @usableFromInline let error: [Scalar]
    /// Weights of the fifth-order solution at the step's midpoint (dense output).
    @usableFromInline let middle: [Scalar]

    @inlinable init() {
        func s(_ values: [Double]) -> [Scalar] { values.map { Scalar($0) } }
        c = s([0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1])
        a = [
            [],
            s([1.0 / 5]),
            s([3.0 / 40, 9.0 / 40]),
            s([44.0 / 45, -56.0 / 15, 32.0 / 9]),
            s([19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729]),
            s([9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656]),
        ]
        b = s([35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84])
        error = s([
            35.0 / 384 - 1951.0 / 21600, 0, 500.0 / 1113 - 22642.0 / 50085, 125.0 / 192 - 451.0 / 720,
            -2187.0 / 6784 + 12231.0 / 42400, 11.0 / 84 - 649.0 / 6300, -1.0 / 60,
        ])
        middle = s([
            6025192743.0 / 30085553152 / 2, 0, 51252292925.0 / 65400821598 / 2, -2691868925.0 / 45128329728 / 2,
            187940372067.0 / 1594534317056 / 2, -1776094331.0 / 19743644256 / 2, 11237099.0 / 235043384 / 2,
        ])
    }
}

/// The last accepted step, kept for interpolating requested times inside it.
@usableFromInline
struct DormandPrinceStep<Scalar: TensorScalar> {
    @usableFromInline var t0: Scalar
    @usableFromInline var dt: Scalar
    @usableFromInline var y0: Tensor<Scalar>
    @usableFromInline var y1: Tensor<Scalar>
    /// The seven stage derivatives (k[0] = f(y0), k[6] = f(y1)).
    @usableFromInline var k: [Tensor<Scalar>]

    @inlinable init(t0: Scalar, dt: Scalar, y0: Tensor<Scalar>, y1: Tensor<Scalar>, k: [Tensor<Scalar>]) {
        self.t0 = t0
        self.dt = dt
        self.y0 = y0
        self.y1 = y1
        self.k = k
    }

    /// The quartic through y0, y1, the fifth-order midpoint and the end derivatives,
    /// at `t`, written as one linear combination of y0, y1 and the stages (so that it is
    /// one fused pass, or recorded operations under `.backpropagation`).
    @inlinable func interpolate(at t: Scalar, tableau: DormandPrinceTableau<Scalar>) -> Tensor<Scalar> {
        let x = (t - t0) / dt
        let x2 = x * x, x3 = x2 * x, x4 = x3 * x
        // The quartic e + d·x + c·x² + b·x³ + a·x⁴ of torchdiffeq's _interp_fit, expanded
        // into coefficients of y0, y1, the midpoint, dt·f0 and dt·f1.
        let cy0 = 1 - 11 * x2 + 18 * x3 - 8 * x4
        let cy1 = -5 * x2 + 14 * x3 - 8 * x4
        let cMid = 16 * x2 - 32 * x3 + 16 * x4
        let cf0 = x - 4 * x2 + 5 * x3 - 2 * x4
        let cf1 = x2 - 3 * x3 + 2 * x4
        // midpoint = y0 + dt·Σ middle_j k_j.
        var terms: [(Scalar, Tensor<Scalar>)] = [(cy0 + cMid, y0), (cy1, y1)]
        for j in 0..<7 {
            var weight = cMid * dt * tableau.middle[j]
            if j == 0 { weight += cf0 * dt }
            if j == 6 { weight += cf1 * dt }
            terms.append((weight, k[j]))
        }
        return Tensor.odeCombination(terms)
    }
}

extension ODEIntegrator {
    /// Adaptive Dormand–Prince through `times`; the last step is clipped to end on the
    /// last time, the others are interpolated.
    @inlinable mutating func dormandPrince(_ y0: Tensor<Scalar>, times: [Scalar], initialDerivative: Tensor<Scalar>?)
        throws(ODEError) -> [Tensor<Scalar>]
    {
        let tableau = DormandPrinceTableau<Scalar>()
        let tEnd = times[times.count - 1]
        let direction: Scalar = tEnd > times[0] ? 1 : -1
        var t = times[0], y = y0
        var f0: Tensor<Scalar>
        if let initialDerivative {
            f0 = initialDerivative
        } else {
            f0 = try evaluate(y, t)
        }
        var h = try initialStep(y0, f0, t0: t, direction: direction)
        var last: DormandPrinceStep<Scalar>?
        var states = [y0]
        states.reserveCapacity(times.count)
        var k = [Tensor<Scalar>]()
        k.reserveCapacity(7)
        for target in times.dropFirst() {
            while direction * (target - t) > 0 {
                if attempts >= maximumSteps { throw .stepBudgetExceeded(maximumSteps: maximumSteps, time: Double(t)) }
                attempts += 1
                let clipped = direction * (t + direction * h - tEnd) >= 0
                let dt = clipped ? tEnd - t : direction * h
                if t + dt == t || !dt.isFinite { throw .stepSizeUnderflow(time: Double(t), stepSize: Double(dt)) }
                k.removeAll(keepingCapacity: true)
                k.append(f0)
                for i in 1...5 {
                    var terms: [(Scalar, Tensor<Scalar>)] = [(1, y)]
                    for j in 0..<i { terms.append((dt * tableau.a[i][j], k[j])) }
                    k.append(try evaluate(Tensor.odeCombination(terms), t + tableau.c[i] * dt))
                }
                var terms: [(Scalar, Tensor<Scalar>)] = [(1, y)]
                for j in 0..<6 { terms.append((dt * tableau.b[j], k[j])) }
                let y1 = Tensor.odeCombination(terms)
                if !Self.isFinite(y1) { throw .nonFinite(what: "state", time: Double(t + dt), step: attempts) }
                k.append(try evaluate(y1, t + dt))
                let errorEstimate = withoutGradient {
                    Tensor.odeCombination((0..<7).map { (dt * tableau.error[$0], k[$0].untracked) })
                }
                let ratio = errorRatio(errorEstimate, y, y1)
                let accepted = ratio <= 1
                if accepted {
                    acceptedSteps += 1
                    last = DormandPrinceStep(t0: t, dt: dt, y0: y, y1: y1, k: k)
                    t = clipped ? tEnd : t + dt
                    y = y1
                    f0 = k[6]
                } else {
                    rejectedSteps += 1
                }
                h = Swift.abs(dt) * Self.stepFactor(ratio)
            }
            if target == t {
                states.append(y)
            } else {
                // target lies in the last accepted step (t passed it, and the previous
                // target was reached before this step began or inside it).
                states.append(last!.interpolate(at: target, tableau: tableau))
            }
        }
        return states
    }

    /// The I controller: safety 0.9, order 5, growth in [1, 10] after an accepted step
    /// and in [0.2, 1] after a rejected one (torchdiffeq's defaults).
    @inlinable static func stepFactor(_ ratio: Scalar) -> Scalar {
        if ratio == 0 { return 10 }
        if !ratio.isFinite { return Scalar(0.2) }
        let lower: Scalar = ratio < 1 ? 1 : Scalar(0.2)
        let proposal = Scalar(0.9) / Scalar.pow(ratio, 1 / 5 as Scalar)
        return Swift.min(10, Swift.max(proposal, lower))
    }

    /// Hairer, Nørsett and Wanner's starting step (II.4, "automatic step size
    /// control"), for a method of order 5 (exponent 1/5): one evaluation.
    @inlinable mutating func initialStep(_ y0: Tensor<Scalar>, _ f0: Tensor<Scalar>, t0: Scalar, direction: Scalar)
        throws(ODEError) -> Scalar
    {
        let y = y0.untracked, f = f0.untracked
        let scale = y.scalars.map { absoluteTolerance + Swift.abs($0) * relativeTolerance }
        let d0 = Self.scaledNorm(y, scale), d1 = Self.scaledNorm(f, scale)
        let h0: Scalar = (d0 < 1e-5 || d1 < 1e-5) ? Scalar(1e-6) : Scalar(0.01) * d0 / d1
        let y1 = Tensor.odeCombination([(Scalar(1), y), (direction * h0, f)])
        let f1 = try withoutGradient {
            Result { () throws(ODEError) -> Tensor<Scalar> in try evaluate(y1, t0 + direction * h0) }
        }.get()
        let difference = Tensor.odeCombination([(Scalar(1), f1.untracked), (Scalar(-1), f)])
        let d2 = Self.scaledNorm(difference, scale) / h0
        let h1: Scalar
        if d1 <= 1e-15 && d2 <= 1e-15 {
            h1 = Swift.max(Scalar(1e-6), h0 * Scalar(1e-3))
        } else {
            h1 = Scalar.pow(Scalar(0.01) / Swift.max(d1, d2), 1 / 5 as Scalar)
        }
        return Swift.min(100 * h0, h1)
    }
}

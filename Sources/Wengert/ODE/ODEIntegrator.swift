// The state every solver shares: the dynamics, the tolerances, the step budget and the
// counters; evaluation with its checks (shape, finiteness) and the error norm. The
// methods are in DormandPrince.swift and RungeKutta.swift.

/// One solve of dy/dt = f(y, t) through a list of times.
@usableFromInline
struct ODEIntegrator<Scalar: TensorScalar> {
    @usableFromInline let method: ODEMethod<Scalar>
    @usableFromInline let relativeTolerance: Scalar
    @usableFromInline let absoluteTolerance: Scalar
    @usableFromInline let maximumSteps: Int
    /// The dynamics as (state, time) -> derivative.
    @usableFromInline let dynamics: (Tensor<Scalar>, Scalar) -> Tensor<Scalar>
    @usableFromInline var evaluations = 0
    @usableFromInline var acceptedSteps = 0
    @usableFromInline var rejectedSteps = 0
    /// Step attempts so far (accepted and rejected), for the budget and error messages.
    @usableFromInline var attempts = 0

    @inlinable init(
        method: ODEMethod<Scalar>, relativeTolerance: Scalar, absoluteTolerance: Scalar, maximumSteps: Int,
        dynamics: @escaping (Tensor<Scalar>, Scalar) -> Tensor<Scalar>
    ) {
        self.method = method
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maximumSteps = maximumSteps
        self.dynamics = dynamics
    }

    /// The states at every time in `times` (the first is `y0` itself). `initialDerivative`,
    /// when given, is f(y0, times[0]) already computed (and counted) by the caller.
    @inlinable mutating func solve(_ y0: Tensor<Scalar>, times: [Scalar], initialDerivative: Tensor<Scalar>? = nil) throws(ODEError)
        -> [Tensor<Scalar>]
    {
        if times.count == 1 { return [y0] }
        switch method {
        case .dopri5: return try dormandPrince(y0, times: times, initialDerivative: initialDerivative)
        case .rungeKutta4(let step): return try fixedSteps(y0, times: times, step: step, rungeKutta4: true, initialDerivative: initialDerivative)
        case .euler(let step): return try fixedSteps(y0, times: times, step: step, rungeKutta4: false, initialDerivative: initialDerivative)
        }
    }

    /// f(y, t), counted and checked: a result of another shape stops (programmer error),
    /// a non-finite one throws.
    @inlinable mutating func evaluate(_ y: Tensor<Scalar>, _ t: Scalar) throws(ODEError) -> Tensor<Scalar> {
        evaluations += 1
        let derivative = dynamics(y, t)
        try Self.check(derivative, against: y, time: t, step: attempts)
        return derivative
    }

    /// Checks a derivative for shape and finiteness (also used on the caller's own
    /// first evaluation).
    @inlinable static func check(_ derivative: Tensor<Scalar>, against y: Tensor<Scalar>, time: Scalar, step: Int) throws(ODEError) {
        if derivative.dimensions != y.dimensions {
            wengertODEInvalid(
                "the dynamics returned shape \(derivative.dimensions) for a state of shape \(y.dimensions) "
                    + "at time \(time); dy/dt must have the state's shape.")
        }
        if !Self.isFinite(derivative) {
            throw .nonFinite(what: "derivative", time: Double(time), step: step)
        }
    }

    @inlinable static func isFinite(_ x: Tensor<Scalar>) -> Bool {
        x.withHostScalars { xs in
            var ok = true
            for v in xs where !v.isFinite { ok = false }
            return ok
        }
    }

    /// The root-mean-square of error / (atol + rtol·max(|y0|, |y1|)), torchdiffeq's and
    /// Hairer's mixed norm; NaN inputs give NaN (the step is then rejected).
    @inlinable func errorRatio(_ error: Tensor<Scalar>, _ y0: Tensor<Scalar>, _ y1: Tensor<Scalar>) -> Scalar {
        let n = error.scalarCount
        if n == 0 { return 0 }
        var total: Scalar = 0
        error.withHostScalars { e in
            y0.withHostScalars { a in
                y1.withHostScalars { b in
                    for i in 0..<n {
                        let scale = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(a[i]), Swift.abs(b[i]))
                        let r = e[i] / scale
                        total += r * r
                    }
                }
            }
        }
        return (total / Scalar(n)).squareRoot()
    }

    /// RMS norm of x / scale, for the initial step selection.
    @inlinable static func scaledNorm(_ x: Tensor<Scalar>, _ scale: [Scalar]) -> Scalar {
        let n = scale.count
        if n == 0 { return 0 }
        var total: Scalar = 0
        x.withHostScalars { xs in
            for i in 0..<n {
                let r = xs[i] / scale[i]
                total += r * r
            }
        }
        return (total / Scalar(n)).squareRoot()
    }
}

/// Stops with a message about a programmer error in an `odeint` call.
@inline(never) @usableFromInline
func wengertODEInvalid(_ message: String) -> Never {
    fatalError("Wengert: odeint: \(message)")
}

// The public entry points: `odeint` (torchdiffeq's and JAX's spelling) and `solveODE`, its throwing
// twin. Both check the call, solve forward, and either record every step
// (`.backpropagation`) or record one adjoint operation (`.adjoint`, Adjoint.swift).

/// Solves dy/dt = f(y, t; θ) from `times[0]` and returns the states at every time in
/// `times`, stacked: shape `[times.count] + y0.shape`, first slice `y0` exactly.
///
/// ```swift
/// let ys = odeint(y0: y0, times: [0, 0.25, 0.5, 1], parameters: [w1, b1, w2]) { y, t, p in
///     matmul(tanh(matmul(y * y * y, p[0]) + p[1]), p[2])
/// }
/// abs(ys - target).mean().backward()     // w1.grad, b1.grad, w2.grad by the adjoint method
/// ```
///
/// The result requires a gradient when `y0` or a parameter does; it is differentiable
/// with respect to `y0` and every tensor in `parameters`. `times` may increase or
/// decrease (strictly). The state may have any shape; a batch of trajectories is one
/// state. `dynamics` receives the state, the time and the parameters; under `.adjoint`
/// it must reach every tensor that needs a gradient through `parameters` (one it
/// captures that requires a gradient stops the call, since it would get none).
///
/// - Parameters:
///   - y0: the state at `times[0]`.
///   - times: where the solution is wanted, strictly increasing or decreasing.
///   - parameters: the tensors `dynamics` may depend on that get gradients.
///   - method: `.dopri5` (adaptive, default), `.rungeKutta4(step:)` or `.euler(step:)`.
///   - relativeTolerance: rtol: the error per step of `.dopri5` is kept below
///     atol + rtol·|y| in the root-mean-square norm (also for the adjoint's solve).
///   - absoluteTolerance: atol in that bound.
///   - gradient: `.adjoint` (memory independent of the number of steps) or
///     `.backpropagation` (every step recorded: the discrete solver's exact gradient).
///   - maximumSteps: step attempts allowed per solve (forward, and backward separately).
///   - statistics: filled with the evaluation and step counts (forward when this
///     returns, adjoint when the backward pass has run).
///   - dynamics: f(y, t, parameters), the state's derivative in time.
/// - Complexity: `.dopri5` evaluates `dynamics` 6 times per step attempt plus 2;
///   `.adjoint`'s backward solve evaluates it and its vector-Jacobian product about as
///   often again. `.backpropagation` records every step (memory linear in steps).
/// - Precondition: `times` is non-empty, finite and strictly monotonic; tolerances are
///   non-negative, finite and not both zero; a fixed step is positive; `dynamics`
///   returns the state's shape. Violations stop with a message naming what was wrong.
///   A numerical failure (non-finite state or derivative, step size underflow, step
///   budget exceeded) also stops, with the time reached; call ``solveODE(y0:times:parameters:method:relativeTolerance:absoluteTolerance:gradient:maximumSteps:statistics:_:)``
///   to catch it instead.
///
/// See <doc:NeuralODEs>.
@inlinable
public func odeint<Scalar: TensorScalar>(
    y0: Tensor<Scalar>, times: [Scalar], parameters: [Tensor<Scalar>] = [], method: ODEMethod<Scalar> = .dopri5,
    relativeTolerance: Scalar = 1e-7, absoluteTolerance: Scalar = 1e-9, gradient: ODEGradient = .adjoint,
    maximumSteps: Int = 100_000, statistics: ODEStatistics? = nil,
    _ dynamics: @escaping (Tensor<Scalar>, Scalar, [Tensor<Scalar>]) -> Tensor<Scalar>
) -> Tensor<Scalar> {
    do {
        return try solveODE(
            y0: y0, times: times, parameters: parameters, method: method, relativeTolerance: relativeTolerance,
            absoluteTolerance: absoluteTolerance, gradient: gradient, maximumSteps: maximumSteps,
            statistics: statistics, dynamics)
    } catch {
        wengertODEInvalid("\(error)")
    }
}

/// ``odeint(y0:times:parameters:method:relativeTolerance:absoluteTolerance:gradient:maximumSteps:statistics:_:)``,
/// throwing the numerical failures of the forward solve instead of stopping.
///
/// - Throws: ``ODEError`` when the state or derivative becomes non-finite, the step
///   size underflows or `maximumSteps` is exceeded, naming the time reached. Nothing the
///   caller holds is changed. (A failure of the adjoint's backward solve, which runs
///   inside `backward()`, stops with the same message.)
/// - Complexity: as `odeint`.
@inlinable
public func solveODE<Scalar: TensorScalar>(
    y0: Tensor<Scalar>, times: [Scalar], parameters: [Tensor<Scalar>] = [], method: ODEMethod<Scalar> = .dopri5,
    relativeTolerance: Scalar = 1e-7, absoluteTolerance: Scalar = 1e-9, gradient: ODEGradient = .adjoint,
    maximumSteps: Int = 100_000, statistics: ODEStatistics? = nil,
    _ dynamics: @escaping (Tensor<Scalar>, Scalar, [Tensor<Scalar>]) -> Tensor<Scalar>
) throws(ODEError) -> Tensor<Scalar> {
    odeCheckArguments(
        times: times, method: method, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
        maximumSteps: maximumSteps)
    // The solvers read states on the host (step control, the adjoint's flat state).
    if y0.device != .cpu {
        wengertODEInvalid("the ODE solvers run on the CPU; y0 is on \(y0.device). Move y0 and the parameters with moved(to: .cpu).")
    }
    let recording = Tensor<Scalar>.isGradientEnabled
    let needsGradient = recording && (y0.requiresGradient || parameters.contains { $0.requiresGradient })
    if gradient == .backpropagation {
        // Recorded as it runs: whatever requires a gradient (y0, a parameter, or a
        // tensor the closure captures) reaches the tape through the operations.
        var integrator = ODEIntegrator<Scalar>(
            method: method, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
            maximumSteps: maximumSteps
        ) { y, t in dynamics(y, t, parameters) }
        let states = try integrator.solve(y0, times: times)
        odeRecord(integrator, in: statistics)
        return odeStack(states)
    }
    // Unrecorded forward solve (the adjoint's, or one that needs no gradient).
    let y = y0.untracked, p = parameters.map(\.untracked)
    var initialDerivative: Tensor<Scalar>?
    if gradient == .adjoint && recording && times.count > 1 {
        // The first evaluation runs with recording on: with untracked inputs its result
        // is tracked only if the closure used a captured tensor that requires a gradient.
        let f0 = dynamics(y, times[0], p)
        if f0.requiresGradient {
            wengertODEInvalid(
                "the dynamics closure uses a captured tensor that requires a gradient; under gradient: .adjoint "
                    + "it would get no gradient. Pass it in `parameters` (and read it from the closure's third "
                    + "argument), or use gradient: .backpropagation.")
        }
        try ODEIntegrator<Scalar>.check(f0, against: y, time: times[0], step: 0)
        initialDerivative = f0
    }
    var integrator = ODEIntegrator<Scalar>(
        method: method, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
        maximumSteps: maximumSteps
    ) { y, t in dynamics(y, t, p) }
    if initialDerivative != nil { integrator.evaluations = 1 }
    let states = try withoutGradient {
        Result { () throws(ODEError) -> [Tensor<Scalar>] in
            try integrator.solve(y, times: times, initialDerivative: initialDerivative)
        }
    }.get()
    odeRecord(integrator, in: statistics)
    if !needsGradient { return odeStack(states) }
    let context = ODEAdjointContext(
        dynamics: dynamics, parameters: p, times: times, method: method, relativeTolerance: relativeTolerance,
        absoluteTolerance: absoluteTolerance, maximumSteps: maximumSteps, statistics: statistics, states: states)
    return odeAdjointResult(y0: y0, parameters: parameters, context: context)
}

@inlinable
func odeRecord<Scalar>(_ integrator: ODEIntegrator<Scalar>, in statistics: ODEStatistics?) {
    statistics?.recordForward(
        evaluations: integrator.evaluations, steps: integrator.acceptedSteps, rejected: integrator.rejectedSteps)
}

/// The states stacked along a new first axis (recorded when they are).
@inlinable
func odeStack<Scalar>(_ states: [Tensor<Scalar>]) -> Tensor<Scalar> {
    Tensor(concatenating: states.map { $0.unsqueezed(axis: 0) }, alongAxis: 0)
}

/// Stops on a malformed call, naming the argument.
@inlinable
func odeCheckArguments<Scalar: TensorScalar>(
    times: [Scalar], method: ODEMethod<Scalar>, relativeTolerance: Scalar, absoluteTolerance: Scalar, maximumSteps: Int
) {
    if times.isEmpty { wengertODEInvalid("times is empty; pass at least one time (the first is y0's).") }
    for (i, t) in times.enumerated() where !t.isFinite {
        wengertODEInvalid("times[\(i)] is \(t); times must be finite.")
    }
    if times.count > 1 {
        let increasing = times[1] > times[0]
        for i in 1..<times.count where increasing ? !(times[i] > times[i - 1]) : !(times[i] < times[i - 1]) {
            wengertODEInvalid(
                "times must be strictly \(increasing ? "increasing" : "decreasing") (as times[0] to times[1] are); "
                    + "times[\(i)] = \(times[i]) follows times[\(i - 1)] = \(times[i - 1]).")
        }
    }
    if !(relativeTolerance >= 0) || !(absoluteTolerance >= 0) || !relativeTolerance.isFinite
        || !absoluteTolerance.isFinite || (relativeTolerance == 0 && absoluteTolerance == 0)
    {
        wengertODEInvalid(
            "tolerances must be finite, non-negative and not both zero; got relativeTolerance \(relativeTolerance), "
                + "absoluteTolerance \(absoluteTolerance).")
    }
    switch method {
    case .rungeKutta4(let step), .euler(let step):
        if !(step > 0) || !step.isFinite { wengertODEInvalid("the fixed step must be positive and finite; got \(step).") }
    case .dopri5: break
    }
    if maximumSteps < 1 { wengertODEInvalid("maximumSteps must be at least 1; got \(maximumSteps).") }
}

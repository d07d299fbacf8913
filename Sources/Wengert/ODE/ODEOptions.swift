// The options of `odeint` (method, gradient mode) and what a caller reads back from a
// solve (its statistics). The errors are in ODEError.swift.

/// How `odeint` steps from one requested time to the next.
public enum ODEMethod<Scalar: TensorScalar>: Sendable, Equatable {
    /// Dormand–Prince 5(4) with error control: adaptive steps, the fifth-order solution
    /// propagated, the fourth-order one estimating the error, an I step controller
    /// (safety 0.9, growth at most 10×, shrinkage at most 5×), Hairer's initial step
    /// selection, and a quartic interpolant for the requested times (torchdiffeq's and
    /// SciPy's `dopri5`/`RK45`). Six evaluations per step attempt, plus two to start.
    case dopri5
    /// The classical fourth-order Runge–Kutta method with a fixed step: each interval
    /// between consecutive requested times is divided into the fewest equal steps no
    /// longer than `step`. Four evaluations per step.
    case rungeKutta4(step: Scalar)
    /// The explicit Euler method with a fixed step, dividing intervals as
    /// ``rungeKutta4(step:)`` does. One evaluation per step.
    case euler(step: Scalar)
}

/// How `odeint` differentiates its solution.
public enum ODEGradient: Sendable, Equatable {
    /// The adjoint method (Chen et al. 2018): the backward pass solves the augmented
    /// system [y, a = ∂L/∂y, ∂L/∂θ] from the last time to the first with the same method
    /// and tolerances, taking the dynamics' vector-Jacobian products by reverse mode on a
    /// fresh recording per evaluation. Memory does not grow with the number of steps; the
    /// gradient is that of the exact ODE solution up to the backward solve's tolerance.
    case adjoint
    /// Every solver step is recorded on the tape: the exact gradient of the discrete
    /// solver, at memory proportional to the number of steps.
    case backpropagation
}

/// Counters of one `odeint` call, filled in as it runs (torchdiffeq users read `nfe`).
///
/// Pass one in `statistics:`; the forward counters are set when `odeint` returns, the
/// adjoint counters when the backward pass through its result has run (`.adjoint` only).
/// Read it on the thread that ran the solve and the backward pass.
public final class ODEStatistics {
    /// Evaluations of the dynamics by the forward solve.
    public internal(set) var forwardEvaluations = 0
    /// Accepted steps of the forward solve.
    public internal(set) var forwardSteps = 0
    /// Rejected step attempts of the forward solve (always 0 for fixed-step methods).
    public internal(set) var forwardRejectedSteps = 0
    /// Evaluations of the augmented dynamics by the adjoint backward solve (each one an
    /// evaluation of the dynamics and a vector-Jacobian product); 0 until it has run.
    public internal(set) var adjointEvaluations = 0
    /// Accepted steps of the adjoint backward solve.
    public internal(set) var adjointSteps = 0
    /// Rejected step attempts of the adjoint backward solve.
    public internal(set) var adjointRejectedSteps = 0

    /// Makes zeroed counters.
    public init() {}

    /// Sets the forward counters and clears the adjoint ones (a new solve).
    @usableFromInline func recordForward(evaluations: Int, steps: Int, rejected: Int) {
        forwardEvaluations = evaluations
        forwardSteps = steps
        forwardRejectedSteps = rejected
        adjointEvaluations = 0
        adjointSteps = 0
        adjointRejectedSteps = 0
    }

    /// Sets the adjoint counters (the backward solve has run).
    @usableFromInline func recordAdjoint(evaluations: Int, steps: Int, rejected: Int) {
        adjointEvaluations = evaluations
        adjointSteps = steps
        adjointRejectedSteps = rejected
    }

    /// Forward plus adjoint evaluations (torchdiffeq's total `nfe`).
    public var totalEvaluations: Int { forwardEvaluations + adjointEvaluations }
}

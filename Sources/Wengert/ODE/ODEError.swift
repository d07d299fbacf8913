// The ways a solve can fail on valid input: the dynamics produce a non-finite value,
// the step size underflows, or the step budget runs out. `solveODE` throws them;
// `odeint` (and the adjoint's backward solve, which cannot throw) stops with their
// description. Wrong input (times not monotonic, shapes) is a programmer error and traps.

/// Why an ODE solve stopped before the last requested time.
public enum ODEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The state or the dynamics' result held a NaN or an infinity.
    /// `what` is "state" or "derivative"; `step` counts step attempts from 1.
    case nonFinite(what: String, time: Double, step: Int)
    /// The adaptive step became too small to move the time (|h| below the spacing of
    /// floating-point numbers at `time`): the problem is stiff or singular there.
    case stepSizeUnderflow(time: Double, stepSize: Double)
    /// More than `maximumSteps` step attempts were needed; `time` is how far the solve got.
    case stepBudgetExceeded(maximumSteps: Int, time: Double)

    /// A sentence naming what went wrong, where, and what to try.
    public var description: String {
        switch self {
        case .nonFinite(let what, let time, let step):
            return "odeint: non-finite \(what) at time \(time) (step attempt \(step)); "
                + "the dynamics overflowed or produced NaN there."
        case .stepSizeUnderflow(let time, let stepSize):
            return "odeint: step size underflow at time \(time) (step \(stepSize)); "
                + "the problem may be stiff or singular there, or the tolerances too tight for the scalar type."
        case .stepBudgetExceeded(let maximumSteps, let time):
            return "odeint: more than \(maximumSteps) step attempts needed; reached time \(time). "
                + "Raise maximumSteps or loosen the tolerances."
        }
    }
}

import Wengert

/// What one call of a mode computes, kept once (outside the timing) to check it.
enum ModeOutput {
    /// f(x) of a scalar objective.
    case value(Double)
    /// f(x) of a vector objective.
    case values([Double])
    /// ∇f(x).
    case gradient([Double])
    /// ⟨∇f(x), v⟩ for the direction `checkDirection(count:)`.
    case directionalDerivative(Double)
    /// ∂fᵢ/∂xⱼ, m rows of n.
    case jacobian([[Double]])
    /// H(x)·v for the direction `checkDirection(count:)`.
    case hessianVectorProduct([Double])
    /// ∇²f(x), n rows of n.
    case hessian([[Double]])
    /// A training loop's final parameters and loss, checked by the loop against its
    /// Double reference.
    case trained([Double])
    /// A result the mode checked against its objective itself: nil when right,
    /// otherwise what is wrong.
    case selfChecked(String?)
}

/// A mode ready to run on one objective: the closure to time, and facts about it.
struct PreparedRun {
    /// One call: computes the mode's result and feeds it to `sink`.
    var run: () -> Void
    /// One call whose result is returned, for the check before timing.
    var output: () -> ModeOutput
    /// Whether the result is exact to rounding (false for finite differences), which
    /// sets the tolerance of the check.
    var isExact: Bool = true
    /// Relative tolerance of the directional check: 1e-5 for `Double` arithmetic, looser
    /// for modes that compute in `Float`.
    var precision: Double = 1e-5
    /// Tape entries recorded by one call, where the mode reports them.
    var tapeEntries: Int? = nil
    /// Bytes of tape memory held by one call, where the mode reports them.
    var tapeBytes: Int? = nil
    /// Bytes read and written by one call, for a throughput figure (GB/s).
    var bytesMoved: Int? = nil
    /// Floating-point operations of one call, for a rate (GFLOP/s).
    var floatingPointOperations: Int? = nil
}

/// A way of computing a function or its derivatives: a name and how to prepare a run.
///
/// Modes are values in a list, so adding one is one file (an `extension Mode` with a
/// `static let`) and one entry in `Mode.all`.
struct Mode: Sendable {
    /// The name used on the command line and in the output.
    var name: String
    /// One line: what it computes and how.
    var summary: String
    /// Inputs above which the mode is skipped: modes whose cost grows as n² would take
    /// minutes on the largest sizes.
    var maximumInputs: Int = .max
    /// Builds a run for an objective, or nil when the mode does not apply to it. It runs
    /// before `maximumInputs` is checked, so a mode with a limit must prepare cheaply.
    var prepare: @Sendable (Objective) -> PreparedRun?

    /// Every mode, in display order. `plain` must stay first: ratios are taken to it.
    static let all: [Mode] = [
        .plain, .dualDirectional, .dualLoop, .forward, .record, .reverse, .replay, .replayVectorized, .batchOneThread, .batchAllThreads,
        .swiftAutodiff,
        .finiteDifferences, .hessianVectorProduct, .hessian, .tensorBackward, .trainStep, .autograd, .fused, .kernel,
    ]

    /// The mode with the given name, if any.
    static func named(_ name: String) -> Mode? { all.first { $0.name == name } }
}

/// The fixed unit direction used by directional checks and by `dual-jvp`: entries from
/// a seeded generator, normalised so that ‖v‖ = 1.
func checkDirection(count: Int) -> [Double] {
    let v = deterministicInput(count: count, lower: -1, upper: 1, seed: 2024)
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? v.map { $0 / norm } : v
}

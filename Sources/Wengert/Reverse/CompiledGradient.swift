// A gradient recorded once and replayed at every later point: the reverse-mode
// analogue of ReverseDiff.jl's `compile(GradientTape(f, x))`. The validity conditions
// are those of `Tape.replay(at:)`.

/// The gradient of a function recorded once, evaluated at new points by replay.
///
/// ```swift
/// let g = CompiledGradient(of: rosenbrock, at: [0.5, 0.6, 0.7])
/// g.gradient(at: [1.0, 1.0, 1.0])          // no new recording
/// ```
///
/// Valid for functions without data-dependent control flow; a comparison between
/// variables that comes out differently at the new point stops with a message (record
/// a new `CompiledGradient` there). It owns its tape: use one per thread.
///
/// - Complexity: `init` records f once; each evaluation is one forward replay and one
///   sweep over the recording, with no allocation but the result.
public struct CompiledGradient<T: DifferentiableScalar> {
    @usableFromInline let tape: Tape<T>
    @usableFromInline let output: Var<T>

    /// Records `f` at `x`. `elementaryFunctions: .vectorized` replays the elementary
    /// functions in batches through the vector kernels: faster where f has many of them,
    /// within the kernels' ulp bounds of a fresh recording rather than bit for bit
    /// (`ReplayElementaryFunctions`).
    ///
    /// - Complexity: one evaluation of f on tape variables; with `.vectorized`, the
    ///   first evaluation also sorts the recording's entries once (8 bytes each kept).
    @inlinable
    public init(of f: ([Var<T>]) -> Var<T>, at x: [T], elementaryFunctions: ReplayElementaryFunctions = .exact) {
        tape = Tape<T>()
        tape.replayElementaryFunctions = elementaryFunctions
        output = f(tape.recordInputs(x))
        tape.check(output, "function's result")
    }

    /// The number of inputs the recording takes.
    public var inputCount: Int { tape.inputCount }
    /// Entries in the recording (inputs included).
    public var entryCount: Int { tape.entryCount }

    /// f(x) and ∇f(x) by replay. Traps if x has the wrong length or a recorded branch flips.
    ///
    /// - Complexity: O(entries).
    @inlinable
    public func valueWithGradient(at x: [T]) -> (value: T, gradient: [T]) {
        tape.replay(at: x)
        return (tape.value(of: output), tape.inputGradient(of: output, count: x.count))
    }

    /// ∇f(x) by replay.
    ///
    /// - Complexity: O(entries).
    @inlinable
    public func gradient(at x: [T]) -> [T] { valueWithGradient(at: x).gradient }
}

// The convenience entry points of reverse mode: record the function once on a pooled
// tape, sweep, read the inputs' adjoints. Inputs are the first n entries after the
// null slot, so their adjoints are `adj[1...n]`.

/// Namespace for the reverse-mode functions whose names forward mode also uses.
public enum Reverse {}

extension Tape {
    /// Records `x` as the inputs of a fresh recording into `inputScratch` (reused, so
    /// no allocation once it has grown) and returns them.
    @inlinable
    func recordInputs(_ x: [T]) -> [Var<T>] {
        let n = x.count
        if inputScratch.count != n {
            inputScratch.removeAll(keepingCapacity: true)
            inputScratch.append(contentsOf: repeatElement(Var(constant: 0), count: n))
        }
        // Filled in place through one buffer pointer rather than by `append` (a
        // uniqueness and capacity check per element: about 47 instructions per input).
        // One look for a monitor (which is told of each input) for all n inputs.
        let monitored = tapeMonitorIsInstalled
        inputScratch.withUnsafeMutableBufferPointer { buffer in
            x.withUnsafeBufferPointer { values in
                if _slowPath(monitored) {
                    for k in 0..<n { buffer[k] = variable(values[k]) }
                } else {
                    for k in 0..<n { buffer[k] = appendInput(values[k]) }
                }
            }
        }
        return inputScratch
    }

    /// Checks that `y` belongs to this recording, seeds its adjoint with 1, sweeps back
    /// and writes the adjoints of the inputs (slots 1...out.count, recorded first by
    /// `recordInputs`) to `out`, leaving the adjoint buffer clear (`inputSweep`).
    @inlinable
    func inputGradient(of y: Var<T>, into out: UnsafeMutableBufferPointer<T>) {
        takeInputAdjoints(sweptInputAdjoints(of: y, inputs: out.count), into: out)
    }

    /// `inputGradient(of:into:)` with an adjoint buffer of the caller's, zero on the
    /// recording's entries, which it leaves zero (unless a monitor swept): several
    /// threads may sweep one recording at once, each with its own buffer.
    @inlinable
    func inputGradient(
        of y: Var<T>, adjoints adj: UnsafeMutablePointer<T>, into out: UnsafeMutableBufferPointer<T>, skippingZeros: Bool = false
    ) {
        seedAndSweep(adj, from: y, inputs: out.count, skippingZeros: skippingZeros)
        takeInputAdjoints(adj, into: out)
    }

    /// `inputGradient(of:into:)` into a new array of the n inputs' adjoints.
    @inlinable
    func inputGradient(of y: Var<T>, count n: Int, skippingZeros: Bool = false) -> [T] {
        let adj = sweptInputAdjoints(of: y, inputs: n, skippingZeros: skippingZeros)
        // Copied from the buffer rather than written into
        // `Array(unsafeUninitializedCapacity:)`, which allocates through a generic
        // function of the standard library that looks the storage class up at run time
        // (about 430 instructions a call, callgrind); this allocates with code
        // specialised here.
        let gradient = Array(UnsafeBufferPointer(start: adj + 1, count: n))
        adj.update(repeating: 0, count: n &+ 1)
        return gradient
    }

    /// The tape's adjoint buffer after sweeping from `y` (checked to belong to this
    /// recording) with seed 1 down to the n inputs: their adjoints are slots 1...n, and
    /// every other slot is zero again (`inputSweep`).
    @inlinable
    func sweptInputAdjoints(of y: Var<T>, inputs n: Int, skippingZeros: Bool = false) -> UnsafeMutablePointer<T> {
        check(y, "function's result")
        let adj = clearAdjoints(count: Int(header.pointee.count))
        seedAndSweep(adj, from: y, inputs: n, skippingZeros: skippingZeros)
        return adj
    }

    /// Seeds `y`'s adjoint in `adj` with 1 and sweeps down to the n inputs
    /// (`inputSweep`, which says when to skip zeros).
    @inlinable @inline(__always)
    func seedAndSweep(_ adj: UnsafeMutablePointer<T>, from y: Var<T>, inputs n: Int, skippingZeros: Bool = false) {
        if y.slot != 0 {
            adj[Int(y.slot)] = 1
            inputSweep(adj, from: y.slot, inputs: n, skippingZeros: skippingZeros)
        }
    }
}

/// The value of f at x and its gradient ∇f(x), by reverse mode.
///
/// ```swift
/// let (value, gradient) = valueWithGradient(of: rosenbrock, at: [0.5, 0.6, 0.7])
/// ```
///
/// - Complexity: one recording of f (O(operations) entries on a per-thread tape that is
///   reused across calls) and one backward sweep: a small constant times the cost of f,
///   independent of n. Steady state allocates only the returned array.
@inlinable
public func valueWithGradient<T: DifferentiableScalar>(
    of f: ([Var<T>]) -> Var<T>, at x: [T]
) -> (value: T, gradient: [T]) {
    let tape = ReverseTapePool.take(T.self)
    defer { ReverseTapePool.giveBack(tape) }
    let y = f(tape.recordInputs(x))
    return (y.value, tape.inputGradient(of: y, count: x.count))
}

/// The gradient ∇f(x) of f: ℝⁿ → ℝ, by reverse mode.
///
/// ```swift
/// gradient(of: { x in x[0] * x[1] + sin(x[0]) }, at: [3.0, 4.0])   // [4 + cos 3, 3]
/// ```
///
/// - Complexity: as `valueWithGradient(of:at:)`.
///
/// See <doc:Modes>.
@inlinable
public func gradient<T: DifferentiableScalar>(of f: ([Var<T>]) -> Var<T>, at x: [T]) -> [T] {
    valueWithGradient(of: f, at: x).gradient
}

/// Writes ∇f(x) into `gradient` and returns f(x): the allocation-free form of
/// `valueWithGradient(of:at:)` for loops that take many gradients (an optimiser, a
/// sampler). The tape comes from the calling thread's pool and keeps its memory, so
/// once `gradient` has its length and the tape has grown to f's size, a call allocates
/// nothing (unless f itself does).
///
/// ```swift
/// var g = [Double](repeating: 0, count: x.count)
/// for _ in 0..<steps {
///     gradient(of: f, at: x, into: &g)
///     for i in x.indices { x[i] -= 0.01 * g[i] }
/// }
/// ```
///
/// Traps when `gradient` does not have one element per element of x.
///
/// - Complexity: as `valueWithGradient(of:at:)`; no allocation in steady state.
@inlinable @discardableResult
public func gradient<T: DifferentiableScalar>(
    of f: ([Var<T>]) -> Var<T>, at x: [T], into gradient: inout [T]
) -> T {
    if gradient.count != x.count {
        lengthMismatch("gradient(of:at:into:)", "point (x)", x.count, "gradient buffer (into)", gradient.count)
    }
    let tape = ReverseTapePool.take(T.self)
    defer { ReverseTapePool.giveBack(tape) }
    let y = f(tape.recordInputs(x))
    gradient.withUnsafeMutableBufferPointer { buffer in tape.inputGradient(of: y, into: buffer) }
    return y.value
}

extension Reverse {
    /// The Jacobian of f: ℝⁿ → ℝᵐ at x, m rows of n: one recording, m backward sweeps.
    ///
    /// - Complexity: one recording of f and m sweeps, each O(entries); prefer
    ///   `Forward.jacobian` when n is much smaller than m.
    @inlinable
    public static func jacobian<T: DifferentiableScalar>(
        of f: ([Var<T>]) -> [Var<T>], at x: [T]
    ) -> [[T]] {
        let tape = ReverseTapePool.take(T.self)
        defer { ReverseTapePool.giveBack(tape) }
        let ys = f(tape.recordInputs(x))
        for y in ys { tape.check(y, "function's result") }
        // A row's sweep meets mostly zero adjoints: an output depends on a part of the
        // recording.
        return ys.map { y in tape.inputGradient(of: y, count: x.count, skippingZeros: true) }
    }

    /// The vector-Jacobian product: f(x) and uᵀJ(x) for f: ℝⁿ → ℝᵐ and u ∈ ℝᵐ, by one
    /// recording and one sweep seeded with u.
    ///
    /// Traps when u does not have one element per output of f, or is not finite.
    ///
    /// - Complexity: one recording of f and one sweep; a small constant times f.
    @inlinable
    public static func vjp<T: DifferentiableScalar>(
        of f: ([Var<T>]) -> [Var<T>], at x: [T], along u: [T]
    ) -> (value: [T], cotangent: [T]) {
        let tape = ReverseTapePool.take(T.self)
        defer { ReverseTapePool.giveBack(tape) }
        let ys = f(tape.recordInputs(x))
        if ys.count != u.count { lengthMismatch("Reverse.vjp", "outputs of f", ys.count, "along (u)", u.count) }
        for (y, w) in zip(ys, u) {
            tape.check(y, "function's result")
            tape.checkSeed(w)
        }
        let adj = tape.clearAdjoints(count: Int(tape.header.pointee.count))
        var top: UInt32 = 0
        for (y, w) in zip(ys, u) where y.slot != 0 {
            adj[Int(y.slot)] += w
            top = Swift.max(top, y.slot)
        }
        tape.inputSweep(adj, from: top, inputs: x.count)
        let cotangent = [T](unsafeUninitializedCapacity: x.count) { buffer, initialized in
            tape.takeInputAdjoints(adj, into: buffer)
            initialized = x.count
        }
        return (ys.map(\.value), cotangent)
    }
}

@usableFromInline @inline(never)
func lengthMismatch(_ function: StaticString, _ what: StaticString, _ n: Int,
                    _ other: StaticString, _ m: Int) -> Never {
    fatalError("Wengert: \(function): the \(what) has \(n) elements but \(other) has \(m); they must match.")
}

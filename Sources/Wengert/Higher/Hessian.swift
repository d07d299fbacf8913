// Second derivatives by forward over reverse (Pearlmutter 1994, "Fast exact
// multiplication by the Hessian"; Griewank & Walther ch. 5): record f on a tape of
// duals, `Var<Dual<T>>`, with the inputs' derivative parts set to v. The sweep's
// adjoints are then duals too: their values are ∇f(x) and their derivatives
// d/dε ∇f(x + εv) = H(x)·v. A full Hessian is n such products, one per basis vector.

/// The Hessian-vector product H(x)·v of f: ℝⁿ → ℝ, exactly, without forming H.
///
/// ```swift
/// hessianVectorProduct(of: rosenbrock, at: [0.5, 0.6, 0.7], along: [1, 0, 0])
/// ```
///
/// Traps when v does not have one element per element of x, or is not finite.
///
/// - Complexity: one recording of f on dual numbers and one sweep: a small constant
///   (about 2 to 4) times the cost of a gradient.
@inlinable
public func hessianVectorProduct<T: DifferentiableScalar>(
    of f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T], along v: [T]
) -> [T] {
    if x.count != v.count { lengthMismatch("hessianVectorProduct", "point (x)", x.count, "direction (along)", v.count) }
    for w in v where !w.doubleValue.isFinite { nonFiniteSeed(w.doubleValue) }
    let tape = ReverseTapePool.take(Dual<T>.self)
    defer { ReverseTapePool.giveBack(tape) }
    return hessianColumn(tape, f, x, v, tag: PerturbationTag.fresh())
}

/// The Hessian ∇²f(x) of f: ℝⁿ → ℝ, n rows of n, by n Hessian-vector products along
/// the basis vectors. Row i is ∂(∇f)/∂xᵢ; for a twice continuously differentiable f the
/// matrix is symmetric up to rounding.
///
/// ```swift
/// hessian(of: { x in x[0] * x[0] * x[1] }, at: [1.0, 2.0])   // [[4, 2], [2, 0]]
/// ```
///
/// - Complexity: n recordings and n sweeps on dual numbers: O(n · cost of f); memory
///   O(operations of f) for the tape, reused across the n products, and O(n²) for H.
///
/// See <doc:Modes>.
@inlinable
public func hessian<T: DifferentiableScalar>(
    of f: ([Var<Dual<T>>]) -> Var<Dual<T>>, at x: [T]
) -> [[T]] {
    let tape = ReverseTapePool.take(Dual<T>.self)
    defer { ReverseTapePool.giveBack(tape) }
    let tag = PerturbationTag.fresh()
    var basis = [T](repeating: 0, count: x.count)
    var rows: [[T]] = []
    rows.reserveCapacity(x.count)
    for i in 0..<x.count {
        basis[i] = 1
        rows.append(hessianColumn(tape, f, x, basis, tag: tag))
        basis[i] = 0
        tape.reset()
    }
    return rows
}

/// One product H(x)·v on `tape`, which is left holding the recording.
@inlinable
func hessianColumn<T: DifferentiableScalar>(
    _ tape: Tape<Dual<T>>, _ f: ([Var<Dual<T>>]) -> Var<Dual<T>>, _ x: [T], _ v: [T], tag: PerturbationTag
) -> [T] {
    var inputs: [Var<Dual<T>>] = []
    swap(&inputs, &tape.inputScratch)
    inputs.removeAll(keepingCapacity: true)
    for (xi, vi) in zip(x, v) { inputs.append(tape.variable(Dual(xi, derivative: vi, tag: tag))) }
    tape.inputScratch = inputs
    let y = f(inputs)
    tape.check(y, "function's result")
    let adj = tape.zeroedAdjoints(count: Int(tape.header.pointee.count))
    if y.slot != 0 {
        adj[Int(y.slot)] = 1
        tape.sweep(adj, from: y.slot)
    }
    return [T](unsafeUninitializedCapacity: x.count) { buffer, initialized in
        for i in 0..<x.count { buffer[i] = adj[i + 1].derivative }
        initialized = x.count
    }
}

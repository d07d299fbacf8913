// The derivative of a curve: a function from one number to several (ForwardDiff's
// derivative accepts array outputs), by the same single forward sweep.

/// The derivatives f′(x) of a function from one number to an array, by one forward sweep
/// (every output's derivative at once):
///
/// ```swift
/// derivative(of: { t in [cos(t), sin(t), t * t] }, at: 0.0)   // [0, 1, 0]
/// ```
///
/// Tags and nesting are as for the scalar `derivative(of:at:)`. Disfavoured, so that a
/// closure that could be read either way (`{ y in x + y }`) keeps the scalar meaning.
/// - Complexity: one evaluation of `f` on duals.
@inlinable @_disfavoredOverload
public func derivative<T: DifferentiableScalar>(of f: (Dual<T>) -> [Dual<T>], at x: T) -> [T] {
    valueWithDerivative(of: f, at: x).derivative
}

/// The values f(x) and derivatives f′(x) of a function from one number to an array.
/// - Complexity: one evaluation of `f` on duals.
@inlinable @_disfavoredOverload
public func valueWithDerivative<T: DifferentiableScalar>(
    of f: (Dual<T>) -> [Dual<T>], at x: T
) -> (value: [T], derivative: [T]) {
    let tag = PerturbationTag.fresh()
    let ys = f(Dual(x, derivative: 1, tag: tag))
    for y in ys { tag.checkResult(y.tag, of: "derivative(of:at:)") }
    return (ys.map(\.value), ys.map(\.derivative))
}

// Every entry point, taking a function value. The ℝ → ℝ forms are disfavoured: a closure
// never conforms, yet their presence made the nested-derivative example in
// NestedDerivativeTests ambiguous. Each forwards to the closure form with the
// value's generic callAsFunction specialised to that mode's scalar type, so the cost is
// the closure form's.

/// ∇f(x) by reverse mode (see `gradient(of:at:)` for closures).
/// - Complexity: one recording and one sweep.
@inlinable public func gradient<T: DifferentiableScalar>(of f: some DifferentiableFunction, at x: [T]) -> [T] {
    gradient(of: { (v: [Var<T>]) in f(v) }, at: x)
}

/// f(x) and ∇f(x) by reverse mode.
/// - Complexity: one recording and one sweep.
@inlinable public func valueWithGradient<T: DifferentiableScalar>(
    of f: some DifferentiableFunction, at x: [T]
) -> (value: T, gradient: [T]) {
    valueWithGradient(of: { (v: [Var<T>]) in f(v) }, at: x)
}

/// The Hessian of f by forward over reverse.
/// - Complexity: n recordings and sweeps on dual numbers.
@inlinable public func hessian<T: DifferentiableScalar>(of f: some DifferentiableFunction, at x: [T]) -> [[T]] {
    hessian(of: { (v: [Var<Dual<T>>]) in f(v) }, at: x)
}

/// ∇²f(x)·v by forward over reverse.
/// - Complexity: one recording and one sweep on dual numbers.
@inlinable public func hessianVectorProduct<T: DifferentiableScalar>(
    of f: some DifferentiableFunction, at x: [T], along v: [T]
) -> [T] {
    hessianVectorProduct(of: { (w: [Var<Dual<T>>]) in f(w) }, at: x, along: v)
}

/// Checks f's gradient in every mode against finite differences (see the closure form).
/// - Complexity: as the closure form.
public func gradientCheck<T: DifferentiableScalar>(
    of f: some DifferentiableFunction, at x: [T],
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    gradientCheck(
        of: { (v: [Var<Dual<T>>]) in f(v) }, at: x, epsilon: epsilon, absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance)
}

/// Checks f's Hessian against differences of reverse-mode gradients (see the closure form).
/// - Complexity: as the closure form.
public func hessianCheck<T: DifferentiableScalar>(
    of f: some DifferentiableFunction, at x: [T], along directions: [[T]]? = nil,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    hessianCheck(
        of: { (v: [Var<Dual<T>>]) in f(v) }, at: x, along: directions, epsilon: epsilon,
        absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
}

/// f′(x) by forward mode.
/// - Complexity: one evaluation on duals.
@inlinable @_disfavoredOverload public func derivative<T: DifferentiableScalar>(of f: some DifferentiableScalarFunction, at x: T) -> T {
    derivative(of: { (d: Dual<T>) in f(d) }, at: x)
}

/// f(x) and f′(x) by forward mode.
/// - Complexity: one evaluation on duals.
@inlinable @_disfavoredOverload public func valueWithDerivative<T: DifferentiableScalar>(
    of f: some DifferentiableScalarFunction, at x: T
) -> (value: T, derivative: T) {
    valueWithDerivative(of: { (d: Dual<T>) in f(d) }, at: x)
}

/// Checks f′ in every mode against finite differences.
/// - Complexity: as the closure form.
public func gradientCheck<T: DifferentiableScalar>(
    of f: some DifferentiableScalarFunction, at x: T,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    gradientCheck(
        of: { (v: Var<Dual<T>>) in f(v) }, at: x, epsilon: epsilon, absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance)
}

/// Checks f's Jacobian in reverse and forward mode against finite differences.
/// - Complexity: as the closure form.
public func jacobianCheck<T: DifferentiableScalar>(
    of f: some DifferentiableVectorFunction, at x: [T],
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    jacobianCheck(
        of: { (v: [Var<Dual<T>>]) in f(v) }, at: x, epsilon: epsilon, absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance)
}

extension Forward {
    /// ∇f(x) by chunked forward mode (8 lanes).
    /// - Complexity: ⌈n / 8⌉ evaluations on 8-lane duals.
    @inlinable public static func gradient<T>(of f: some DifferentiableFunction, at x: [T]) -> [T]
    where T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar {
        gradient(of: { (v: [MultiDual<SIMD8<T>>]) in f(v) }, at: x)
    }

    /// The Jacobian of f by chunked forward mode (8 lanes), m rows of n.
    /// - Complexity: ⌈n / 8⌉ evaluations on 8-lane duals.
    @inlinable public static func jacobian<T>(of f: some DifferentiableVectorFunction, at x: [T]) -> [[T]]
    where T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar {
        jacobian(of: { (v: [MultiDual<SIMD8<T>>]) in f(v) }, at: x)
    }
}

extension Reverse {
    /// The Jacobian of f by reverse mode, m rows of n.
    /// - Complexity: one recording and m sweeps.
    @inlinable public static func jacobian<T: DifferentiableScalar>(of f: some DifferentiableVectorFunction, at x: [T]) -> [[T]] {
        jacobian(of: { (v: [Var<T>]) in f(v) }, at: x)
    }
}

extension FiniteDifferences {
    /// ∇f(x) by central differences.
    /// - Complexity: 2n evaluations of f.
    public static func gradient<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: some DifferentiableFunction, at x: [T]
    ) -> [T] {
        gradient(of: { (v: [T]) in f(v) }, at: x)
    }

    /// f′(x) by central differences.
    /// - Complexity: two evaluations of f (more with extrapolation).
    public static func derivative<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: some DifferentiableScalarFunction, at x: T
    ) -> T {
        derivative(of: { (v: T) in f(v) }, at: x)
    }

    /// The Jacobian of f by central differences.
    /// - Complexity: 2n evaluations of f.
    public static func jacobian<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: some DifferentiableVectorFunction, at x: [T]
    ) -> [[T]] {
        jacobian(of: { (v: [T]) in f(v) }, at: x)
    }
}

// A generic Swift function cannot be passed as a value: `rosenbrock` passed to
// `gradient(of:at:)` is specialised to `Var<Double>` there, so a catalogue of functions
// has to name each one once per mode. A type with one generic `callAsFunction` is a
// value that every mode can specialise itself: write the function once as a struct and
// hand the same value to every entry point (DifferentiableFunction+Modes.swift).

/// A function ℝⁿ → ℝ written once, generically, as a value every mode accepts:
///
/// ```swift
/// struct Rosenbrock: DifferentiableFunction {
///     func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
///         var s: T = 0
///         for i in 0..<(x.count - 1) {
///             let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
///             s += 100 * a * a + b * b
///         }
///         return s
///     }
/// }
/// let catalogue: [any DifferentiableFunction] = [Rosenbrock(), ...]
/// for f in catalogue {
///     gradient(of: f, at: x); Forward.gradient(of: f, at: x); hessian(of: f, at: x)
///     gradientCheck(of: f, at: x).passed
/// }
/// ```
public protocol DifferentiableFunction {
    /// f(x), on any differentiable scalar type.
    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T
}

/// A function ℝ → ℝ written once, generically, as a value that `derivative`,
/// `valueWithDerivative`, `gradientCheck` and `FiniteDifferences.derivative` accept.
public protocol DifferentiableScalarFunction {
    /// f(x), on any differentiable scalar type.
    func callAsFunction<T: DifferentiableScalar>(_ x: T) -> T
}

/// A function ℝⁿ → ℝᵐ written once, generically, as a value that `Forward.jacobian`,
/// `Reverse.jacobian`, `jacobianCheck` and `FiniteDifferences.jacobian` accept.
public protocol DifferentiableVectorFunction {
    /// f(x), on any differentiable scalar type; the same number of outputs every call.
    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> [T]
}

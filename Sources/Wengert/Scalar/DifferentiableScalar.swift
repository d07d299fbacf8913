/// A number that every differentiation mode of Wengert can compute with.
///
/// Write a numeric function once, generic over `DifferentiableScalar`, and run it on
/// plain numbers (`Float`, `Double`), forward-mode duals (`Dual`, `MultiDual`),
/// reverse-mode tape variables (`Var`) or their nestings (`Var<Dual<Double>>` for
/// Hessians):
///
/// ```swift
/// func rosenbrock<T: DifferentiableScalar>(_ x: [T]) -> T {
///     var s: T = 0
///     for i in 0..<(x.count - 1) {
///         let a = x[i + 1] - x[i] * x[i]
///         let b = 1 - x[i]
///         s += 100 * a * a + b * b
///     }
///     return s
/// }
/// ```
///
/// Conforming types provide arithmetic (through `SignedNumeric`), literals, `init(_:)`
/// from `Double` and `Int` to lift run-time constants (`T(0.5 * gamma)`), comparison by
/// primal value, and the elementary functions as static requirements. The free functions
/// `sin(_:)`, `exp(_:)`, … in this module forward to those requirements, so generic code
/// reads like ordinary mathematics.
///
/// Comparison looks at primal values only: `x < y` for duals or tape variables compares
/// their values, never their derivatives. A branch on such a comparison is a
/// data-dependent branch; reverse-mode replay detects when a replayed input would take
/// the other side (see `Tape.replay(at:)`).
public protocol DifferentiableScalar: SignedNumeric, Comparable, ExpressibleByFloatLiteral,
    CustomStringConvertible where Magnitude == Self
{
    /// Lifts a run-time `Double` constant; it carries no derivative.
    init(_ value: Double)
    /// Lifts a run-time `Int` constant; it carries no derivative.
    init(_ value: Int)

    /// The quotient `lhs / rhs`.
    static func / (lhs: Self, rhs: Self) -> Self
    /// Divides `lhs` by `rhs` in place.
    static func /= (lhs: inout Self, rhs: Self)

    /// The primal value as a `Double`, for printing, checks and tolerances.
    /// Duals and tape variables return the value of their innermost plain number.
    var doubleValue: Double { get }

    /// sin(x).
    static func sin(_ x: Self) -> Self
    /// cos(x).
    static func cos(_ x: Self) -> Self
    /// tan(x).
    static func tan(_ x: Self) -> Self
    /// asin(x), defined on [-1, 1].
    static func asin(_ x: Self) -> Self
    /// acos(x), defined on [-1, 1].
    static func acos(_ x: Self) -> Self
    /// atan(x).
    static func atan(_ x: Self) -> Self
    /// atan2(y, x): the angle of the point (x, y), in (-π, π].
    static func atan2(_ y: Self, _ x: Self) -> Self
    /// sinh(x).
    static func sinh(_ x: Self) -> Self
    /// cosh(x).
    static func cosh(_ x: Self) -> Self
    /// tanh(x).
    static func tanh(_ x: Self) -> Self
    /// eˣ.
    static func exp(_ x: Self) -> Self
    /// eˣ - 1, accurate for small x.
    static func expm1(_ x: Self) -> Self
    /// The natural logarithm.
    static func log(_ x: Self) -> Self
    /// log(1 + x), accurate for small x.
    static func log1p(_ x: Self) -> Self
    /// The base-2 logarithm.
    static func log2(_ x: Self) -> Self
    /// The base-10 logarithm.
    static func log10(_ x: Self) -> Self
    /// xʸ.
    static func pow(_ x: Self, _ y: Self) -> Self
    /// The square root.
    static func sqrt(_ x: Self) -> Self
    /// The cube root, defined for negative x too.
    static func cbrt(_ x: Self) -> Self
    /// √(x² + y²) without undue overflow.
    static func hypot(_ x: Self, _ y: Self) -> Self
    /// |x|.
    static func abs(_ x: Self) -> Self
    /// The smaller of x and y (x when they are equal).
    static func min(_ x: Self, _ y: Self) -> Self
    /// The larger of x and y (x when they are equal).
    static func max(_ x: Self, _ y: Self) -> Self
    /// The error function.
    static func erf(_ x: Self) -> Self
    /// The logistic function 1 / (1 + e⁻ˣ).
    static func sigmoid(_ x: Self) -> Self
    /// log(1 + eˣ), computed without overflow for large x.
    static func softplus(_ x: Self) -> Self
    /// max(x, 0).
    static func relu(_ x: Self) -> Self
    /// x · y + z, rounded as `x * y + z` (not fused). A tape records a running sum of
    /// products written with it as one entry per term instead of two (`Var.multiplyAdd`).
    static func multiplyAdd(_ x: Self, _ y: Self, _ z: Self) -> Self
    /// z + x[0] · y[0] + x[1] · y[1] + …, the running sum `s = multiplyAdd(x[j], y[j], s)`
    /// from s = z, term by term in order (so with the same roundings); what `dot` calls.
    /// The default is that loop; `Var` records the run at once (Scalar/DotProduct.swift).
    /// `x` and `y` have the same count.
    static func sumOfProducts(_ x: UnsafeBufferPointer<Self>, _ y: UnsafeBufferPointer<Self>, adding z: Self) -> Self
}

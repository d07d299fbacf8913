// The elementary functions on tape variables: each records one entry whose partials
// come from the rule table (ReverseRules.swift). `sigmoid`, `softplus` and `relu`
// replace the protocol's compositions with one entry each, and record no branch guard.

extension Var: DifferentiableScalar {
    /// A constant.
    @inlinable public init(_ value: Double) { self.init(constant: T(value)) }
    /// A constant.
    @inlinable public init(_ value: Int) { self.init(constant: T(value)) }

    /// The innermost primal value as a `Double`.
    @inlinable public var doubleValue: Double { value.doubleValue }

    /// sin, with derivative cos.
    @inlinable public static func sin(_ x: Var) -> Var { recordUnary(.sin, x) }
    /// cos, with derivative -sin.
    @inlinable public static func cos(_ x: Var) -> Var { recordUnary(.cos, x) }
    /// tan, with derivative 1 + tan².
    @inlinable public static func tan(_ x: Var) -> Var { recordUnary(.tan, x) }
    /// asin, with derivative 1/√(1 - x²) (+∞ at ±1).
    @inlinable public static func asin(_ x: Var) -> Var { recordUnary(.asin, x) }
    /// acos, with derivative -1/√(1 - x²) (-∞ at ±1).
    @inlinable public static func acos(_ x: Var) -> Var { recordUnary(.acos, x) }
    /// atan, with derivative 1/(1 + x²).
    @inlinable public static func atan(_ x: Var) -> Var { recordUnary(.atan, x) }
    /// atan2(y, x), with partials x/r² in y and -y/r² in x; both 0 at the origin.
    @inlinable public static func atan2(_ y: Var, _ x: Var) -> Var { recordBinary(.atan2, y, x) }
    /// sinh, with derivative cosh.
    @inlinable public static func sinh(_ x: Var) -> Var { recordUnary(.sinh, x) }
    /// cosh, with derivative sinh.
    @inlinable public static func cosh(_ x: Var) -> Var { recordUnary(.cosh, x) }
    /// tanh, with derivative 1 - tanh².
    @inlinable public static func tanh(_ x: Var) -> Var { recordUnary(.tanh, x) }
    /// exp, its own derivative.
    @inlinable public static func exp(_ x: Var) -> Var { recordUnary(.exp, x) }
    /// expm1, with derivative eˣ.
    @inlinable public static func expm1(_ x: Var) -> Var { recordUnary(.expm1, x) }
    /// log, with derivative 1/x.
    @inlinable public static func log(_ x: Var) -> Var { recordUnary(.log, x) }
    /// log1p, with derivative 1/(1 + x).
    @inlinable public static func log1p(_ x: Var) -> Var { recordUnary(.log1p, x) }
    /// log2, with derivative 1/(x ln 2).
    @inlinable public static func log2(_ x: Var) -> Var { recordUnary(.log2, x) }
    /// log10, with derivative 1/(x ln 10).
    @inlinable public static func log10(_ x: Var) -> Var { recordUnary(.log10, x) }
    /// xʸ, with partials y·xʸ⁻¹ (0 when y = 0) and xʸ·ln x (0 when x = 0). A constant
    /// exponent or base records a one-operand entry.
    @inlinable public static func pow(_ x: Var, _ y: Var) -> Var {
        if y.slot == 0 && x.slot != 0 { return recordUnary(.powConstant, x, constant: y.value, hasConstant: true) }
        if x.slot == 0 && y.slot != 0 { return recordUnary(.constantPow, y, constant: x.value, hasConstant: true) }
        return recordBinary(.pow, x, y)
    }
    /// √x, with derivative 1/(2√x) (+∞ at 0).
    @inlinable public static func sqrt(_ x: Var) -> Var { recordUnary(.sqrt, x) }
    /// ∛x, with derivative 1/(3∛x²) (+∞ at 0).
    @inlinable public static func cbrt(_ x: Var) -> Var { recordUnary(.cbrt, x) }
    /// √(x² + y²), with partials x/h and y/h; 0 at the origin.
    @inlinable public static func hypot(_ x: Var, _ y: Var) -> Var { recordBinary(.hypot, x, y) }
    /// |x|, with derivative sign(x) and 0 at 0.
    @inlinable public static func abs(_ x: Var) -> Var { recordUnary(.abs, x) }
    /// The smaller operand; the derivative flows to the first at a tie.
    @inlinable public static func min(_ x: Var, _ y: Var) -> Var { recordBinary(.min, x, y) }
    /// The larger operand; the derivative flows to the first at a tie.
    @inlinable public static func max(_ x: Var, _ y: Var) -> Var { recordBinary(.max, x, y) }
    /// erf, with derivative 2/√π · e^(-x²).
    @inlinable public static func erf(_ x: Var) -> Var { recordUnary(.erf, x) }
    /// σ(x) as one entry, with derivative σ(x)(1 - σ(x)).
    @inlinable public static func sigmoid(_ x: Var) -> Var { recordUnary(.sigmoid, x) }
    /// log(1 + eˣ) as one entry, with derivative σ(x).
    @inlinable public static func softplus(_ x: Var) -> Var { recordUnary(.softplus, x) }
    /// max(x, 0) as one entry, with derivative 1 for x > 0 and 0 otherwise.
    @inlinable public static func relu(_ x: Var) -> Var { recordUnary(.relu, x) }
}

// The elementary functions on dual numbers: f(a + a′ε) = f(a) + f′(a)·a′ε. The values
// and partials come from `ElementaryRule` (Scalar/ElementaryRules.swift), the table every
// mode shares; `chain` keeps 0 · ∞ = 0 (a zero tangent through an infinite partial, a
// zero partial from an infinite tangent). abs, min, max and relu select an operand,
// derivative included.

extension DualNumber {
    /// sin, with derivative cos.
    @inlinable public static func sin(_ x: Self) -> Self { unary(x, ElementaryRule.sin(x.value)) }
    /// cos, with derivative -sin.
    @inlinable public static func cos(_ x: Self) -> Self { unary(x, ElementaryRule.cos(x.value)) }
    /// tan, with derivative 1 + tan².
    @inlinable public static func tan(_ x: Self) -> Self { unary(x, ElementaryRule.tan(x.value)) }
    /// asin, with derivative 1/√(1 - x²) (+∞ at ±1).
    @inlinable public static func asin(_ x: Self) -> Self { unary(x, ElementaryRule.asin(x.value)) }
    /// acos, with derivative -1/√(1 - x²) (-∞ at ±1).
    @inlinable public static func acos(_ x: Self) -> Self { unary(x, ElementaryRule.acos(x.value)) }
    /// atan, with derivative 1/(1 + x²).
    @inlinable public static func atan(_ x: Self) -> Self { unary(x, ElementaryRule.atan(x.value)) }
    /// sinh, with derivative cosh.
    @inlinable public static func sinh(_ x: Self) -> Self { unary(x, ElementaryRule.sinh(x.value)) }
    /// cosh, with derivative sinh.
    @inlinable public static func cosh(_ x: Self) -> Self { unary(x, ElementaryRule.cosh(x.value)) }
    /// tanh, with derivative 1 - tanh².
    @inlinable public static func tanh(_ x: Self) -> Self { unary(x, ElementaryRule.tanh(x.value)) }
    /// exp, its own derivative.
    @inlinable public static func exp(_ x: Self) -> Self { unary(x, ElementaryRule.exp(x.value)) }
    /// expm1, with derivative eˣ.
    @inlinable public static func expm1(_ x: Self) -> Self { unary(x, ElementaryRule.expm1(x.value)) }
    /// log, with derivative 1/x.
    @inlinable public static func log(_ x: Self) -> Self { unary(x, ElementaryRule.log(x.value)) }
    /// log1p, with derivative 1/(1 + x).
    @inlinable public static func log1p(_ x: Self) -> Self { unary(x, ElementaryRule.log1p(x.value)) }
    /// log2, with derivative 1/(x ln 2).
    @inlinable public static func log2(_ x: Self) -> Self { unary(x, ElementaryRule.log2(x.value)) }
    /// log10, with derivative 1/(x ln 10).
    @inlinable public static func log10(_ x: Self) -> Self { unary(x, ElementaryRule.log10(x.value)) }
    /// √x, with derivative 1/(2√x) (+∞ at 0).
    @inlinable public static func sqrt(_ x: Self) -> Self { unary(x, ElementaryRule.sqrt(x.value)) }
    /// ∛x, with derivative 1/(3∛x²) (+∞ at 0).
    @inlinable public static func cbrt(_ x: Self) -> Self { unary(x, ElementaryRule.cbrt(x.value)) }
    /// erf, with derivative 2/√π · e^(-x²).
    @inlinable public static func erf(_ x: Self) -> Self { unary(x, ElementaryRule.erf(x.value)) }
    /// σ(x), with derivative σ(x)(1 - σ(x)), accurate in both tails.
    @inlinable public static func sigmoid(_ x: Self) -> Self { unary(x, ElementaryRule.sigmoid(x.value)) }
    /// log(1 + eˣ), with derivative σ(x).
    @inlinable public static func softplus(_ x: Self) -> Self { unary(x, ElementaryRule.softplus(x.value)) }
    /// atan2(y, x), with partials x/r² and -y/r²; both 0 at the origin.
    @inlinable public static func atan2(_ y: Self, _ x: Self) -> Self { binary(y, x, ElementaryRule.atan2(y.value, x.value)) }
    /// xʸ, with partials y·xʸ⁻¹ (0 when y = 0) and xʸ·ln x (0 when x = 0).
    @inlinable public static func pow(_ x: Self, _ y: Self) -> Self { binary(x, y, ElementaryRule.pow(x.value, y.value)) }
    /// √(x² + y²), with partials x/h and y/h; 0 at the origin.
    @inlinable public static func hypot(_ x: Self, _ y: Self) -> Self { binary(x, y, ElementaryRule.hypot(x.value, y.value)) }
    /// |x|, with derivative sign(x) and 0 at 0.
    @inlinable public static func abs(_ x: Self) -> Self {
        if x.value > 0 { return x }
        if x.value < 0 { return -x }
        return Self(Primal.abs(x.value), tangent: zeroTangent, tag: x.tag)
    }
    /// The smaller operand, derivative included; the first at a tie, and NaN (the NaN
    /// operand) when either value is NaN, as `Double.min` in this module.
    @inlinable public static func min(_ x: Self, _ y: Self) -> Self {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        var r = ElementaryRule.minTakesSecond(x.value, y.value) ? y : x
        r.tag = tag
        return r
    }
    /// The larger operand, derivative included; the first at a tie, and NaN (the NaN
    /// operand) when either value is NaN, as `Double.max` in this module.
    @inlinable public static func max(_ x: Self, _ y: Self) -> Self {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        var r = ElementaryRule.maxTakesSecond(x.value, y.value) ? y : x
        r.tag = tag
        return r
    }
    /// max(x, 0), with derivative 1 for x > 0 and 0 otherwise; x itself when it is NaN.
    @inlinable public static func relu(_ x: Self) -> Self {
        x.value > 0 || x.value != x.value ? x : Self(0, tangent: zeroTangent, tag: x.tag)
    }
}

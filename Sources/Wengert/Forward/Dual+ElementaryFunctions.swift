// The elementary functions on duals: f(a + a′ε) = f(a) + f′(a)·a′ε, one rule per
// function, each beside its derivative. Partials that can be infinite go through
// `chain`, so that a constant input stays constant at a singular point.

extension Dual: DifferentiableScalar {
    /// An untagged constant.
    @inlinable public init(_ value: Double) { self.init(T(value)) }
    /// An untagged constant.
    @inlinable public init(_ value: Int) { self.init(T(value)) }

    /// The innermost primal value as a `Double`.
    @inlinable public var doubleValue: Double { value.doubleValue }

    @inlinable @inline(__always)
    static func unary(_ x: Dual, _ value: T, _ partial: T) -> Dual {
        Dual(value, derivative: partial * x.derivative, tag: x.tag)
    }

    @inlinable @inline(__always)
    static func unarySingular(_ x: Dual, _ value: T, _ partial: T) -> Dual {
        Dual(value, derivative: chain(partial, x.derivative), tag: x.tag)
    }

    /// sin, with derivative cos.
    @inlinable public static func sin(_ x: Dual) -> Dual { unary(x, T.sin(x.value), T.cos(x.value)) }
    /// cos, with derivative -sin.
    @inlinable public static func cos(_ x: Dual) -> Dual { unary(x, T.cos(x.value), -T.sin(x.value)) }
    /// tan, with derivative 1 + tan².
    @inlinable public static func tan(_ x: Dual) -> Dual {
        let t = T.tan(x.value)
        return unary(x, t, 1 + t * t)
    }
    /// asin, with derivative 1/√(1 - x²) (+∞ at ±1).
    @inlinable public static func asin(_ x: Dual) -> Dual {
        // (1 - x)(1 + x) rather than 1 - x², which cancels to few correct digits near ±1.
        unarySingular(x, T.asin(x.value), 1 / T.sqrt((1 - x.value) * (1 + x.value)))
    }
    /// acos, with derivative -1/√(1 - x²) (-∞ at ±1).
    @inlinable public static func acos(_ x: Dual) -> Dual {
        unarySingular(x, T.acos(x.value), -1 / T.sqrt((1 - x.value) * (1 + x.value)))
    }
    /// atan, with derivative 1/(1 + x²).
    @inlinable public static func atan(_ x: Dual) -> Dual { unary(x, T.atan(x.value), 1 / (1 + x.value * x.value)) }
    /// atan2(y, x), with partials x/r² and -y/r²; both 0 at the origin.
    @inlinable public static func atan2(_ y: Dual, _ x: Dual) -> Dual {
        let r2 = x.value * x.value + y.value * y.value
        let tag = PerturbationTag.merge(y.tag, x.tag)
        if r2 == 0 { return Dual(T.atan2(y.value, x.value), derivative: 0, tag: tag) }
        return Dual(T.atan2(y.value, x.value),
                    derivative: (x.value * y.derivative - y.value * x.derivative) / r2, tag: tag)
    }
    /// sinh, with derivative cosh.
    @inlinable public static func sinh(_ x: Dual) -> Dual { unarySingular(x, T.sinh(x.value), T.cosh(x.value)) }
    /// cosh, with derivative sinh.
    @inlinable public static func cosh(_ x: Dual) -> Dual { unarySingular(x, T.cosh(x.value), T.sinh(x.value)) }
    /// tanh, with derivative 1 - tanh².
    @inlinable public static func tanh(_ x: Dual) -> Dual {
        let t = T.tanh(x.value)
        return unary(x, t, 1 - t * t)
    }
    /// exp, its own derivative.
    @inlinable public static func exp(_ x: Dual) -> Dual {
        let e = T.exp(x.value)
        return unarySingular(x, e, e)
    }
    /// expm1, with derivative eˣ.
    @inlinable public static func expm1(_ x: Dual) -> Dual { unarySingular(x, T.expm1(x.value), T.exp(x.value)) }
    /// log, with derivative 1/x.
    @inlinable public static func log(_ x: Dual) -> Dual { unarySingular(x, T.log(x.value), 1 / x.value) }
    /// log1p, with derivative 1/(1 + x).
    @inlinable public static func log1p(_ x: Dual) -> Dual { unarySingular(x, T.log1p(x.value), 1 / (1 + x.value)) }
    /// log2, with derivative 1/(x ln 2).
    @inlinable public static func log2(_ x: Dual) -> Dual {
        unarySingular(x, T.log2(x.value), 1 / (x.value * T(0.693147180559945309417232121458176568)))
    }
    /// log10, with derivative 1/(x ln 10).
    @inlinable public static func log10(_ x: Dual) -> Dual {
        unarySingular(x, T.log10(x.value), 1 / (x.value * T(2.30258509299404568401799145468436421)))
    }
    /// xʸ, with partials y·xʸ⁻¹ and xʸ·ln x. The partial in x is 0 when y = 0; the
    /// partial in y is 0 when x = 0 (the limit from the right).
    @inlinable public static func pow(_ x: Dual, _ y: Dual) -> Dual {
        let p = T.pow(x.value, y.value)
        let dx: T = y.value == 0 ? 0 : y.value * T.pow(x.value, y.value - 1)
        let dy: T = x.value == 0 ? 0 : p * T.log(x.value)
        return Dual(p, derivative: chain(dx, x.derivative) + chain(dy, y.derivative),
                    tag: .merge(x.tag, y.tag))
    }
    /// √x, with derivative 1/(2√x) (+∞ at 0).
    @inlinable public static func sqrt(_ x: Dual) -> Dual {
        let s = T.sqrt(x.value)
        return unarySingular(x, s, 1 / (2 * s))
    }
    /// ∛x, with derivative 1/(3∛x²) (+∞ at 0).
    @inlinable public static func cbrt(_ x: Dual) -> Dual {
        let c = T.cbrt(x.value)
        return unarySingular(x, c, 1 / (3 * c * c))
    }
    /// √(x² + y²), with partials x/h and y/h; 0 at the origin.
    @inlinable public static func hypot(_ x: Dual, _ y: Dual) -> Dual {
        let h = T.hypot(x.value, y.value)
        let tag = PerturbationTag.merge(x.tag, y.tag)
        if h == 0 { return Dual(h, derivative: 0, tag: tag) }
        return Dual(h, derivative: (x.value * x.derivative + y.value * y.derivative) / h, tag: tag)
    }
    /// |x|, with derivative sign(x) and 0 at 0.
    @inlinable public static func abs(_ x: Dual) -> Dual {
        if x.value > 0 { return x }
        if x.value < 0 { return -x }
        return Dual(T.abs(x.value), derivative: 0, tag: x.tag)
    }
    /// The smaller operand, derivative included; the first at a tie, and NaN (the NaN
    /// operand) when either value is NaN, as `Double.min` in this module.
    @inlinable public static func min(_ x: Dual, _ y: Dual) -> Dual {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        // `y.value != y.value` is true only for NaN; an x that is NaN is kept anyway.
        var r = (y.value < x.value || y.value != y.value) ? y : x
        r.tag = tag
        return r
    }
    /// The larger operand, derivative included; the first at a tie, and NaN (the NaN
    /// operand) when either value is NaN, as `Double.max` in this module.
    @inlinable public static func max(_ x: Dual, _ y: Dual) -> Dual {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        var r = (y.value > x.value || y.value != y.value) ? y : x
        r.tag = tag
        return r
    }
    /// erf, with derivative 2/√π · e^(-x²).
    @inlinable public static func erf(_ x: Dual) -> Dual {
        unary(x, T.erf(x.value), T(1.12837916709551257389615890312154517) * T.exp(-x.value * x.value))
    }
    /// σ(x), with derivative σ(x)(1 - σ(x)) computed as e/(1 + e)² with e = e^-|x|, which
    /// keeps its relative accuracy in both tails (1 - σ(x) would round to 0 for x > 37).
    @inlinable public static func sigmoid(_ x: Dual) -> Dual {
        // -|x| written as a branch, not abs, so that nested duals differentiate it as -x
        // or x (abs has derivative 0 at 0 by convention).
        let e = T.exp(x.value >= 0 ? -x.value : x.value)
        let r = 1 / (1 + e)
        return unary(x, x.value >= 0 ? r : e * r, e * r * r)
    }
    /// log(1 + eˣ), with derivative σ(x).
    @inlinable public static func softplus(_ x: Dual) -> Dual { unary(x, T.softplus(x.value), T.sigmoid(x.value)) }
    /// max(x, 0), with derivative 1 for x > 0 and 0 otherwise.
    @inlinable public static func relu(_ x: Dual) -> Dual {
        x.value > 0 ? x : Dual(0, derivative: 0, tag: x.tag)
    }
}

// The elementary functions on multi-lane duals: f(a + a′ε) = f(a) + f′(a)·a′ε with a′ a
// SIMD vector. Each rule sits beside its derivative and matches `Dual`'s, conventions
// at kinks and boundaries included; factors that can be infinite go through `chain`.

extension MultiDual: DifferentiableScalar {
    /// An untagged constant.
    @inlinable public init(_ value: Double) { self.init(Scalar(value)) }
    /// An untagged constant.
    @inlinable public init(_ value: Int) { self.init(Scalar(value)) }

    /// The primal value as a `Double`.
    @inlinable public var doubleValue: Double { value.doubleValue }

    @inlinable @inline(__always)
    static func unary(_ x: MultiDual, _ value: Scalar, _ factor: Scalar) -> MultiDual {
        MultiDual(value, partials: x.partials * factor, tag: x.tag)
    }

    @inlinable @inline(__always)
    static func unarySingular(_ x: MultiDual, _ value: Scalar, _ factor: Scalar) -> MultiDual {
        MultiDual(value, partials: chain(factor, x.partials), tag: x.tag)
    }

    /// sin, with derivative cos.
    @inlinable public static func sin(_ x: MultiDual) -> MultiDual { unary(x, Scalar.sin(x.value), Scalar.cos(x.value)) }
    /// cos, with derivative -sin.
    @inlinable public static func cos(_ x: MultiDual) -> MultiDual { unary(x, Scalar.cos(x.value), -Scalar.sin(x.value)) }
    /// tan, with derivative 1 + tan².
    @inlinable public static func tan(_ x: MultiDual) -> MultiDual {
        let t = Scalar.tan(x.value)
        return unary(x, t, 1 + t * t)
    }
    /// asin, with derivative 1/√(1 - x²) (+∞ at ±1).
    @inlinable public static func asin(_ x: MultiDual) -> MultiDual {
        // (1 - x)(1 + x) rather than 1 - x², which cancels to few correct digits near ±1.
        unarySingular(x, Scalar.asin(x.value), 1 / ((1 - x.value) * (1 + x.value)).squareRoot())
    }
    /// acos, with derivative -1/√(1 - x²) (-∞ at ±1).
    @inlinable public static func acos(_ x: MultiDual) -> MultiDual {
        unarySingular(x, Scalar.acos(x.value), -1 / ((1 - x.value) * (1 + x.value)).squareRoot())
    }
    /// atan, with derivative 1/(1 + x²).
    @inlinable public static func atan(_ x: MultiDual) -> MultiDual {
        unary(x, Scalar.atan(x.value), 1 / (1 + x.value * x.value))
    }
    /// atan2(y, x), with partials x/r² and -y/r²; both 0 at the origin.
    @inlinable public static func atan2(_ y: MultiDual, _ x: MultiDual) -> MultiDual {
        let r2 = x.value * x.value + y.value * y.value
        let tag = PerturbationTag.merge(y.tag, x.tag)
        if r2 == 0 { return MultiDual(Scalar.atan2(y.value, x.value), partials: Lanes(), tag: tag) }
        return MultiDual(Scalar.atan2(y.value, x.value),
                         partials: (y.partials * x.value - x.partials * y.value) / r2, tag: tag)
    }
    /// sinh, with derivative cosh.
    @inlinable public static func sinh(_ x: MultiDual) -> MultiDual { unarySingular(x, Scalar.sinh(x.value), Scalar.cosh(x.value)) }
    /// cosh, with derivative sinh.
    @inlinable public static func cosh(_ x: MultiDual) -> MultiDual { unarySingular(x, Scalar.cosh(x.value), Scalar.sinh(x.value)) }
    /// tanh, with derivative 1 - tanh².
    @inlinable public static func tanh(_ x: MultiDual) -> MultiDual {
        let t = Scalar.tanh(x.value)
        return unary(x, t, 1 - t * t)
    }
    /// exp, its own derivative.
    @inlinable public static func exp(_ x: MultiDual) -> MultiDual {
        let e = Scalar.exp(x.value)
        return unarySingular(x, e, e)
    }
    /// expm1, with derivative eˣ.
    @inlinable public static func expm1(_ x: MultiDual) -> MultiDual {
        unarySingular(x, Scalar.expm1(x.value), Scalar.exp(x.value))
    }
    /// log, with derivative 1/x.
    @inlinable public static func log(_ x: MultiDual) -> MultiDual { unarySingular(x, Scalar.log(x.value), 1 / x.value) }
    /// log1p, with derivative 1/(1 + x).
    @inlinable public static func log1p(_ x: MultiDual) -> MultiDual {
        unarySingular(x, Scalar.log1p(x.value), 1 / (1 + x.value))
    }
    /// log2, with derivative 1/(x ln 2).
    @inlinable public static func log2(_ x: MultiDual) -> MultiDual {
        unarySingular(x, Scalar.log2(x.value), 1 / (x.value * Scalar(0.693147180559945309417232121458176568)))
    }
    /// log10, with derivative 1/(x ln 10).
    @inlinable public static func log10(_ x: MultiDual) -> MultiDual {
        unarySingular(x, Scalar.log10(x.value), 1 / (x.value * Scalar(2.30258509299404568401799145468436421)))
    }
    /// xʸ, with partials y·xʸ⁻¹ and xʸ·ln x. The partial in x is 0 when y = 0; the
    /// partial in y is 0 when x = 0 (the limit from the right).
    @inlinable public static func pow(_ x: MultiDual, _ y: MultiDual) -> MultiDual {
        let p = Scalar.pow(x.value, y.value)
        let dx: Scalar = y.value == 0 ? 0 : y.value * Scalar.pow(x.value, y.value - 1)
        let dy: Scalar = x.value == 0 ? 0 : p * Scalar.log(x.value)
        return MultiDual(p, partials: chain(dx, x.partials) + chain(dy, y.partials), tag: .merge(x.tag, y.tag))
    }
    /// √x, with derivative 1/(2√x) (+∞ at 0).
    @inlinable public static func sqrt(_ x: MultiDual) -> MultiDual {
        let s = x.value.squareRoot()
        return unarySingular(x, s, 1 / (2 * s))
    }
    /// ∛x, with derivative 1/(3∛x²) (+∞ at 0).
    @inlinable public static func cbrt(_ x: MultiDual) -> MultiDual {
        let c = Scalar.cbrt(x.value)
        return unarySingular(x, c, 1 / (3 * c * c))
    }
    /// √(x² + y²), with partials x/h and y/h; 0 at the origin.
    @inlinable public static func hypot(_ x: MultiDual, _ y: MultiDual) -> MultiDual {
        let h = Scalar.hypot(x.value, y.value)
        let tag = PerturbationTag.merge(x.tag, y.tag)
        if h == 0 { return MultiDual(h, partials: Lanes(), tag: tag) }
        return MultiDual(h, partials: (x.partials * x.value + y.partials * y.value) / h, tag: tag)
    }
    /// |x|, with derivative sign(x) and 0 at 0.
    @inlinable public static func abs(_ x: MultiDual) -> MultiDual {
        if x.value > 0 { return x }
        if x.value < 0 { return -x }
        return MultiDual(Swift.abs(x.value), partials: Lanes(), tag: x.tag)
    }
    /// The smaller operand, partials included; the first at a tie, and the NaN operand
    /// when either value is NaN.
    @inlinable public static func min(_ x: MultiDual, _ y: MultiDual) -> MultiDual {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        var r = (y.value < x.value || y.value.isNaN) ? y : x
        r.tag = tag
        return r
    }
    /// The larger operand, partials included; the first at a tie, and the NaN operand
    /// when either value is NaN.
    @inlinable public static func max(_ x: MultiDual, _ y: MultiDual) -> MultiDual {
        let tag = PerturbationTag.merge(x.tag, y.tag)
        var r = (y.value > x.value || y.value.isNaN) ? y : x
        r.tag = tag
        return r
    }
    /// erf, with derivative 2/√π · e^(-x²).
    @inlinable public static func erf(_ x: MultiDual) -> MultiDual {
        unary(x, Scalar.erf(x.value), Scalar(1.12837916709551257389615890312154517) * Scalar.exp(-x.value * x.value))
    }
    /// σ(x), with derivative σ(x)(1 - σ(x)) computed as e/(1 + e)² with e = e^-|x|, which
    /// keeps its relative accuracy in both tails (1 - σ(x) would round to 0 for x > 37).
    @inlinable public static func sigmoid(_ x: MultiDual) -> MultiDual {
        // -|x| written as a branch, not abs, so that nested duals differentiate it as -x
        // or x (abs has derivative 0 at 0 by convention).
        let e = Scalar.exp(x.value >= 0 ? -x.value : x.value)
        let r = 1 / (1 + e)
        return unary(x, x.value >= 0 ? r : e * r, e * r * r)
    }
    /// log(1 + eˣ), with derivative σ(x).
    @inlinable public static func softplus(_ x: MultiDual) -> MultiDual {
        unary(x, Scalar.softplus(x.value), Scalar.sigmoid(x.value))
    }
    /// max(x, 0), with derivative 1 for x > 0 and 0 otherwise.
    @inlinable public static func relu(_ x: MultiDual) -> MultiDual {
        x.value > 0 ? x : MultiDual(0, partials: Lanes(), tag: x.tag)
    }
}

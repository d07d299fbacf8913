// The one table of local derivatives: each elementary function's value beside its
// partial derivative(s), written in the best-conditioned form we know. Forward mode
// (`Dual`, `MultiDual`) multiplies the partials into tangents, reverse mode stores them
// on the tape, replay recomputes them from here, so every mode differentiates every
// function by the same formula and the modes cannot drift apart.
//
// Each partial that a caller may want without the value (the tensor backward rules,
// which have the forward values saved) is also given alone, as `fPartial(x)`, so no
// libm call computes a value only to be discarded; `f(x)` is built from it.
//
// Conventions at kinks and singular points (ARCHITECTURE.md): abs and relu have
// derivative 0 at 0; sqrt and cbrt +∞ at 0; pow(x, 0) has partial 0 in x and pow(0, y)
// partial 0 in y; atan2 and hypot have partials 0 at the origin. NaN propagates through
// max, min and relu (IEEE 754-2019 maximum, PyTorch), and the derivative goes to the
// operand that produced the value: the NaN one, or the first at a tie. Callers keep a zero
// tangent or adjoint at zero through an infinite partial.

import CWengert

/// Value and partial derivatives of the elementary functions of `DifferentiableScalar`.
@usableFromInline
enum ElementaryRule<T: DifferentiableScalar> {
    /// ln 2, for log2.
    @inlinable static var ln2: T { T(0.693147180559945309417232121458176568) }
    /// ln 10, for log10.
    @inlinable static var ln10: T { T(2.30258509299404568401799145468436421) }
    /// 2/√π, for erf.
    @inlinable static var twoOverRootPi: T { T(1.12837916709551257389615890312154517) }

    @inlinable @inline(__always) static func sin(_ x: T) -> (value: T, partial: T) {
        let (s, c) = sinAndCos(x)
        return (s, c)
    }
    @inlinable @inline(__always) static func sinPartial(_ x: T) -> T { T.cos(x) }
    @inlinable @inline(__always) static func cos(_ x: T) -> (value: T, partial: T) {
        let (s, c) = sinAndCos(x)
        return (c, -s)
    }
    @inlinable @inline(__always) static func cosPartial(_ x: T) -> T { -T.sin(x) }
    @inlinable @inline(__always) static func tan(_ x: T) -> (value: T, partial: T) {
        let t = T.tan(x)
        return (t, tanPartial(value: t))
    }
    /// tan′ from the value t = tan x: 1 + t².
    @inlinable @inline(__always) static func tanPartial(value t: T) -> T { 1 + t * t }
    /// (1 - x)(1 + x) rather than 1 - x², which cancels to few correct digits near ±1.
    @inlinable @inline(__always) static func asin(_ x: T) -> (value: T, partial: T) { (T.asin(x), asinPartial(x)) }
    @inlinable @inline(__always) static func asinPartial(_ x: T) -> T { 1 / T.sqrt((1 - x) * (1 + x)) }
    @inlinable @inline(__always) static func acos(_ x: T) -> (value: T, partial: T) { (T.acos(x), -asinPartial(x)) }
    @inlinable @inline(__always) static func atan(_ x: T) -> (value: T, partial: T) { (T.atan(x), atanPartial(x)) }
    @inlinable @inline(__always) static func atanPartial(_ x: T) -> T { 1 / (1 + x * x) }
    @inlinable @inline(__always) static func sinh(_ x: T) -> (value: T, partial: T) { (T.sinh(x), sinhPartial(x)) }
    @inlinable @inline(__always) static func sinhPartial(_ x: T) -> T { T.cosh(x) }
    @inlinable @inline(__always) static func cosh(_ x: T) -> (value: T, partial: T) { (T.cosh(x), coshPartial(x)) }
    @inlinable @inline(__always) static func coshPartial(_ x: T) -> T { T.sinh(x) }
    @inlinable @inline(__always) static func tanh(_ x: T) -> (value: T, partial: T) {
        let t = T.tanh(x)
        return (t, tanhPartial(value: t))
    }
    /// tanh′ from the value t = tanh x: 1 - t².
    @inlinable @inline(__always) static func tanhPartial(value t: T) -> T { 1 - t * t }
    @inlinable @inline(__always) static func exp(_ x: T) -> (value: T, partial: T) {
        let e = T.exp(x)
        return (e, e)
    }
    @inlinable @inline(__always) static func expm1(_ x: T) -> (value: T, partial: T) { (T.expm1(x), expm1Partial(x)) }
    @inlinable @inline(__always) static func expm1Partial(_ x: T) -> T { T.exp(x) }
    @inlinable @inline(__always) static func log(_ x: T) -> (value: T, partial: T) { (T.log(x), logPartial(x)) }
    @inlinable @inline(__always) static func logPartial(_ x: T) -> T { 1 / x }
    @inlinable @inline(__always) static func log1p(_ x: T) -> (value: T, partial: T) { (T.log1p(x), log1pPartial(x)) }
    @inlinable @inline(__always) static func log1pPartial(_ x: T) -> T { 1 / (1 + x) }
    @inlinable @inline(__always) static func log2(_ x: T) -> (value: T, partial: T) { (T.log2(x), log2Partial(x)) }
    @inlinable @inline(__always) static func log2Partial(_ x: T) -> T { 1 / (x * ln2) }
    @inlinable @inline(__always) static func log10(_ x: T) -> (value: T, partial: T) { (T.log10(x), log10Partial(x)) }
    @inlinable @inline(__always) static func log10Partial(_ x: T) -> T { 1 / (x * ln10) }
    @inlinable @inline(__always) static func sqrt(_ x: T) -> (value: T, partial: T) {
        let s = T.sqrt(x)
        return (s, sqrtPartial(value: s))
    }
    /// sqrt′ from the value s = √x: 1/(2s), +∞ at 0.
    @inlinable @inline(__always) static func sqrtPartial(value s: T) -> T { 1 / (2 * s) }
    @inlinable @inline(__always) static func cbrt(_ x: T) -> (value: T, partial: T) {
        let c = T.cbrt(x)
        return (c, cbrtPartial(value: c))
    }
    /// cbrt′ from the value c = ∛x: 1/(3c²), +∞ at 0.
    @inlinable @inline(__always) static func cbrtPartial(value c: T) -> T { 1 / (3 * c * c) }
    @inlinable @inline(__always) static func erf(_ x: T) -> (value: T, partial: T) { (T.erf(x), erfPartial(x)) }
    @inlinable @inline(__always) static func erfPartial(_ x: T) -> T { twoOverRootPi * T.exp(-x * x) }
    /// σ(x) and σ(x)(1 - σ(x)), the latter as e/(1 + e)² with e = e^-|x|, which keeps its
    /// relative accuracy in both tails (1 - σ(x) rounds to 0 for x > 37). The value is
    /// computed exactly as `DifferentiableScalar.sigmoid` does, so every mode returns the
    /// plain function's value to the bit. -|x| is a branch, not `abs`, so that nested
    /// duals differentiate it as -x or x.
    @inlinable @inline(__always) static func sigmoid(_ x: T) -> (value: T, partial: T) {
        let e = T.exp(x >= 0 ? -x : x)
        let r = 1 / (1 + e)
        return (x >= 0 ? r : e / (1 + e), e * r * r)
    }
    @inlinable @inline(__always) static func softplus(_ x: T) -> (value: T, partial: T) {
        (T.softplus(x), softplusPartial(x))
    }
    /// softplus′ = σ, from `sigmoid`'s exp(-|x|) alone (no softplus value needed).
    @inlinable @inline(__always) static func softplusPartial(_ x: T) -> T { sigmoid(x).value }
    /// sign(x), 0 at 0.
    @inlinable @inline(__always) static func abs(_ x: T) -> (value: T, partial: T) {
        (T.abs(x), x > 0 ? 1 : (x < 0 ? -1 : 0))
    }
    /// 1 for x > 0, else 0 (0 at 0). relu(NaN) is NaN with partial 1: relu is max(x, 0),
    /// and the NaN operand, x, produced the value (the convention of `max`).
    @inlinable @inline(__always) static func relu(_ x: T) -> (value: T, partial: T) {
        x > 0 || x != x ? (x, 1) : (0, 0)
    }
    /// Whether `max(x, y)` takes y: y is larger, or y is NaN and x is not (the first
    /// operand wins ties and a NaN against a NaN). `x != x` holds only for NaN.
    @inlinable @inline(__always) static func maxTakesSecond(_ x: T, _ y: T) -> Bool {
        y > x || (y != y && x == x)
    }
    /// Whether `min(x, y)` takes y (as ``maxTakesSecond(_:_:)``).
    @inlinable @inline(__always) static func minTakesSecond(_ x: T, _ y: T) -> Bool {
        y < x || (y != y && x == x)
    }
    /// max(x, y): NaN when either is NaN; partial 1 for the operand that produced the
    /// value (the first at a tie or when both are NaN), 0 for the other.
    @inlinable @inline(__always) static func max(_ x: T, _ y: T) -> (value: T, lhs: T, rhs: T) {
        maxTakesSecond(x, y) ? (y, 0, 1) : (x, 1, 0)
    }
    /// min(x, y), with the convention of ``max(_:_:)``.
    @inlinable @inline(__always) static func min(_ x: T, _ y: T) -> (value: T, lhs: T, rhs: T) {
        minTakesSecond(x, y) ? (y, 0, 1) : (x, 1, 0)
    }

    /// xʸ with partials y·xʸ⁻¹ (0 when y = 0) and xʸ·ln x (0 when x = 0).
    ///
    /// The partial in x is special-cased only at x = y = 0, where y·xʸ⁻¹ is 0·∞: for
    /// x ≠ 0 the formula itself gives 0 at y = 0 and keeps its own derivative in y,
    /// which forward over reverse needs: ∂²/∂y∂x of (e^x)^y at y = 0 is 1, not 0.
    @inlinable @inline(__always) static func pow(_ x: T, _ y: T) -> (value: T, lhs: T, rhs: T) {
        let p = T.pow(x, y)
        return (p, (y == 0 && x == 0) ? 0 : y * T.pow(x, y - 1), x == 0 ? 0 : p * T.log(x))
    }
    /// atan2(y, x) with partials x/r² in y and -y/r² in x; both 0 at the origin.
    @inlinable @inline(__always) static func atan2(_ y: T, _ x: T) -> (value: T, lhs: T, rhs: T) {
        let p = atan2Partials(y, x)
        return (T.atan2(y, x), p.lhs, p.rhs)
    }
    /// atan2's partials alone (x/r², -y/r²; both 0 at the origin).
    @inlinable @inline(__always) static func atan2Partials(_ y: T, _ x: T) -> (lhs: T, rhs: T) {
        let r2 = x * x + y * y
        if r2 == 0 { return (0, 0) }
        return (x / r2, -y / r2)
    }
    /// √(x² + y²) with partials x/h and y/h; both 0 at the origin.
    @inlinable @inline(__always) static func hypot(_ x: T, _ y: T) -> (value: T, lhs: T, rhs: T) {
        let h = T.hypot(x, y)
        if h == 0 { return (h, 0, 0) }
        return (h, x / h, y / h)
    }
}

/// sin x and cos x: for `Double` and `Float` in one libm call (glibc's `sincos` and
/// `sincosf` share the argument reduction and give the same bits as `sin` and `cos`,
/// checked on 3 million arguments; it took the elementary benchmark's tape from five
/// libm calls per term to the plain function's four), for other scalars by their own
/// `sin` and `cos`.
@inlinable @inline(__always)
func sinAndCos<T: DifferentiableScalar>(_ x: T) -> (sin: T, cos: T) {
    if T.self == Double.self {
        var s = 0.0, c = 0.0
        wengert_sincos(unsafeBitCast(x, to: Double.self), &s, &c)
        return (unsafeBitCast(s, to: T.self), unsafeBitCast(c, to: T.self))
    }
    if T.self == Float.self {
        var s: Float = 0, c: Float = 0
        wengert_sincosf(unsafeBitCast(x, to: Float.self), &s, &c)
        return (unsafeBitCast(s, to: T.self), unsafeBitCast(c, to: T.self))
    }
    return (T.sin(x), T.cos(x))
}

// The free elementary functions of `DifferentiableScalar`.
//
// Each forwards to the static requirement of the same name, so one mechanism serves
// every scalar type: `Double` and `Float` call the C math library, `Dual` and `Var`
// apply the chain rule. For a concrete `Double` or `Float` argument the C library's own
// non-generic overload (from Foundation or Glibc) is chosen instead, with the same result.
// They are `@inlinable` because release builds only optimise conservatively across
// modules (docs/measurements.md): without it every call from user code is a real call.

/// sin(x). Derivative: cos(x).
@inlinable @inline(__always) public func sin<T: DifferentiableScalar>(_ x: T) -> T { T.sin(x) }
/// cos(x). Derivative: -sin(x).
@inlinable @inline(__always) public func cos<T: DifferentiableScalar>(_ x: T) -> T { T.cos(x) }
/// tan(x). Derivative: 1 + tan²(x).
@inlinable @inline(__always) public func tan<T: DifferentiableScalar>(_ x: T) -> T { T.tan(x) }
/// asin(x) on [-1, 1]. Derivative: 1 / √(1 - x²), infinite at ±1.
@inlinable @inline(__always) public func asin<T: DifferentiableScalar>(_ x: T) -> T { T.asin(x) }
/// acos(x) on [-1, 1]. Derivative: -1 / √(1 - x²), infinite at ±1.
@inlinable @inline(__always) public func acos<T: DifferentiableScalar>(_ x: T) -> T { T.acos(x) }
/// atan(x). Derivative: 1 / (1 + x²).
@inlinable @inline(__always) public func atan<T: DifferentiableScalar>(_ x: T) -> T { T.atan(x) }
/// atan2(y, x). Partials: x / (x² + y²) in y, -y / (x² + y²) in x; 0 at the origin.
@inlinable @inline(__always) public func atan2<T: DifferentiableScalar>(_ y: T, _ x: T) -> T { T.atan2(y, x) }
/// sinh(x). Derivative: cosh(x).
@inlinable @inline(__always) public func sinh<T: DifferentiableScalar>(_ x: T) -> T { T.sinh(x) }
/// cosh(x). Derivative: sinh(x).
@inlinable @inline(__always) public func cosh<T: DifferentiableScalar>(_ x: T) -> T { T.cosh(x) }
/// tanh(x). Derivative: 1 - tanh²(x).
@inlinable @inline(__always) public func tanh<T: DifferentiableScalar>(_ x: T) -> T { T.tanh(x) }
/// eˣ. Derivative: eˣ.
@inlinable @inline(__always) public func exp<T: DifferentiableScalar>(_ x: T) -> T { T.exp(x) }
/// eˣ - 1, accurate for small x. Derivative: eˣ.
@inlinable @inline(__always) public func expm1<T: DifferentiableScalar>(_ x: T) -> T { T.expm1(x) }
/// The natural logarithm. Derivative: 1 / x.
@inlinable @inline(__always) public func log<T: DifferentiableScalar>(_ x: T) -> T { T.log(x) }
/// log(1 + x), accurate for small x. Derivative: 1 / (1 + x).
@inlinable @inline(__always) public func log1p<T: DifferentiableScalar>(_ x: T) -> T { T.log1p(x) }
/// The base-2 logarithm. Derivative: 1 / (x ln 2).
@inlinable @inline(__always) public func log2<T: DifferentiableScalar>(_ x: T) -> T { T.log2(x) }
/// The base-10 logarithm. Derivative: 1 / (x ln 10).
@inlinable @inline(__always) public func log10<T: DifferentiableScalar>(_ x: T) -> T { T.log10(x) }
/// xʸ. Partials: y xʸ⁻¹ in x; xʸ ln x in y, taken as 0 where x = 0.
@inlinable @inline(__always) public func pow<T: DifferentiableScalar>(_ x: T, _ y: T) -> T { T.pow(x, y) }
/// √x. Derivative: 1 / (2√x), +∞ at 0.
@inlinable @inline(__always) public func sqrt<T: DifferentiableScalar>(_ x: T) -> T { T.sqrt(x) }
/// ∛x. Derivative: 1 / (3 ∛x²), +∞ at 0.
@inlinable @inline(__always) public func cbrt<T: DifferentiableScalar>(_ x: T) -> T { T.cbrt(x) }
/// √(x² + y²). Partials: x / h and y / h; 0 at the origin.
@inlinable @inline(__always) public func hypot<T: DifferentiableScalar>(_ x: T, _ y: T) -> T { T.hypot(x, y) }
/// x · y + z, rounded as `x * y + z`. Partials y, x and 1. On a tape, a running sum of
/// products `s = multiplyAdd(a[j], b[j], s)` records one entry per term instead of two.
@inlinable @inline(__always) public func multiplyAdd<T: DifferentiableScalar>(_ x: T, _ y: T, _ z: T) -> T {
    T.multiplyAdd(x, y, z)
}
/// |x|. Derivative: sign(x), taken as 0 at 0 (the subgradient PyTorch and JAX use).
@inlinable @inline(__always) public func abs<T: DifferentiableScalar>(_ x: T) -> T { T.abs(x) }
/// The smaller of x and y. At a tie the derivative flows to x.
@inlinable @inline(__always) public func min<T: DifferentiableScalar>(_ x: T, _ y: T) -> T { T.min(x, y) }
/// The larger of x and y. At a tie the derivative flows to x.
@inlinable @inline(__always) public func max<T: DifferentiableScalar>(_ x: T, _ y: T) -> T { T.max(x, y) }
/// The error function. Derivative: 2 / √π · e^(-x²).
@inlinable @inline(__always) public func erf<T: DifferentiableScalar>(_ x: T) -> T { T.erf(x) }
/// The logistic function 1 / (1 + e⁻ˣ). Derivative: σ(x)(1 - σ(x)).
@inlinable @inline(__always) public func sigmoid<T: DifferentiableScalar>(_ x: T) -> T { T.sigmoid(x) }
/// log(1 + eˣ) without overflow. Derivative: σ(x).
@inlinable @inline(__always) public func softplus<T: DifferentiableScalar>(_ x: T) -> T { T.softplus(x) }
/// max(x, 0). Derivative: 1 for x > 0, else 0 (0 at 0, as PyTorch).
@inlinable @inline(__always) public func relu<T: DifferentiableScalar>(_ x: T) -> T { T.relu(x) }

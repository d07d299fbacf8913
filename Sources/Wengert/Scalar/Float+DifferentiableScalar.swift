// `Float` computes with the C math library (see Libm.swift); abs, min, max and doubleValue
// come from the `BinaryFloatingPoint` defaults, sigmoid, softplus and relu from the
// protocol's defaults.

extension Float: DifferentiableScalar {
    /// sin(x), from the C math library.
    @inlinable public static func sin(_ x: Float) -> Float { libmSin(x) }
    /// cos(x), from the C math library.
    @inlinable public static func cos(_ x: Float) -> Float { libmCos(x) }
    /// tan(x), from the C math library.
    @inlinable public static func tan(_ x: Float) -> Float { libmTan(x) }
    /// asin(x), from the C math library.
    @inlinable public static func asin(_ x: Float) -> Float { libmAsin(x) }
    /// acos(x), from the C math library.
    @inlinable public static func acos(_ x: Float) -> Float { libmAcos(x) }
    /// atan(x), from the C math library.
    @inlinable public static func atan(_ x: Float) -> Float { libmAtan(x) }
    /// atan2(y, x), from the C math library.
    @inlinable public static func atan2(_ y: Float, _ x: Float) -> Float { libmAtan2(y, x) }
    /// sinh(x), from the C math library.
    @inlinable public static func sinh(_ x: Float) -> Float { libmSinh(x) }
    /// cosh(x), from the C math library.
    @inlinable public static func cosh(_ x: Float) -> Float { libmCosh(x) }
    /// tanh(x), from the C math library.
    @inlinable public static func tanh(_ x: Float) -> Float { libmTanh(x) }
    /// eˣ, from the C math library.
    @inlinable public static func exp(_ x: Float) -> Float { libmExp(x) }
    /// eˣ - 1, from the C math library.
    @inlinable public static func expm1(_ x: Float) -> Float { libmExpm1(x) }
    /// ln x, from the C math library.
    @inlinable public static func log(_ x: Float) -> Float { libmLog(x) }
    /// ln(1 + x), from the C math library.
    @inlinable public static func log1p(_ x: Float) -> Float { libmLog1p(x) }
    /// log₂ x, from the C math library.
    @inlinable public static func log2(_ x: Float) -> Float { libmLog2(x) }
    /// log₁₀ x, from the C math library.
    @inlinable public static func log10(_ x: Float) -> Float { libmLog10(x) }
    /// xʸ, from the C math library.
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { libmPow(x, y) }
    /// √x, correctly rounded (IEEE 754 square root).
    @inlinable public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    /// ∛x, from the C math library.
    @inlinable public static func cbrt(_ x: Float) -> Float { libmCbrt(x) }
    /// √(x² + y²), from the C math library.
    @inlinable public static func hypot(_ x: Float, _ y: Float) -> Float { libmHypot(x, y) }
    /// The error function, from the C math library.
    @inlinable public static func erf(_ x: Float) -> Float { libmErf(x) }
}

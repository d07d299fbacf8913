// `Double` computes with the C math library (see Libm.swift); abs, min, max and doubleValue
// come from the `BinaryFloatingPoint` defaults, sigmoid, softplus and relu from the
// protocol's defaults.

extension Double: DifferentiableScalar {
    /// sin(x), from the C math library.
    @inlinable public static func sin(_ x: Double) -> Double { libmSin(x) }
    /// cos(x), from the C math library.
    @inlinable public static func cos(_ x: Double) -> Double { libmCos(x) }
    /// tan(x), from the C math library.
    @inlinable public static func tan(_ x: Double) -> Double { libmTan(x) }
    /// asin(x), from the C math library.
    @inlinable public static func asin(_ x: Double) -> Double { libmAsin(x) }
    /// acos(x), from the C math library.
    @inlinable public static func acos(_ x: Double) -> Double { libmAcos(x) }
    /// atan(x), from the C math library.
    @inlinable public static func atan(_ x: Double) -> Double { libmAtan(x) }
    /// atan2(y, x), from the C math library.
    @inlinable public static func atan2(_ y: Double, _ x: Double) -> Double { libmAtan2(y, x) }
    /// sinh(x), from the C math library.
    @inlinable public static func sinh(_ x: Double) -> Double { libmSinh(x) }
    /// cosh(x), from the C math library.
    @inlinable public static func cosh(_ x: Double) -> Double { libmCosh(x) }
    /// tanh(x), from the C math library.
    @inlinable public static func tanh(_ x: Double) -> Double { libmTanh(x) }
    /// eˣ, from the C math library.
    @inlinable public static func exp(_ x: Double) -> Double { libmExp(x) }
    /// eˣ - 1, from the C math library.
    @inlinable public static func expm1(_ x: Double) -> Double { libmExpm1(x) }
    /// ln x, from the C math library.
    @inlinable public static func log(_ x: Double) -> Double { libmLog(x) }
    /// ln(1 + x), from the C math library.
    @inlinable public static func log1p(_ x: Double) -> Double { libmLog1p(x) }
    /// log₂ x, from the C math library.
    @inlinable public static func log2(_ x: Double) -> Double { libmLog2(x) }
    /// log₁₀ x, from the C math library.
    @inlinable public static func log10(_ x: Double) -> Double { libmLog10(x) }
    /// xʸ, from the C math library.
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { libmPow(x, y) }
    /// √x, correctly rounded (IEEE 754 square root).
    @inlinable public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    /// ∛x, from the C math library.
    @inlinable public static func cbrt(_ x: Double) -> Double { libmCbrt(x) }
    /// √(x² + y²), from the C math library.
    @inlinable public static func hypot(_ x: Double, _ y: Double) -> Double { libmHypot(x, y) }
    /// The error function, from the C math library.
    @inlinable public static func erf(_ x: Double) -> Double { libmErf(x) }
}

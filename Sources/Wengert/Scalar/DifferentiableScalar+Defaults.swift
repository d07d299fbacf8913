// Implementations shared by every conforming type, written in terms of the protocol's
// own primitives. A type with a cheaper dedicated rule (one tape entry instead of
// several) replaces them; `Dual` and `Var` do.

extension DifferentiableScalar {
    /// The logistic function, evaluated without overflow for large |x|.
    @inlinable
    public static func sigmoid(_ x: Self) -> Self {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// log(1 + eˣ) as max(x, 0) + log1p(e^-|x|), which never overflows.
    @inlinable
    public static func softplus(_ x: Self) -> Self {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// max(x, 0), with derivative 0 at 0; NaN for NaN (as `max`).
    @inlinable
    public static func relu(_ x: Self) -> Self {
        x > 0 || x != x ? x : 0
    }

    /// x · y + z as a product and a sum (two roundings; no fused multiply-add, whose
    /// single rounding would give other bits than the same code on a tape).
    @inlinable @inline(__always)
    public static func multiplyAdd(_ x: Self, _ y: Self, _ z: Self) -> Self {
        x * y + z
    }
}

extension DifferentiableScalar where Self: BinaryFloatingPoint {
    /// The value itself, widened to `Double`.
    @inlinable public var doubleValue: Double { Double(self) }

    /// |x|.
    @inlinable public static func abs(_ x: Self) -> Self { Swift.abs(x) }

    /// The smaller of x and y; x when they are equal, NaN when either is NaN.
    @inlinable public static func min(_ x: Self, _ y: Self) -> Self {
        (x.isNaN || y.isNaN) ? .nan : (y < x ? y : x)
    }

    /// The larger of x and y; x when they are equal, NaN when either is NaN.
    @inlinable public static func max(_ x: Self, _ y: Self) -> Self {
        (x.isNaN || y.isNaN) ? .nan : (y > x ? y : x)
    }
}

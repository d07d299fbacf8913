// Arithmetic on multi-lane duals: the sum, product and quotient rules on every lane at
// once, and mixed arithmetic with plain scalars (disfavoured, as for `Dual`, so that a
// literal operand becomes a `MultiDual` and long expressions type-check quickly).

extension MultiDual: ExpressibleByIntegerLiteral {
    /// An untagged constant.
    @inlinable public init(integerLiteral value: Int) { self.init(Scalar(value)) }
}

extension MultiDual: ExpressibleByFloatLiteral {
    /// An untagged constant.
    @inlinable public init(floatLiteral value: Double) { self.init(Scalar(value)) }
}

extension MultiDual: AdditiveArithmetic {
    /// The untagged constant 0.
    @inlinable public static var zero: MultiDual { MultiDual(0) }

    /// (a + a′ε) + (b + b′ε) = (a + b) + (a′ + b′)ε, lane by lane.
    @inlinable @inline(__always)
    public static func + (lhs: MultiDual, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs.value + rhs.value, partials: lhs.partials + rhs.partials, tag: .merge(lhs.tag, rhs.tag))
    }

    /// (a + a′ε) - (b + b′ε) = (a - b) + (a′ - b′)ε, lane by lane.
    @inlinable @inline(__always)
    public static func - (lhs: MultiDual, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs.value - rhs.value, partials: lhs.partials - rhs.partials, tag: .merge(lhs.tag, rhs.tag))
    }

    /// Adds in place.
    @inlinable @inline(__always) public static func += (lhs: inout MultiDual, rhs: MultiDual) { lhs = lhs + rhs }
    /// Subtracts in place.
    @inlinable @inline(__always) public static func -= (lhs: inout MultiDual, rhs: MultiDual) { lhs = lhs - rhs }
}

extension MultiDual: Numeric {
    /// A constant from an integer, when the scalar type represents it exactly.
    @inlinable
    public init?<Source: BinaryInteger>(exactly source: Source) {
        guard let v = Scalar(exactly: source) else { return nil }
        self.init(v)
    }

    /// |self|, with partials 0 at 0.
    @inlinable public var magnitude: MultiDual { MultiDual.abs(self) }

    /// (a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε, lane by lane.
    @inlinable @inline(__always)
    public static func * (lhs: MultiDual, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs.value * rhs.value, partials: lhs.partials * rhs.value + rhs.partials * lhs.value,
                  tag: .merge(lhs.tag, rhs.tag))
    }

    /// Multiplies in place.
    @inlinable @inline(__always) public static func *= (lhs: inout MultiDual, rhs: MultiDual) { lhs = lhs * rhs }
}

extension MultiDual: SignedNumeric {
    /// -(a + a′ε) = -a - a′ε.
    @inlinable @inline(__always)
    public static prefix func - (operand: MultiDual) -> MultiDual {
        MultiDual(-operand.value, partials: -operand.partials, tag: operand.tag)
    }
}

extension MultiDual {
    /// (a + a′ε) / (b + b′ε) = a/b + (a′ - (a/b)·b′)/b · ε, lane by lane.
    @inlinable @inline(__always)
    public static func / (lhs: MultiDual, rhs: MultiDual) -> MultiDual {
        let q = lhs.value / rhs.value
        let r = 1 / rhs.value
        return MultiDual(q, partials: (lhs.partials - rhs.partials * q) * r, tag: .merge(lhs.tag, rhs.tag))
    }

    /// Divides in place.
    @inlinable @inline(__always) public static func /= (lhs: inout MultiDual, rhs: MultiDual) { lhs = lhs / rhs }

    /// Adds a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: MultiDual, rhs: Scalar) -> MultiDual {
        MultiDual(lhs.value + rhs, partials: lhs.partials, tag: lhs.tag)
    }
    /// Adds to a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: Scalar, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs + rhs.value, partials: rhs.partials, tag: rhs.tag)
    }
    /// Subtracts a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: MultiDual, rhs: Scalar) -> MultiDual {
        MultiDual(lhs.value - rhs, partials: lhs.partials, tag: lhs.tag)
    }
    /// Subtracts from a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: Scalar, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs - rhs.value, partials: -rhs.partials, tag: rhs.tag)
    }
    /// Scales by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: MultiDual, rhs: Scalar) -> MultiDual {
        MultiDual(lhs.value * rhs, partials: lhs.partials * rhs, tag: lhs.tag)
    }
    /// Scales a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: Scalar, rhs: MultiDual) -> MultiDual {
        MultiDual(lhs * rhs.value, partials: rhs.partials * lhs, tag: rhs.tag)
    }
    /// Divides by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: MultiDual, rhs: Scalar) -> MultiDual {
        MultiDual(lhs.value / rhs, partials: lhs.partials / rhs, tag: lhs.tag)
    }
    /// Divides a constant: c / (b + b′ε) = c/b - (c/b)·b′/b · ε.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: Scalar, rhs: MultiDual) -> MultiDual {
        let q = lhs / rhs.value
        return MultiDual(q, partials: rhs.partials * (-q / rhs.value), tag: rhs.tag)
    }

    /// Adds a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func += (lhs: inout MultiDual, rhs: Scalar) { lhs = lhs + rhs }
    /// Subtracts a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func -= (lhs: inout MultiDual, rhs: Scalar) { lhs = lhs - rhs }
    /// Scales by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func *= (lhs: inout MultiDual, rhs: Scalar) { lhs = lhs * rhs }
    /// Divides by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func /= (lhs: inout MultiDual, rhs: Scalar) { lhs = lhs / rhs }
}

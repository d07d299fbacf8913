// Arithmetic on duals: the sum, product and quotient rules, and mixed arithmetic with
// plain values of the base type, which nesting needs (`x * y` with x a `Dual<Double>`
// captured from an outer derivative and y a `Dual<Dual<Double>>`).

extension Dual: ExpressibleByIntegerLiteral {
    /// An untagged constant.
    @inlinable public init(integerLiteral value: Int) { self.init(T(value)) }
}

extension Dual: ExpressibleByFloatLiteral {
    /// An untagged constant.
    @inlinable public init(floatLiteral value: Double) { self.init(T(value)) }
}

extension Dual: AdditiveArithmetic {
    /// The untagged constant 0.
    @inlinable public static var zero: Dual { Dual(0) }

    /// (a + a′ε) + (b + b′ε) = (a + b) + (a′ + b′)ε.
    @inlinable @inline(__always)
    public static func + (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value + rhs.value, derivative: lhs.derivative + rhs.derivative,
             tag: .merge(lhs.tag, rhs.tag))
    }

    /// (a + a′ε) - (b + b′ε) = (a - b) + (a′ - b′)ε.
    @inlinable @inline(__always)
    public static func - (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value - rhs.value, derivative: lhs.derivative - rhs.derivative,
             tag: .merge(lhs.tag, rhs.tag))
    }

    /// Adds in place.
    @inlinable @inline(__always) public static func += (lhs: inout Dual, rhs: Dual) { lhs = lhs + rhs }
    /// Subtracts in place.
    @inlinable @inline(__always) public static func -= (lhs: inout Dual, rhs: Dual) { lhs = lhs - rhs }
}

extension Dual: Numeric {
    /// A constant from an integer, when the base type represents it exactly.
    @inlinable
    public init?<Source: BinaryInteger>(exactly source: Source) {
        guard let v = T(exactly: source) else { return nil }
        self.init(v)
    }

    /// |self|, with derivative 0 at 0.
    @inlinable public var magnitude: Dual { Dual.abs(self) }

    /// (a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε.
    @inlinable @inline(__always)
    public static func * (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value * rhs.value, derivative: lhs.derivative * rhs.value + lhs.value * rhs.derivative,
             tag: .merge(lhs.tag, rhs.tag))
    }

    /// Multiplies in place.
    @inlinable @inline(__always) public static func *= (lhs: inout Dual, rhs: Dual) { lhs = lhs * rhs }
}

extension Dual: SignedNumeric {
    /// -(a + a′ε) = -a - a′ε.
    @inlinable @inline(__always)
    public static prefix func - (operand: Dual) -> Dual {
        Dual(-operand.value, derivative: -operand.derivative, tag: operand.tag)
    }
}

extension Dual {
    /// (a + a′ε) / (b + b′ε) = a/b + (a′ - (a/b)·b′)/b · ε.
    @inlinable @inline(__always)
    public static func / (lhs: Dual, rhs: Dual) -> Dual {
        let q = lhs.value / rhs.value
        return Dual(q, derivative: (lhs.derivative - q * rhs.derivative) / rhs.value,
                    tag: .merge(lhs.tag, rhs.tag))
    }

    /// Divides in place.
    @inlinable @inline(__always) public static func /= (lhs: inout Dual, rhs: Dual) { lhs = lhs / rhs }

    // Mixed arithmetic with a plain base value, which carries no derivative. Disfavoured
    // so that a literal operand becomes a `Dual` (one candidate, fast type checking) while
    // a variable of type `T` still finds these.

    /// Adds a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: Dual, rhs: T) -> Dual { Dual(lhs.value + rhs, derivative: lhs.derivative, tag: lhs.tag) }
    /// Adds to a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: T, rhs: Dual) -> Dual { Dual(lhs + rhs.value, derivative: rhs.derivative, tag: rhs.tag) }
    /// Subtracts a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: Dual, rhs: T) -> Dual { Dual(lhs.value - rhs, derivative: lhs.derivative, tag: lhs.tag) }
    /// Subtracts from a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: T, rhs: Dual) -> Dual { Dual(lhs - rhs.value, derivative: -rhs.derivative, tag: rhs.tag) }
    /// Scales by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: Dual, rhs: T) -> Dual { Dual(lhs.value * rhs, derivative: lhs.derivative * rhs, tag: lhs.tag) }
    /// Scales a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: T, rhs: Dual) -> Dual { Dual(lhs * rhs.value, derivative: lhs * rhs.derivative, tag: rhs.tag) }
    /// Divides by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: Dual, rhs: T) -> Dual { Dual(lhs.value / rhs, derivative: lhs.derivative / rhs, tag: lhs.tag) }
    /// Divides a constant: c / (b + b′ε) = c/b - (c/b)·b′/b · ε.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: T, rhs: Dual) -> Dual {
        let q = lhs / rhs.value
        return Dual(q, derivative: -q * rhs.derivative / rhs.value, tag: rhs.tag)
    }

    /// Adds a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func += (lhs: inout Dual, rhs: T) { lhs = lhs + rhs }
    /// Subtracts a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func -= (lhs: inout Dual, rhs: T) { lhs = lhs - rhs }
    /// Scales by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func *= (lhs: inout Dual, rhs: T) { lhs = lhs * rhs }
    /// Divides by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func /= (lhs: inout Dual, rhs: T) { lhs = lhs / rhs }
}

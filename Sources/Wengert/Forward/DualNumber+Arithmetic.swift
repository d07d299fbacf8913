// Arithmetic on dual numbers: the sum, product and quotient rules, and mixed arithmetic
// with plain values of the primal type, which nesting needs (`x * y` with x a
// `Dual<Double>` captured from an outer derivative and y a `Dual<Dual<Double>>`).

extension DualNumber {
    /// An untagged constant.
    @inlinable public init(integerLiteral value: Int) { self.init(constant: Primal(value)) }
    /// An untagged constant.
    @inlinable public init(floatLiteral value: Double) { self.init(constant: Primal(value)) }
    /// An untagged constant.
    @inlinable public init(_ value: Double) { self.init(constant: Primal(value)) }
    /// An untagged constant.
    @inlinable public init(_ value: Int) { self.init(constant: Primal(value)) }

    /// A constant from an integer, when the primal type represents it exactly.
    @inlinable
    public init?<Source: BinaryInteger>(exactly source: Source) {
        guard let v = Primal(exactly: source) else { return nil }
        self.init(constant: v)
    }

    /// The innermost primal value as a `Double`.
    @inlinable public var doubleValue: Double { value.doubleValue }

    /// The untagged constant 0.
    @inlinable public static var zero: Self { Self(constant: 0) }

    /// |self|, with derivative 0 at 0.
    @inlinable public var magnitude: Self { Self.abs(self) }

    /// (a + a′ε) + (b + b′ε) = (a + b) + (a′ + b′)ε.
    @inlinable @inline(__always)
    static func sum(_ lhs: Self, _ rhs: Self) -> Self {
        Self(lhs.value + rhs.value, tangent: tangentSum(lhs.tangent, rhs.tangent), tag: .merge(lhs.tag, rhs.tag))
    }

    /// (a + a′ε) - (b + b′ε) = (a - b) + (a′ - b′)ε.
    @inlinable @inline(__always)
    static func difference(_ lhs: Self, _ rhs: Self) -> Self {
        Self(lhs.value - rhs.value, tangent: tangentDifference(lhs.tangent, rhs.tangent), tag: .merge(lhs.tag, rhs.tag))
    }

    /// -(a + a′ε) = -a - a′ε.
    @inlinable @inline(__always)
    static func negation(_ operand: Self) -> Self {
        Self(-operand.value, tangent: tangentNegation(operand.tangent), tag: operand.tag)
    }

    /// (a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε, each term under the chain rule's
    /// 0 · ∞ = 0: `sqrt(x) * 0` at 0 has tangent 0, as reverse mode's skipped zero adjoint.
    ///
    /// The IEEE form is kept where `isExact` says it follows the convention (one compare
    /// and a predictable branch); otherwise each term takes `chain`.
    @inlinable @inline(__always)
    static func product(_ lhs: Self, _ rhs: Self) -> Self {
        let v = lhs.value * rhs.value
        var t = tangentSum(tangentScaled(lhs.tangent, by: rhs.value), tangentScaled(rhs.tangent, by: lhs.value))
        if _slowPath(!isExact(t, factor: v)) {
            t = tangentSum(chain(rhs.value, lhs.tangent), chain(lhs.value, rhs.tangent))
        }
        return Self(v, tangent: t, tag: .merge(lhs.tag, rhs.tag))
    }

    /// (a + a′ε) / (b + b′ε) = a/b + (a′·(1/b) - b′·(a/b)/b)ε, under the 0 · ∞ convention.
    ///
    /// The partials are reverse mode's, 1/b and -(a/b)/b (the second as a product, which
    /// rounds differently from reverse mode's quotient), so that each term can take
    /// `chain` where the IEEE form is not exact.
    @inlinable @inline(__always)
    static func quotient(_ lhs: Self, _ rhs: Self) -> Self {
        let q = lhs.value / rhs.value
        let r = 1 / rhs.value
        let p = q * r
        var t = tangentDifference(tangentScaled(lhs.tangent, by: r), tangentScaled(rhs.tangent, by: p))
        if _slowPath(!isExact(t, factor: p)) {
            t = tangentSum(chain(r, lhs.tangent), chain(-p, rhs.tangent))
        }
        return Self(q, tangent: t, tag: .merge(lhs.tag, rhs.tag))
    }
}

// Mixed arithmetic with a plain primal value, which carries no derivative.

extension DualNumber {
    /// Adds a constant.
    @inlinable @inline(__always)
    static func sum(_ lhs: Self, _ rhs: Primal) -> Self { Self(lhs.value + rhs, tangent: lhs.tangent, tag: lhs.tag) }
    /// Adds to a constant.
    @inlinable @inline(__always)
    static func sum(_ lhs: Primal, _ rhs: Self) -> Self { Self(lhs + rhs.value, tangent: rhs.tangent, tag: rhs.tag) }
    /// Subtracts a constant.
    @inlinable @inline(__always)
    static func difference(_ lhs: Self, _ rhs: Primal) -> Self { Self(lhs.value - rhs, tangent: lhs.tangent, tag: lhs.tag) }
    /// Subtracts from a constant.
    @inlinable @inline(__always)
    static func difference(_ lhs: Primal, _ rhs: Self) -> Self {
        Self(lhs - rhs.value, tangent: tangentNegation(rhs.tangent), tag: rhs.tag)
    }
    /// Scales by a constant.
    @inlinable @inline(__always)
    static func product(_ lhs: Self, _ rhs: Primal) -> Self { Self(lhs.value * rhs, tangent: chain(rhs, lhs.tangent), tag: lhs.tag) }
    /// Scales a constant.
    @inlinable @inline(__always)
    static func product(_ lhs: Primal, _ rhs: Self) -> Self { Self(lhs * rhs.value, tangent: chain(lhs, rhs.tangent), tag: rhs.tag) }
    /// Divides by a constant.
    @inlinable @inline(__always)
    static func quotient(_ lhs: Self, _ rhs: Primal) -> Self {
        Self(lhs.value / rhs, tangent: chain(1 / rhs, lhs.tangent), tag: lhs.tag)
    }
    /// Divides a constant: c / (b + b′ε) = c/b - (c/b)·b′/b · ε.
    @inlinable @inline(__always)
    static func quotient(_ lhs: Primal, _ rhs: Self) -> Self {
        let q = lhs / rhs.value
        return Self(q, tangent: chain(-q / rhs.value, rhs.tangent), tag: rhs.tag)
    }
}

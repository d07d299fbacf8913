// The forward-mode rules, written once for every dual type: ForwardDiff.jl's split of
// `Dual` (the rules) from `Partials` (the tangent's linear algebra), with a protocol in
// the place of Julia's type parameter. `Dual` and `MultiDual` supply only their
// tangent's arithmetic below; the sum, product and quotient rules, mixed arithmetic with
// constants and every elementary function live in the extensions of `DualNumber`.

/// A forward-mode number: a primal value, its tangent (one directional derivative, or
/// several in SIMD lanes) and the tag of the derivative computation it belongs to.
///
/// `Dual<T>` (one derivative, nests) and `MultiDual<Lanes>` (several partials in a SIMD
/// vector) conform; user code rarely names this protocol, but generic code can use it
/// to take either. A conforming type provides storage and its tangent's linear algebra
/// (`tangentSum`, `tangentDifference`, `tangentNegation`, `chain`, `zeroTangent`); the
/// arithmetic, `DifferentiableScalar` and the conventions at singular points come from
/// the protocol's extensions, so the two types cannot disagree.
///
/// - Complexity: every operation costs one evaluation of the value plus a few tangent
///   operations, and stores nothing.
public protocol DualNumber: DifferentiableScalar {
    /// The type of the value (and of the partial derivatives the rules multiply in).
    associatedtype Primal: DifferentiableScalar
    /// The type of the derivative part: `Primal` for `Dual`, a SIMD vector for `MultiDual`.
    associatedtype Tangent

    /// The primal value.
    var value: Primal { get set }
    /// The derivative part (`derivative` of `Dual`, `partials` of `MultiDual`).
    var tangent: Tangent { get set }
    /// The derivative computation this number belongs to; `.untagged` for constants.
    var tag: PerturbationTag { get set }

    /// A number with the given value, tangent and tag.
    init(_ value: Primal, tangent: Tangent, tag: PerturbationTag)

    /// The tangent of a constant.
    static var zeroTangent: Tangent { get }
    /// a + b.
    static func tangentSum(_ a: Tangent, _ b: Tangent) -> Tangent
    /// a - b.
    static func tangentDifference(_ a: Tangent, _ b: Tangent) -> Tangent
    /// -a.
    static func tangentNegation(_ a: Tangent) -> Tangent
    /// a · s, IEEE arithmetic in every lane.
    static func tangentScaled(_ a: Tangent, by s: Primal) -> Tangent
    /// `partial · tangent`, where a zero tangent (a lane of one) stays zero even when the
    /// partial is infinite or NaN: the chain rule's 0 · ∞ = 0 (ARCHITECTURE.md, "0 · ∞").
    static func chain(_ partial: Primal, _ tangent: Tangent) -> Tangent
}

extension DualNumber {
    /// A constant: the value with a zero tangent, untagged (it combines with any tag).
    @inlinable @inline(__always)
    init(constant value: Primal) { self.init(value, tangent: Self.zeroTangent, tag: .untagged) }

    /// Applies a rule of `ElementaryRule` (the one table of derivatives).
    @inlinable @inline(__always)
    static func unary(_ x: Self, _ rule: (value: Primal, partial: Primal)) -> Self {
        Self(rule.value, tangent: chain(rule.partial, x.tangent), tag: x.tag)
    }

    /// Applies a two-argument rule of `ElementaryRule`.
    @inlinable @inline(__always)
    static func binary(_ x: Self, _ y: Self, _ rule: (value: Primal, lhs: Primal, rhs: Primal)) -> Self {
        Self(rule.value, tangent: tangentSum(chain(rule.lhs, x.tangent), chain(rule.rhs, y.tangent)),
             tag: .merge(x.tag, y.tag))
    }
}

// Equality, hashing and ordering look at the value only, so that `if x < 0` in generic
// code branches as it would on plain numbers.

extension DualNumber {
    /// Equality of values; tangents and tags are not compared.
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value }
    /// Orders by value.
    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

extension DualNumber where Primal: Hashable {
    /// Hashes the value only, consistent with `==`.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

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
    /// a · s, IEEE arithmetic in every lane: the rules keep its result only where
    /// `isExact(_:factor:)` says that it follows the 0 · ∞ convention.
    static func tangentScaled(_ a: Tangent, by s: Primal) -> Tangent
    /// Whether `tangent`, made of IEEE products by factors whose own product is `factor`,
    /// already follows the 0 · ∞ convention, so that a rule may keep it. True where
    /// `factor` is regular (finite, not zero): the convention differs from IEEE only at a
    /// zero, infinite or NaN factor. `Dual` over `Double` or `Float` asks instead whether
    /// the tangent is a number: only 0 · ∞ and 0 · NaN make a NaN the convention would
    /// not, so one compare on the result decides.
    static func isExact(_ tangent: Tangent, factor: Primal) -> Bool
    /// `partial · tangent` under the chain rule's 0 · ∞ = 0 (ARCHITECTURE.md, "0 · ∞"):
    /// a zero partial gives a zero tangent even when the tangent is infinite or NaN, and a
    /// zero tangent (a lane of one) stays zero even when the partial is. "Zero" means every
    /// component zero for a nested partial or tangent, whose `==` compares values only.
    static func chain(_ partial: Primal, _ tangent: Tangent) -> Tangent
}

extension DualNumber {
    /// A constant: the value with a zero tangent, untagged (it combines with any tag).
    @inlinable @inline(__always)
    init(constant value: Primal) { self.init(value, tangent: Self.zeroTangent, tag: .untagged) }

    /// Whether the innermost value of `x` is finite and not zero. A regular factor's IEEE
    /// products already follow the 0 · ∞ convention, so the rules test it once, off the
    /// tangents' dependency chain, and apply the convention term by term only otherwise
    /// (underflow to 0 or overflow to ∞ takes that path too, which is exact everywhere).
    @inlinable @inline(__always)
    static func isRegular(_ x: Primal) -> Bool {
        // |x| between the least subnormal and the greatest finite magnitude: shifting out
        // the sign, a subtraction and one unsigned compare (0 wraps to the top, ∞ and NaN
        // lie above).
        (x.doubleValue.bitPattern &<< 1) &- 2 < 0xFFDF_FFFF_FFFF_FFFD
    }

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

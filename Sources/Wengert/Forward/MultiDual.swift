// Chunk-mode forward differentiation: one value and several partial derivatives at once
// (Revels, Lubin & Papamarkou 2016, "Forward-Mode Automatic Differentiation in Julia",
// whose `Dual{Tag,V,N}` over a `Partials` tuple this follows with a SIMD vector).

/// A number with a value and `Lanes.scalarCount` partial derivatives, carried in one SIMD
/// vector so that each operation updates all of them with a few vector instructions.
///
/// Evaluating f on inputs whose `partials` are columns of the identity yields f(x) and
/// as many columns of its gradient (or Jacobian) in one sweep; `Forward.gradient(of:at:)`
/// does this in chunks of 8 (`SIMD8<T>`) by default:
///
/// ```swift
/// let x = MultiDual<SIMD4<Double>>(2, partials: [1, 0, 0, 0])
/// let y = MultiDual<SIMD4<Double>>(3, partials: [0, 1, 0, 0])
/// (x * y).partials   // [3, 2, 0, 0]
/// ```
///
/// The rules and the conventions at kinks and boundaries are those of `Dual` applied
/// lane by lane; equality, hashing and ordering look at `value` only; tags work as for
/// `Dual` (see `PerturbationTag`). The scalar is a plain floating-point type, so a
/// `MultiDual` does not nest inside another `MultiDual`; a `Dual<MultiDual<…>>` does.
///
/// - Complexity: each operation costs one evaluation of the value plus O(`Lanes.scalarCount`)
///   for the partials (vectorised), and stores nothing.
@frozen
public struct MultiDual<Lanes: SIMD>
where Lanes.Scalar: DifferentiableScalar & BinaryFloatingPoint {
    /// The scalar type of the value and of each partial derivative.
    public typealias Scalar = Lanes.Scalar

    /// The primal value.
    public var value: Scalar
    /// The partial derivatives, one per lane.
    public var partials: Lanes
    /// The derivative computation this number belongs to; `.untagged` for constants.
    public var tag: PerturbationTag

    /// A number with the given value and partials, untagged (it combines with any tag).
    @inlinable
    public init(_ value: Scalar, partials: Lanes = Lanes()) {
        self.value = value
        self.partials = partials
        self.tag = .untagged
    }

    /// A number with the given value, partials and tag.
    @inlinable
    public init(_ value: Scalar, partials: Lanes, tag: PerturbationTag) {
        self.value = value
        self.partials = partials
        self.tag = tag
    }
}

// MultiDual's part of `DualNumber`: a SIMD vector of partials, updated lane by lane with
// vector instructions. Everything else comes from the protocol's extensions.
extension MultiDual: DualNumber {
    /// The partials, under the name `DualNumber` gives them.
    @inlinable public var tangent: Lanes {
        @inline(__always) get { partials }
        @inline(__always) set { partials = newValue }
    }

    /// A number with the given value, partials and tag.
    @inlinable @inline(__always)
    public init(_ value: Scalar, tangent: Lanes, tag: PerturbationTag) {
        self.init(value, partials: tangent, tag: tag)
    }

    /// Every lane 0.
    @inlinable public static var zeroTangent: Lanes { @inline(__always) get { Lanes() } }
    /// a + b, lane by lane.
    @inlinable @inline(__always) public static func tangentSum(_ a: Lanes, _ b: Lanes) -> Lanes { a + b }
    /// a - b, lane by lane.
    @inlinable @inline(__always) public static func tangentDifference(_ a: Lanes, _ b: Lanes) -> Lanes { a - b }
    /// -a, lane by lane.
    @inlinable @inline(__always) public static func tangentNegation(_ a: Lanes) -> Lanes { -a }
    /// a · s, lane by lane.
    @inlinable @inline(__always) public static func tangentScaled(_ a: Lanes, by s: Scalar) -> Lanes { a * s }

    /// Whether the factor is regular (finite, not zero): one scalar test, where a test of
    /// the lanes for NaN would need a reduction across the vector.
    @inlinable @inline(__always)
    public static func isExact(_ tangent: Lanes, factor: Scalar) -> Bool { isRegular(factor) }

    /// `partials · factor`, except that a zero factor gives zero lanes even where a
    /// partial is infinite or NaN, and zero lanes stay zero where the factor is infinite
    /// or NaN: a lane that does not depend on an input stays independent of it at a
    /// singular point. The factor is one scalar, so the common case costs one branch.
    @inlinable @inline(__always)
    public static func chain(_ factor: Scalar, _ partials: Lanes) -> Lanes {
        if _fastPath(isRegular(factor)) { return partials * factor }
        return singularChain(factor, partials)
    }

    /// `chain` at a zero, infinite or NaN factor, out of line: the lane-wise test does
    /// not vectorise in generic code, and inlined into every product it slowed the
    /// common case (gmm's `forward` row 2 to 3.6 times).
    @inlinable @inline(never)
    static func singularChain(_ factor: Scalar, _ partials: Lanes) -> Lanes {
        if factor == 0 { return Lanes() }
        return (partials * factor).replacing(with: 0, where: partials .== Lanes())
    }
}

// The operators are declared on the type itself, not in `DualNumber`'s extension: the
// type checker solves the suite's long literal expression (`3 * x * x * x - 2 * x + 7 +
// 0.5 * x * x - x / 4 + 1`) against concrete operators and gives up against generic ones.
extension MultiDual {
    /// (a + a′ε) + (b + b′ε) = (a + b) + (a′ + b′)ε.
    @inlinable @inline(__always) public static func + (lhs: MultiDual, rhs: MultiDual) -> MultiDual { sum(lhs, rhs) }
    /// (a + a′ε) - (b + b′ε) = (a - b) + (a′ - b′)ε.
    @inlinable @inline(__always) public static func - (lhs: MultiDual, rhs: MultiDual) -> MultiDual { difference(lhs, rhs) }
    /// -(a + a′ε) = -a - a′ε.
    @inlinable @inline(__always) public static prefix func - (operand: MultiDual) -> MultiDual { negation(operand) }
    /// (a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε.
    @inlinable @inline(__always) public static func * (lhs: MultiDual, rhs: MultiDual) -> MultiDual { product(lhs, rhs) }
    /// (a + a′ε) / (b + b′ε) = a/b + (a′ - (a/b)·b′)/b · ε.
    @inlinable @inline(__always) public static func / (lhs: MultiDual, rhs: MultiDual) -> MultiDual { quotient(lhs, rhs) }
    /// Adds in place.
    @inlinable @inline(__always) public static func += (lhs: inout MultiDual, rhs: MultiDual) { lhs = sum(lhs, rhs) }
    /// Subtracts in place.
    @inlinable @inline(__always) public static func -= (lhs: inout MultiDual, rhs: MultiDual) { lhs = difference(lhs, rhs) }
    /// Multiplies in place.
    @inlinable @inline(__always) public static func *= (lhs: inout MultiDual, rhs: MultiDual) { lhs = product(lhs, rhs) }
    /// Divides in place.
    @inlinable @inline(__always) public static func /= (lhs: inout MultiDual, rhs: MultiDual) { lhs = quotient(lhs, rhs) }

    // Mixed arithmetic with a plain value, which carries no derivative. Disfavoured so
    // that a literal operand becomes a `MultiDual` (one candidate, fast type checking) while a
    // variable of type `Scalar` still finds these.
    /// Adds a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: MultiDual, rhs: Scalar) -> MultiDual { sum(lhs, rhs) }
    /// Adds to a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: Scalar, rhs: MultiDual) -> MultiDual { sum(lhs, rhs) }
    /// Subtracts a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: MultiDual, rhs: Scalar) -> MultiDual { difference(lhs, rhs) }
    /// Subtracts from a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: Scalar, rhs: MultiDual) -> MultiDual { difference(lhs, rhs) }
    /// Scales by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: MultiDual, rhs: Scalar) -> MultiDual { product(lhs, rhs) }
    /// Scales a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: Scalar, rhs: MultiDual) -> MultiDual { product(lhs, rhs) }
    /// Divides by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: MultiDual, rhs: Scalar) -> MultiDual { quotient(lhs, rhs) }
    /// Divides a constant: c / (b + b′ε) = c/b - (c/b)·b′/b · ε.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: Scalar, rhs: MultiDual) -> MultiDual { quotient(lhs, rhs) }
    /// Adds a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func += (lhs: inout MultiDual, rhs: Scalar) { lhs = sum(lhs, rhs) }
    /// Subtracts a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func -= (lhs: inout MultiDual, rhs: Scalar) { lhs = difference(lhs, rhs) }
    /// Scales by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func *= (lhs: inout MultiDual, rhs: Scalar) { lhs = product(lhs, rhs) }
    /// Divides by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func /= (lhs: inout MultiDual, rhs: Scalar) { lhs = quotient(lhs, rhs) }
}

// `==` compares values only, so the 0 · ∞ convention asks this instead: a
// `Dual<MultiDual<…>>` factor 0 + (1, 0)ε is not zero, and its lanes carry second-order
// terms (the tape's sweep asks the same of a `Var<MultiDual<…>>` adjoint).
extension MultiDual: ExactZeroTestable {
    @usableFromInline var isExactlyZero: Bool { value == 0 && partials == Lanes() }
}

extension MultiDual: Equatable, Hashable, Comparable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    AdditiveArithmetic, Numeric, SignedNumeric {}

extension MultiDual: Sendable where Lanes: Sendable, Lanes.Scalar: Sendable {}

extension MultiDual: CustomStringConvertible {
    /// "value + (p₀, p₁, …)ε".
    public var description: String {
        let parts = (0..<partials.scalarCount).map { "\(partials[$0])" }.joined(separator: ", ")
        return "\(value) + (\(parts))ε"
    }
}

extension MultiDual: Codable {
    private enum CodingKeys: String, CodingKey { case value, partials }

    /// Decodes `value` and `partials`; the result is untagged.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Scalar.self, forKey: .value), partials: try c.decode(Lanes.self, forKey: .partials))
    }

    /// Encodes `value` and `partials`; tags live only as long as their computation.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(partials, forKey: .partials)
    }
}

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

extension MultiDual {
    /// `partials · factor`, except that zero lanes stay zero where the factor is infinite
    /// or NaN: a lane that does not depend on an input stays independent of it at a
    /// singular point (the convention of `Dual`).
    @inlinable @inline(__always)
    static func chain(_ factor: Scalar, _ partials: Lanes) -> Lanes {
        let p = partials * factor
        if factor.isFinite { return p }
        return p.replacing(with: 0, where: partials .== Lanes())
    }
}

extension MultiDual: Equatable {
    /// Equality of values; partials and tags are not compared.
    @inlinable public static func == (lhs: MultiDual, rhs: MultiDual) -> Bool { lhs.value == rhs.value }
}

extension MultiDual: Hashable {
    /// Hashes the value only, consistent with `==`.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension MultiDual: Comparable {
    /// Orders by value.
    @inlinable public static func < (lhs: MultiDual, rhs: MultiDual) -> Bool { lhs.value < rhs.value }
}

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

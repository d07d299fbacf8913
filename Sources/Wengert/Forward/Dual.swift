// Forward-mode automatic differentiation with dual numbers a + b·ε, ε² = 0
// (Clifford 1873; Wengert 1964; Revels, Lubin & Papamarkou 2016 for ForwardDiff.jl).

/// A dual number: a value and the derivative of that value along one direction.
///
/// Evaluating a function on `Dual(x, derivative: 1)` yields f(x) and f′(x) together,
/// exactly (to rounding), at a small constant multiple of the cost of f:
///
/// ```swift
/// let x = Dual(3.0, derivative: 1.0)
/// let y = x * x + sin(x)
/// y.value       // 9 + sin 3
/// y.derivative  // 6 + cos 3
/// ```
///
/// Duals nest: `Dual<Dual<Double>>` carries second derivatives. Each derivative call
/// tags its duals (see `PerturbationTag`), so nested calls cannot confuse their
/// perturbations. Equality, hashing and ordering look at `value` only, so that
/// `if x < 0` in generic code branches as it would on plain numbers, and so that a
/// dual can key a dictionary exactly as its value would.
///
/// Encoding writes `value` and `derivative`; the tag is not encoded, because it names a
/// derivative computation that ends when its call returns, so a decoded dual is untagged.
///
/// Conventions where the derivative is not classically defined, chosen to match PyTorch
/// and JAX:
/// - `abs` and `relu` have derivative 0 at 0 (a subgradient);
/// - `sqrt` and `cbrt` have derivative +∞ at 0, `asin`/`acos` ±∞ at ±1, the logarithms
///   +∞ at the edge of their domain (`log` at 0, `log1p` at -1);
/// - `max`/`min` return NaN when either value is NaN, and send the derivative to the
///   operand that produced the value: the NaN one (the first when both are), the first
///   at a tie; `relu(NaN)` is NaN with derivative 1 (ARCHITECTURE.md, NaN);
/// - `pow(x, y)`: the partial in y is 0 where x = 0 (the limit from the right, not
///   0 · -∞), the partial in x is 0 where y = 0 (x⁰ is constant), and at x = 0 the partial
///   in x is y · 0^(y-1) (+∞ for 0 < y < 1, 1 for y = 1, 0 for y > 1);
/// - `atan2` and `hypot` have partials 0 at the origin;
/// - in the chain rule 0 · ∞ = 0 · NaN = 0, as in reverse mode: a zero tangent stays zero
///   through an infinite partial (the derivative of `sqrt(x)` at x = 0 along 0 is 0, not
///   NaN), and a zero factor passes nothing from an infinite tangent (`sqrt(x) * 0` at 0
///   has derivative 0), so a constant stays a constant (ARCHITECTURE.md, "0 · ∞").
///
/// - Complexity: every operation costs one evaluation of the value plus O(1) for the
///   derivative, and stores nothing.
///
/// See <doc:Modes>.
@frozen
public struct Dual<T: DifferentiableScalar> {
    /// The primal value.
    public var value: T
    /// The directional derivative carried along with the value.
    public var derivative: T
    /// The derivative computation this dual belongs to; `.untagged` for constants.
    public var tag: PerturbationTag

    /// A dual with the given value and derivative, untagged (it combines with any dual).
    @inlinable
    public init(_ value: T, derivative: T = 0) {
        self.value = value
        self.derivative = derivative
        self.tag = .untagged
    }

    /// A dual with the given value, derivative and tag.
    @inlinable
    public init(_ value: T, derivative: T, tag: PerturbationTag) {
        self.value = value
        self.derivative = derivative
        self.tag = tag
    }
}

// Dual's part of `DualNumber`: a tangent of the primal type. Everything else (the rules,
// the elementary functions, the conventions) comes from the protocol's extensions.
extension Dual: DualNumber {
    /// The derivative, under the name `DualNumber` gives it.
    @inlinable public var tangent: T {
        @inline(__always) get { derivative }
        @inline(__always) set { derivative = newValue }
    }

    /// A dual with the given value, derivative and tag.
    @inlinable @inline(__always)
    public init(_ value: T, tangent: T, tag: PerturbationTag) {
        self.init(value, derivative: tangent, tag: tag)
    }

    /// 0.
    @inlinable public static var zeroTangent: T { @inline(__always) get { 0 } }
    /// a + b.
    @inlinable @inline(__always) public static func tangentSum(_ a: T, _ b: T) -> T { a + b }
    /// a - b.
    @inlinable @inline(__always) public static func tangentDifference(_ a: T, _ b: T) -> T { a - b }
    /// -a.
    @inlinable @inline(__always) public static func tangentNegation(_ a: T) -> T { -a }
    /// a · s.
    @inlinable @inline(__always) public static func tangentScaled(_ a: T, by s: T) -> T { a * s }

    /// Over `Double` or `Float`, whether the tangent is a number: an IEEE product differs
    /// from the convention only where it made NaN of 0 · ∞ or 0 · NaN, so one compare on
    /// the result replaces tests of the factors. Over a nested dual, whether the factor
    /// is regular (each level's own arithmetic keeps the convention for its part).
    @inlinable @inline(__always)
    public static func isExact(_ tangent: T, factor: T) -> Bool {
        if T.self == Double.self || T.self == Float.self { return tangent == tangent }
        return isRegular(factor)
    }

    /// `partial · tangent`, except that a zero partial or a zero tangent gives zero even
    /// when the other is infinite or NaN: a constant stays a constant at a singular point,
    /// and a factor of 0 passes nothing.
    ///
    /// Zero means every component zero: `==` compares primal values only, and a nested
    /// partial or tangent such as 0 + 2ε carries a higher-order part that must not be
    /// dropped.
    @inlinable @inline(__always)
    public static func chain(_ partial: T, _ tangent: T) -> T {
        let t = partial * tangent
        if _fastPath(isExact(t, factor: partial)) { return t }
        return Wengert.isExactlyZero(partial) || Wengert.isExactlyZero(tangent) ? 0 : t
    }
}

extension Dual: Hashable where T: Hashable {}

// The operators are declared on the type itself, not in `DualNumber`'s extension: the
// type checker solves the suite's long literal expression (`3 * x * x * x - 2 * x + 7 +
// 0.5 * x * x - x / 4 + 1`) against concrete operators and gives up against generic ones.
extension Dual {
    /// (a + a′ε) + (b + b′ε) = (a + b) + (a′ + b′)ε.
    @inlinable @inline(__always) public static func + (lhs: Dual, rhs: Dual) -> Dual { sum(lhs, rhs) }
    /// (a + a′ε) - (b + b′ε) = (a - b) + (a′ - b′)ε.
    @inlinable @inline(__always) public static func - (lhs: Dual, rhs: Dual) -> Dual { difference(lhs, rhs) }
    /// -(a + a′ε) = -a - a′ε.
    @inlinable @inline(__always) public static prefix func - (operand: Dual) -> Dual { negation(operand) }
    /// (a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε.
    @inlinable @inline(__always) public static func * (lhs: Dual, rhs: Dual) -> Dual { product(lhs, rhs) }
    /// (a + a′ε) / (b + b′ε) = a/b + (a′ - (a/b)·b′)/b · ε.
    @inlinable @inline(__always) public static func / (lhs: Dual, rhs: Dual) -> Dual { quotient(lhs, rhs) }
    /// Adds in place.
    @inlinable @inline(__always) public static func += (lhs: inout Dual, rhs: Dual) { lhs = sum(lhs, rhs) }
    /// Subtracts in place.
    @inlinable @inline(__always) public static func -= (lhs: inout Dual, rhs: Dual) { lhs = difference(lhs, rhs) }
    /// Multiplies in place.
    @inlinable @inline(__always) public static func *= (lhs: inout Dual, rhs: Dual) { lhs = product(lhs, rhs) }
    /// Divides in place.
    @inlinable @inline(__always) public static func /= (lhs: inout Dual, rhs: Dual) { lhs = quotient(lhs, rhs) }

    // Mixed arithmetic with a plain value, which carries no derivative. Disfavoured so
    // that a literal operand becomes a `Dual` (one candidate, fast type checking) while a
    // variable of type `T` still finds these.
    /// Adds a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: Dual, rhs: T) -> Dual { sum(lhs, rhs) }
    /// Adds to a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: T, rhs: Dual) -> Dual { sum(lhs, rhs) }
    /// Subtracts a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: Dual, rhs: T) -> Dual { difference(lhs, rhs) }
    /// Subtracts from a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: T, rhs: Dual) -> Dual { difference(lhs, rhs) }
    /// Scales by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: Dual, rhs: T) -> Dual { product(lhs, rhs) }
    /// Scales a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: T, rhs: Dual) -> Dual { product(lhs, rhs) }
    /// Divides by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: Dual, rhs: T) -> Dual { quotient(lhs, rhs) }
    /// Divides a constant: c / (b + b′ε) = c/b - (c/b)·b′/b · ε.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: T, rhs: Dual) -> Dual { quotient(lhs, rhs) }
    /// Adds a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func += (lhs: inout Dual, rhs: T) { lhs = sum(lhs, rhs) }
    /// Subtracts a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func -= (lhs: inout Dual, rhs: T) { lhs = difference(lhs, rhs) }
    /// Scales by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func *= (lhs: inout Dual, rhs: T) { lhs = product(lhs, rhs) }
    /// Divides by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func /= (lhs: inout Dual, rhs: T) { lhs = quotient(lhs, rhs) }
}

extension Dual: Equatable, Comparable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    AdditiveArithmetic, Numeric, SignedNumeric {}

extension Dual: Sendable where T: Sendable {}

extension Dual: CustomStringConvertible {
    /// "value + derivativeε"; nested duals number their infinitesimals from the inside
    /// out and parenthesise their parts: `(3.0 + 1.0ε₁) + (1.0 + 0.0ε₁)ε₂`.
    public var description: String {
        Self.nestingLevel == 1 ? "\(value) + \(derivative)ε" : nestedDescription()
    }
}

/// A dual type that knows how deeply it is nested, so that printing can tell the
/// infinitesimals of `Dual<Dual<Double>>` apart.
protocol DualNesting {
    static var nestingLevel: Int { get }
    func nestedDescription() -> String
}

extension Dual: DualNesting {
    /// 1 for `Dual<Double>`, 2 for `Dual<Dual<Double>>`, and so on.
    static var nestingLevel: Int { ((T.self as? any DualNesting.Type)?.nestingLevel ?? 0) + 1 }

    /// The description with a numbered ε, each nested part in parentheses.
    func nestedDescription() -> String {
        func part(_ x: T) -> String {
            (x as? any DualNesting).map { "(\($0.nestedDescription()))" } ?? "\(x)"
        }
        return "\(part(value)) + \(part(derivative))ε\(subscriptDigits(Self.nestingLevel))"
    }
}

/// The decimal digits of `n` as Unicode subscripts (₀ is U+2080).
func subscriptDigits(_ n: Int) -> String {
    String(String.UnicodeScalarView(String(n).unicodeScalars.map { Unicode.Scalar($0.value + 0x2050)! }))
}

extension Dual: Codable where T: Codable {
    private enum CodingKeys: String, CodingKey { case value, derivative }

    /// Decodes `value` and `derivative`; the result is untagged.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(T.self, forKey: .value), derivative: try c.decode(T.self, forKey: .derivative))
    }

    /// Encodes `value` and `derivative`; tags live only as long as their computation.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(derivative, forKey: .derivative)
    }
}

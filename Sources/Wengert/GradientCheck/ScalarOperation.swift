// The one table of differentiable scalar operations that the verification suite, the
// random program generator and the benchmark harness iterate over (in the spirit of
// Stan's `expect_ad` and tinygrad's single rule table). A test parses the requirements
// of `DifferentiableScalar` and fails when one has no case here, so a new operation
// cannot ship unchecked.
//
// `package`, not `public`: a fixture of this package's tests and harness, which reach it
// as modules of the same package; users check their own code with the public
// `gradientCheck` family instead.

/// Every differentiable operation a `DifferentiableScalar` offers, as data.
///
/// Each case knows how to apply itself to any scalar type (`apply(_:_:)`), where it is
/// differentiable (`isValid(_:_:margin:)`), where its documented conventions apply
/// (`edgePoints`), and its partial derivatives by an independent reference formula
/// (`referencePartials(_:_:)`). Unary operations ignore their second operand.
///
/// ```swift
/// for op in ScalarOperation.allCases {
///     let y = op.apply(Dual(0.5, derivative: 1), Dual(0.25))   // ∂op/∂x at (0.5, 0.25)
/// }
/// ```
///
/// Besides the protocol's requirements the table holds the compound assignments and
/// operations with a literal operand (`x + 0.75`, `pow(x, 3)`), because tape variables
/// record those through separate paths (a constant operand takes no slot).
package enum ScalarOperation: String, CaseIterable, Sendable, CustomStringConvertible {
    /// x + y.
    case add
    /// x - y.
    case subtract
    /// x · y.
    case multiply
    /// `multiplyAdd(x, y, x * y)` = 2xy: the product is the latest entry, so a tape
    /// records the fused entry, whose third operand is implicit.
    case multiplyAdd
    /// `dot([x, y], [y, x], adding: x * y)` = 3xy: the sum is the latest entry, so a tape
    /// records the two terms as one run (`sumOfProducts`).
    case sumOfProducts
    /// x / y.
    case divide
    /// -x.
    case negate
    /// x += y.
    case addAssign
    /// x -= y.
    case subtractAssign
    /// x *= y.
    case multiplyAssign
    /// x /= y.
    case divideAssign
    /// |x| through `Numeric.magnitude`.
    case magnitude
    /// x + 0.75, a literal operand.
    case addConstant
    /// 1.5 - x, a literal operand.
    case subtractFromConstant
    /// -2.5 · x, a literal operand.
    case multiplyByConstant
    /// 1.25 / x, a literal operand.
    case divideConstant
    /// 1.7ˣ, a literal base.
    case powerOfConstant
    /// x³ through `pow(x, 3)`, a literal exponent (defined for negative x).
    case powerByConstant
    /// sin x.
    case sin
    /// cos x.
    case cos
    /// tan x.
    case tan
    /// asin x.
    case asin
    /// acos x.
    case acos
    /// atan x.
    case atan
    /// atan2(x, y): the angle of the point (y, x).
    case atan2
    /// sinh x.
    case sinh
    /// cosh x.
    case cosh
    /// tanh x.
    case tanh
    /// eˣ.
    case exp
    /// eˣ - 1.
    case expm1
    /// ln x.
    case log
    /// ln(1 + x).
    case log1p
    /// log₂ x.
    case log2
    /// log₁₀ x.
    case log10
    /// xʸ.
    case pow
    /// √x.
    case sqrt
    /// ∛x.
    case cbrt
    /// √(x² + y²).
    case hypot
    /// |x|.
    case abs
    /// min(x, y).
    case min
    /// max(x, y).
    case max
    /// erf x.
    case erf
    /// 1 / (1 + e⁻ˣ).
    case sigmoid
    /// ln(1 + eˣ).
    case softplus
    /// max(x, 0).
    case relu

    /// 1 for functions of one operand, 2 for functions of two.
    @inlinable
    package var arity: Int {
        switch self {
        case .add, .subtract, .multiply, .multiplyAdd, .sumOfProducts, .divide, .addAssign, .subtractAssign,
             .multiplyAssign, .divideAssign, .atan2, .pow, .hypot, .min, .max:
            return 2
        default:
            return 1
        }
    }

    /// The operation applied to `x` (and `y` for binary operations) in any scalar type.
    ///
    /// - Complexity: one operation of `T` (one tape entry for `Var`).
    @inlinable
    package func apply<T: DifferentiableScalar>(_ x: T, _ y: T) -> T {
        switch self {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .multiplyAdd: return T.multiplyAdd(x, y, x * y)
        case .sumOfProducts: return dot([x, y], [y, x], adding: x * y)
        case .divide: return x / y
        case .negate: return -x
        case .addAssign: var r = x; r += y; return r
        case .subtractAssign: var r = x; r -= y; return r
        case .multiplyAssign: var r = x; r *= y; return r
        case .divideAssign: var r = x; r /= y; return r
        case .magnitude: return x.magnitude
        case .addConstant: return x + 0.75
        case .subtractFromConstant: return 1.5 - x
        case .multiplyByConstant: return -2.5 * x
        case .divideConstant: return 1.25 / x
        case .powerOfConstant: return T.pow(1.7, x)
        case .powerByConstant: return T.pow(x, 3)
        case .sin: return T.sin(x)
        case .cos: return T.cos(x)
        case .tan: return T.tan(x)
        case .asin: return T.asin(x)
        case .acos: return T.acos(x)
        case .atan: return T.atan(x)
        case .atan2: return T.atan2(x, y)
        case .sinh: return T.sinh(x)
        case .cosh: return T.cosh(x)
        case .tanh: return T.tanh(x)
        case .exp: return T.exp(x)
        case .expm1: return T.expm1(x)
        case .log: return T.log(x)
        case .log1p: return T.log1p(x)
        case .log2: return T.log2(x)
        case .log10: return T.log10(x)
        case .pow: return T.pow(x, y)
        case .sqrt: return T.sqrt(x)
        case .cbrt: return T.cbrt(x)
        case .hypot: return T.hypot(x, y)
        case .abs: return T.abs(x)
        case .min: return T.min(x, y)
        case .max: return T.max(x, y)
        case .erf: return T.erf(x)
        case .sigmoid: return T.sigmoid(x)
        case .softplus: return T.softplus(x)
        case .relu: return T.relu(x)
        }
    }

    /// The name of the requirement of `DifferentiableScalar` (or of `SignedNumeric`)
    /// that this case exercises: `"+"`, `"+="`, `"sin"`, `"magnitude"`.
    package var requirement: String {
        switch self {
        case .add, .addConstant: return "+"
        case .subtract, .subtractFromConstant: return "-"
        case .multiply, .multiplyByConstant: return "*"
        case .divide, .divideConstant: return "/"
        case .negate: return "prefix -"
        case .addAssign: return "+="
        case .subtractAssign: return "-="
        case .multiplyAssign: return "*="
        case .divideAssign: return "/="
        case .powerOfConstant, .powerByConstant: return "pow"
        default: return rawValue
        }
    }

    /// The operation written as an expression over the operand names `a` and `b`.
    package func expression(_ a: String, _ b: String) -> String {
        switch self {
        case .add: return "\(a) + \(b)"
        case .subtract: return "\(a) - \(b)"
        case .multiply: return "\(a) * \(b)"
        case .multiplyAdd: return "multiplyAdd(\(a), \(b), \(a) * \(b))"
        case .sumOfProducts: return "dot([\(a), \(b)], [\(b), \(a)], adding: \(a) * \(b))"
        case .divide: return "\(a) / \(b)"
        case .negate: return "-\(a)"
        case .addAssign: return "(\(a) += \(b))"
        case .subtractAssign: return "(\(a) -= \(b))"
        case .multiplyAssign: return "(\(a) *= \(b))"
        case .divideAssign: return "(\(a) /= \(b))"
        case .magnitude: return "\(a).magnitude"
        case .addConstant: return "\(a) + 0.75"
        case .subtractFromConstant: return "1.5 - \(a)"
        case .multiplyByConstant: return "-2.5 * \(a)"
        case .divideConstant: return "1.25 / \(a)"
        case .powerOfConstant: return "pow(1.7, \(a))"
        case .powerByConstant: return "pow(\(a), 3)"
        default: return arity == 2 ? "\(rawValue)(\(a), \(b))" : "\(rawValue)(\(a))"
        }
    }

    /// The operation applied to `x` and `y`, as in `sin(x)` or `x + y`.
    package var description: String { expression("x", "y") }
}

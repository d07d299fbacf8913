// The operation codes a backend runs. They replace Swift closures at the device seam:
// a closure cannot cross to an OpenCL device, a code can, and both backends evaluate a
// code with the same formula (the forms of Scalar/ElementaryRules.swift and
// DifferentiableScalar+Defaults.swift).

/// Elementwise functions of one operand.
public enum UnaryOperation: Int32, CaseIterable, Sendable {
    /// x (a strided copy).
    case identity = 0
    /// -x
    case negate, abs, exp, expm1, log, log1p, log2, log10, sqrt, cbrt
    /// Trigonometric and hyperbolic functions.
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh
    /// The error function.
    case erf
    /// 1 / (1 + e⁻ˣ), without overflow.
    case sigmoid
    /// max(x, 0) + log1p(e^-|x|).
    case softplus
    /// max(x, 0); NaN stays NaN.
    case relu
    /// x·x
    case square
    /// 1 / x
    case reciprocal
    /// -1, 0 or 1 (NaN stays NaN).
    case sign

    /// The value at `x` on the CPU, the reference the OpenCL kernels are tested against.
    @inlinable public func apply<S: TensorScalar>(_ x: S) -> S {
        switch self {
        case .identity: x
        case .negate: -x
        case .abs: Swift.abs(x)
        case .exp: S.exp(x)
        case .expm1: S.expm1(x)
        case .log: S.log(x)
        case .log1p: S.log1p(x)
        case .log2: S.log2(x)
        case .log10: S.log10(x)
        case .sqrt: S.sqrt(x)
        case .cbrt: S.cbrt(x)
        case .sin: S.sin(x)
        case .cos: S.cos(x)
        case .tan: S.tan(x)
        case .asin: S.asin(x)
        case .acos: S.acos(x)
        case .atan: S.atan(x)
        case .sinh: S.sinh(x)
        case .cosh: S.cosh(x)
        case .tanh: S.tanh(x)
        case .erf: S.erf(x)
        case .sigmoid: S.sigmoid(x)
        case .softplus: S.softplus(x)
        case .relu: x > 0 || x.isNaN ? x : 0
        case .square: x * x
        case .reciprocal: 1 / x
        case .sign: x > 0 ? 1 : x < 0 ? -1 : x
        }
    }
}

/// Elementwise functions of two operands.
public enum BinaryOperation: Int32, CaseIterable, Sendable {
    /// a + b, a - b, a · b, a / b (the codes of the C kernels).
    case add = 0, subtract, multiply, divide
    /// aᵇ
    case power
    /// atan2(a, b)
    case atan2
    /// √(a² + b²)
    case hypot
    /// The smaller operand; NaN when either is NaN (the first operand at a tie), as
    /// `min` on tensors.
    case minimum
    /// The larger operand, with the conventions of ``minimum``.
    case maximum
    /// a·b, except 0 where either is 0 whatever the other is: a cotangent times a
    /// partial, with the chain rule's convention at 0·∞ (ARCHITECTURE.md).
    case chain

    /// The value on the CPU.
    @inlinable public func apply<S: TensorScalar>(_ a: S, _ b: S) -> S {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .power: S.pow(a, b)
        case .atan2: S.atan2(a, b)
        case .hypot: S.hypot(a, b)
        case .minimum: b < a || (b.isNaN && !a.isNaN) ? b : a
        case .maximum: b > a || (b.isNaN && !a.isNaN) ? b : a
        case .chain: a == 0 || b == 0 ? 0 : a * b
        }
    }
}

/// Elementwise comparisons; the result is 1 where true and 0 where false, in the
/// operands' scalar type (a mask `select` and arithmetic can use).
public enum ComparisonOperation: Int32, CaseIterable, Sendable {
    /// ==, !=, <, <=, >, >= (IEEE: every comparison with NaN is false except !=).
    case equal = 0, notEqual, less, lessOrEqual, greater, greaterOrEqual

    /// Whether the comparison holds.
    @inlinable public func holds<S: TensorScalar>(_ a: S, _ b: S) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }
}

/// Folds along axes. An empty fold gives the identity: 0 for sum, 1 for product, -∞ for
/// maximum, +∞ for minimum, NaN for mean (0 / 0).
public enum ReductionOperation: Int32, CaseIterable, Sendable {
    /// Σ, Π, the mean (Σ / count), max and min (NaN propagates through max and min).
    case sum = 0, product, mean, maximum, minimum

    /// The starting value of the fold.
    @inlinable public func identity<S: TensorScalar>(_: S.Type) -> S {
        switch self {
        case .sum, .mean: 0
        case .product: 1
        case .maximum: -S.infinity
        case .minimum: S.infinity
        }
    }

    /// One step of the fold.
    @inlinable public func combine<S: TensorScalar>(_ a: S, _ b: S) -> S {
        switch self {
        case .sum, .mean: a + b
        case .product: a * b
        case .maximum: a.isNaN || a >= b ? a : b
        case .minimum: a.isNaN || a <= b ? a : b
        }
    }
}

/// What ``Backend/random(_:distribution:seed:)`` draws.
public enum RandomDistribution<Scalar: TensorScalar>: Sendable {
    /// Uniform on [lower, upper).
    case uniform(lower: Scalar, upper: Scalar)
    /// Normal with the given mean and standard deviation (Box–Muller).
    case normal(mean: Scalar, standardDeviation: Scalar)
}

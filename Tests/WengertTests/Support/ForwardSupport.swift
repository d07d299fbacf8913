import Testing
import Wengert

extension Tag {
    /// Tests of forward mode: duals, multi-lane duals, Forward.gradient/jacobian/jvp.
    @Tag static var forwardMode: Tag
}

/// |a - b| ≤ tolerance · max(1, |a|, |b|), with equal infinities and two NaNs counting as
/// equal: derivatives at boundaries are often infinite.
func forwardClose(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tolerance * max(1, max(abs(a), abs(b)))
}

/// The elementary functions of one variable, each with its derivative written out by
/// hand and sample points that include the edges of its domain.
enum ForwardUnaryFunction: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, expm1, log, log1p, log2, log10
    case sqrt, cbrt, abs, erf, sigmoid, softplus, relu

    var testDescription: String { rawValue }

    /// The function on any scalar, through the module's free functions.
    func apply<T: DifferentiableScalar>(_ x: T) -> T {
        switch self {
        case .sin: Wengert.sin(x)
        case .cos: Wengert.cos(x)
        case .tan: Wengert.tan(x)
        case .asin: Wengert.asin(x)
        case .acos: Wengert.acos(x)
        case .atan: Wengert.atan(x)
        case .sinh: Wengert.sinh(x)
        case .cosh: Wengert.cosh(x)
        case .tanh: Wengert.tanh(x)
        case .exp: Wengert.exp(x)
        case .expm1: Wengert.expm1(x)
        case .log: Wengert.log(x)
        case .log1p: Wengert.log1p(x)
        case .log2: Wengert.log2(x)
        case .log10: Wengert.log10(x)
        case .sqrt: Wengert.sqrt(x)
        case .cbrt: Wengert.cbrt(x)
        case .abs: Wengert.abs(x)
        case .erf: Wengert.erf(x)
        case .sigmoid: Wengert.sigmoid(x)
        case .softplus: Wengert.softplus(x)
        case .relu: Wengert.relu(x)
        }
    }

    /// The derivative from its textbook formula, independent of the rules under test.
    func analyticDerivative(_ x: Double) -> Double {
        switch self {
        case .sin: return Wengert.cos(x)
        case .cos: return -Wengert.sin(x)
        case .tan: return 1 / (Wengert.cos(x) * Wengert.cos(x))
        case .asin: return 1 / ((1 - x) * (1 + x)).squareRoot()
        case .acos: return -1 / ((1 - x) * (1 + x)).squareRoot()
        case .atan: return 1 / (1 + x * x)
        case .sinh: return Wengert.cosh(x)
        case .cosh: return Wengert.sinh(x)
        case .tanh: return 1 / (Wengert.cosh(x) * Wengert.cosh(x))
        case .exp, .expm1: return Wengert.exp(x)
        case .log: return 1 / x
        case .log1p: return 1 / (1 + x)
        case .log2: return 1 / (x * 0.6931471805599453)
        case .log10: return 1 / (x * 2.302585092994046)
        case .sqrt: return 0.5 / x.squareRoot()
        case .cbrt: return 1 / (3 * Wengert.pow(Swift.abs(x), 2.0 / 3))
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .erf: return 2 / Double.pi.squareRoot() * Wengert.exp(-x * x)
        case .sigmoid: return 1 / (2 + Wengert.exp(x) + Wengert.exp(-x))
        case .softplus: return 1 / (1 + Wengert.exp(-x))
        case .relu: return x > 0 ? 1 : 0
        }
    }

    /// Sample points: ordinary ones, and the edges of the domain where they exist.
    var points: [Double] {
        switch self {
        case .sin, .cos: [-3, 0, 0.5, 2, 100]
        case .tan: [-1.2, 0, 0.7, 1.5]
        case .asin, .acos: [-1, -0.999, 0, 0.3, 0.999, 1 - 0x1p-40, 1]
        case .atan: [-1e8, -2, 0, 0.5, 1e8]
        case .sinh, .cosh, .tanh: [-20, -1, 0, 0.5, 20]
        case .exp, .expm1: [-700, -1, -1e-10, 0, 1e-10, 2, 700]
        case .log: [1e-300, 0.5, 1, 3, 1e300, 0]
        case .log1p: [-0.999, -1e-10, 0, 1e-10, 5, -1]
        case .log2, .log10: [1e-10, 0.5, 1, 8, 1e10, 0]
        case .sqrt: [1e-300, 0.25, 2, 1e300, 0]
        case .cbrt: [-8, -1e-6, 1e-6, 27, 0]
        case .abs, .relu: [-2, -1e-300, 0, 1e-300, 3]
        case .erf: [-6, -1, 0, 0.5, 6]
        case .sigmoid, .softplus: [-800, -40, -1, 0, 1, 40, 800]
        }
    }
}

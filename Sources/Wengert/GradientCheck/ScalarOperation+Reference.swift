// Reference partial derivatives, written independently of the rules in Forward/ and
// Reverse/ (different but equivalent formulas where one exists: 1/cos² for tan′, not
// 1 + tan²), with the library's conventions at kinks and boundaries spelled out. A
// mode that disagrees with this table has a wrong rule, or this table a wrong entry.

extension ScalarOperation {
    /// The partial derivatives (∂/∂x, ∂/∂y) of the operation at (x, y), in `Double`.
    /// For unary operations the second is 0.
    ///
    /// Conventions (those of `Dual` and ARCHITECTURE.md): `abs`, `magnitude` and
    /// `relu` have derivative 0 at 0; `sqrt` and `cbrt` +∞ at 0; `min` and `max` pass
    /// the derivative to the operand that produced the value (x at a tie, the NaN one
    /// when one is NaN; relu(NaN) has derivative 1); `pow(0, y)` has partial 0 in y and `pow(x, 0)`
    /// partial 0 in x; `atan2` and `hypot` have partials 0 at the origin.
    ///
    /// - Complexity: O(1).
    package func referencePartials(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        switch self {
        case .add, .addAssign: return (1, 1)
        case .subtract, .subtractAssign: return (1, -1)
        case .multiply, .multiplyAssign: return (y, x)
        case .multiplyAdd: return (2 * y, 2 * x)
        case .sumOfProducts: return (3 * y, 3 * x)
        case .divide, .divideAssign: return (1 / y, -x / (y * y))
        case .negate: return (-1, 0)
        case .magnitude, .abs: return (x > 0 ? 1 : x < 0 ? -1 : 0, 0)
        case .addConstant: return (1, 0)
        case .subtractFromConstant: return (-1, 0)
        case .multiplyByConstant: return (-2.5, 0)
        case .divideConstant: return (-1.25 / (x * x), 0)
        case .powerOfConstant: return (Double.pow(1.7, x) * 0.530628251062170396, 0)
        case .powerByConstant: return (3 * x * x, 0)
        case .sin: return (Double.cos(x), 0)
        case .cos: return (-Double.sin(x), 0)
        case .tan:
            let c = Double.cos(x)
            return (1 / (c * c), 0)
        // √(1 - x)·√(1 + x): 1 - x is exact near 1 (Sterbenz), unlike 1 - x².
        case .asin: return (1 / ((1 - x).squareRoot() * (1 + x).squareRoot()), 0)
        case .acos: return (-1 / ((1 - x).squareRoot() * (1 + x).squareRoot()), 0)
        case .atan: return (1 / (1 + x * x), 0)
        case .atan2:
            let r2 = x * x + y * y
            return r2 == 0 ? (0, 0) : (y / r2, -x / r2)
        case .sinh: return (Double.cosh(x), 0)
        case .cosh: return (Double.sinh(x), 0)
        case .tanh:
            let c = Double.cosh(x)
            return (1 / (c * c), 0)
        case .exp, .expm1: return (Double.exp(x), 0)
        case .log: return (1 / x, 0)
        case .log1p: return (1 / (1 + x), 0)
        case .log2: return (1.44269504088896340736 / x, 0)
        case .log10: return (0.434294481903251827651 / x, 0)
        case .pow:
            let dx = y == 0 ? 0 : y * Double.pow(x, y - 1)
            let dy = x == 0 ? 0 : Double.pow(x, y) * Double.log(x)
            return (dx, dy)
        case .sqrt: return (0.5 / x.squareRoot(), 0)
        case .cbrt:
            let c = Double.cbrt(x)
            return (1 / (3 * c * c), 0)
        case .hypot:
            let h = Double.hypot(x, y)
            return h == 0 ? (0, 0) : (x / h, y / h)
        // The operand that produced the value: y when smaller (larger) or when y alone is NaN.
        case .min: return y < x || (y.isNaN && !x.isNaN) ? (0, 1) : (1, 0)
        case .max: return y > x || (y.isNaN && !x.isNaN) ? (0, 1) : (1, 0)
        case .erf: return (1.12837916709551257390 * Double.exp(-x * x), 0)
        case .sigmoid:
            let e = Double.exp(-Swift.abs(x))
            return (e / ((1 + e) * (1 + e)), 0)
        case .softplus:
            let e = Double.exp(-Swift.abs(x))
            return (x >= 0 ? 1 / (1 + e) : e / (1 + e), 0)
        case .relu: return (x > 0 || x.isNaN ? 1 : 0, 0)
        }
    }
}

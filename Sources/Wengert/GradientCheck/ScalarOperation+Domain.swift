// Where each operation of the table is differentiable, and the points at which the
// verification suite samples it. Finite differences are only meaningful away from
// kinks, singularities and branch cuts, so `isValid` keeps a margin from each.

extension ScalarOperation {
    /// Whether the operation is smooth in a neighbourhood of radius `margin` around
    /// (x, y): no singularity, kink (`abs`, `relu`, `min`, `max`), branch cut (`atan2`)
    /// or domain boundary (`log`, `asin`, `sqrt`, …) that close.
    ///
    /// - Complexity: O(1).
    package func isValid(_ x: Double, _ y: Double, margin: Double) -> Bool {
        guard x.isFinite, y.isFinite else { return false }
        switch self {
        case .divide, .divideAssign: return Swift.abs(y) > margin
        case .divideConstant, .cbrt, .abs, .magnitude, .relu: return Swift.abs(x) > margin
        case .tan: return Swift.abs(Double.cos(x)) > margin
        case .asin, .acos: return Swift.abs(x) < 1 - margin
        case .log, .log2, .log10, .sqrt, .pow: return x > margin
        case .log1p: return x > -1 + margin
        case .atan2:
            // atan2(x, y) jumps by 2π across the negative y axis (x = 0, y < 0).
            return x * x + y * y > margin * margin && !(y < 0 && Swift.abs(x) <= margin)
        case .hypot: return x * x + y * y > margin * margin
        case .min, .max: return Swift.abs(x - y) > margin
        default: return true
        }
    }

    /// Points in the operation's domain, away from its edges, where every mode must
    /// agree with finite differences and with `referencePartials(_:_:)`: negative,
    /// zero, small and moderate values, filtered by `isValid(_:_:margin:)` with margin 0.1.
    package var samplePoints: [(x: Double, y: Double)] {
        let xs: [Double] = [-2.3, -1.1, -0.45, 0, 1e-3, 0.35, 0.8, 1.6, 2.9]
        let ys: [Double] = [0.6, -1.7, 2.2, -0.3, 1.3]
        var points: [(x: Double, y: Double)] = []
        for (i, x) in xs.enumerated() {
            let y = arity == 2 ? ys[i % ys.count] : 0
            if isValid(x, y, margin: 0.1) { points.append((x, y)) }
        }
        return points
    }

    /// Points on the edge of the domain (zero, domain boundaries, ties, tiny and huge
    /// magnitudes) where every mode must reproduce the documented convention that
    /// `referencePartials(_:_:)` encodes, rather than agree with finite differences.
    package var edgePoints: [(x: Double, y: Double)] {
        let tiny = 1e-300, huge = 1e300
        switch self {
        case .add, .subtract, .multiply, .multiplyAdd, .sumOfProducts, .addAssign, .subtractAssign, .multiplyAssign:
            return [(0, 0), (tiny, -huge), (huge, 2)]
        case .divide, .divideAssign: return [(0, 2), (tiny, 3), (huge, 0.5), (-1, tiny)]
        case .negate, .addConstant, .subtractFromConstant, .multiplyByConstant: return [(0, 0), (tiny, 0), (-huge, 0)]
        case .divideConstant: return [(tiny * 1e150, 0), (-huge, 0)]
        case .magnitude, .abs, .relu: return [(0, 0), (-0.0, 0), (tiny, 0), (-tiny, 0), (-huge, 0)]
        case .powerOfConstant: return [(0, 0), (-huge, 0), (2000, 0)]
        case .powerByConstant: return [(0, 0), (-2, 0), (tiny, 0)]
        case .sin, .cos, .atan, .sinh, .tanh, .erf, .expm1: return [(0, 0), (tiny, 0), (-30, 0), (huge, 0)]
        case .tan: return [(0, 0), (tiny, 0), (-1.5, 0)]
        case .cosh: return [(0, 0), (tiny, 0), (1000, 0)]
        case .asin, .acos: return [(1, 0), (-1, 0), (0, 0), (tiny, 0)]
        case .atan2: return [(0, 0), (0, 1), (1, 0), (tiny, -1)]
        case .exp: return [(0, 0), (-1000, 0), (1000, 0), (tiny, 0)]
        case .log, .log2, .log10: return [(0, 0), (tiny, 0), (huge, 0), (1, 0)]
        case .log1p: return [(-1, 0), (0, 0), (tiny, 0), (huge, 0)]
        case .pow: return [(0, 2.5), (2, 0), (0, 0), (1, 7)]
        case .sqrt: return [(0, 0), (tiny, 0), (huge, 0)]
        case .cbrt: return [(0, 0), (-8, 0), (tiny, 0), (-huge, 0)]
        case .hypot: return [(0, 0), (3, 0), (0, -4), (huge, huge)]
        case .min, .max: return [(1, 1), (0, 0), (-huge, huge), (tiny, 0)]
        case .sigmoid, .softplus: return [(0, 0), (1000, 0), (-1000, 0), (tiny, 0)]
        }
    }

    /// Points just inside the edge of the domain, where the partials are finite but a
    /// badly conditioned formula loses its digits (1 - x² near ±1, 1 - σ near the tails,
    /// reciprocals near 0, overflow thresholds). Every mode must match
    /// `referencePartials(_:_:)` there to a relative 1e-12 (1/√(1 - x²) is off by 2.5e-11
    /// at 1 - 1e-10).
    package var nearEdgePoints: [(x: Double, y: Double)] {
        let nearOne = 1 - 0x1p-30, nearerOne = 1 - 0x1p-52
        switch self {
        case .asin, .acos:
            return [(0.99999999, 0), (-0.99999999, 0), (0.9999999999, 0), (-0.9999999999, 0), (nearerOne, 0)]
        case .log, .log2, .log10: return [(1e-300, 0), (1 + 0x1p-40, 0), (1e300, 0)]
        case .log1p: return [(-nearOne, 0), (-nearerOne, 0), (1e-300, 0)]
        case .sqrt: return [(1e-300, 0), (0x1p-1074, 0), (1e300, 0)]
        case .cbrt: return [(1e-300, 0), (-1e-300, 0), (1e300, 0)]
        case .divide, .divideAssign: return [(1, 1e-150), (-1, -1e-150), (1e-300, 3)]
        case .divideConstant: return [(1e-150, 0), (-1e-150, 0)]
        case .tan: return [(1.5707963267948, 0), (-1.5707963267948, 0)]
        case .exp, .expm1: return [(709, 0), (-700, 0), (0x1p-60, 0)]
        case .sinh, .cosh: return [(710, 0), (-710, 0), (0x1p-60, 0)]
        case .sigmoid, .softplus: return [(36, 0), (-36, 0), (700, 0), (-700, 0)]
        case .erf: return [(5, 0), (-5, 0), (0x1p-60, 0)]
        case .atan: return [(1e150, 0), (-1e150, 0)]
        case .tanh: return [(3, 0), (-3, 0), (0x1p-60, 0)]
        case .pow: return [(1e-100, 2.5), (2, 0x1p-60), (1e-10, -1), (0x1p-60, 0.5)]
        case .atan2: return [(1e-150, 1e-150), (-1e-150, 1e-150), (1e150, 1e-150)]
        case .hypot: return [(1e-150, 1e-150), (1e300, 1e300), (1e-300, 1)]
        case .powerOfConstant: return [(1000, 0), (-1000, 0)]
        case .powerByConstant: return [(1e-100, 0), (1e100, 0)]
        case .min, .max: return [(1, 1 + 0x1p-52), (1 + 0x1p-52, 1), (-1e300, 1e300)]
        case .magnitude, .abs, .relu: return [(0x1p-1074, 0), (-0x1p-1074, 0)]
        case .sin, .cos: return [(1e10, 0), (0x1p-60, 0)]
        case .add, .subtract, .multiply, .multiplyAdd, .sumOfProducts, .addAssign, .subtractAssign, .multiplyAssign:
            return [(1e300, 1e-300), (-1e-300, 1e300)]
        case .negate, .addConstant, .subtractFromConstant, .multiplyByConstant: return [(1e300, 0), (-1e-300, 0)]
        }
    }
}

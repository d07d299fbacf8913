// The one table of local derivatives for reverse mode: each function's value beside
// its partials. Recording (Var+ElementaryFunctions.swift) and replay (Tape+Replay.swift)
// both call these, so a replayed tape computes exactly what a fresh recording would.
// The conventions at kinks and singular points are those of `Dual` (ARCHITECTURE.md):
// abs and relu have derivative 0 at 0, sqrt and cbrt +∞ at 0, min/max favour their
// first argument at a tie, pow(0, y) has partial 0 in y and pow(x, 0) partial 0 in x.
// An infinite partial is harmless: the sweep skips entries whose adjoint is zero.

/// Value and local partial(s) of every operation the tape knows, by opcode.
@usableFromInline
enum ReverseRule<T: DifferentiableScalar> {
    /// The value of a unary operation and its derivative at `x`; `c` is the operation's
    /// constant for the `…Constant` opcodes and ignored otherwise.
    @inlinable @inline(__always)
    static func unary(_ op: ReverseOpcode, _ x: T, _ c: T) -> (value: T, partial: T) {
        switch op {
        case .negate: return (-x, -1)
        case .addConstant: return (x + c, 1)
        case .subtractConstant: return (x - c, 1)
        case .constantMinus: return (c - x, -1)
        case .multiplyConstant: return (x * c, c)
        case .divideConstant: return (x / c, 1 / c)
        case .constantOver:
            let q = c / x
            return (q, -q / x)
        case .powConstant:
            return (T.pow(x, c), c == 0 ? 0 : c * T.pow(x, c - 1))
        case .constantPow:
            let p = T.pow(c, x)
            return (p, c == 0 ? 0 : p * T.log(c))
        case .sin: return (T.sin(x), T.cos(x))
        case .cos: return (T.cos(x), -T.sin(x))
        case .tan:
            let t = T.tan(x)
            return (t, 1 + t * t)
        case .asin: return (T.asin(x), 1 / T.sqrt(1 - x * x))
        case .acos: return (T.acos(x), -1 / T.sqrt(1 - x * x))
        case .atan: return (T.atan(x), 1 / (1 + x * x))
        case .sinh: return (T.sinh(x), T.cosh(x))
        case .cosh: return (T.cosh(x), T.sinh(x))
        case .tanh:
            let t = T.tanh(x)
            return (t, 1 - t * t)
        case .exp:
            let e = T.exp(x)
            return (e, e)
        case .expm1: return (T.expm1(x), T.exp(x))
        case .log: return (T.log(x), 1 / x)
        case .log1p: return (T.log1p(x), 1 / (1 + x))
        case .log2: return (T.log2(x), 1 / (x * T(0.693147180559945309417232121458176568)))
        case .log10: return (T.log10(x), 1 / (x * T(2.30258509299404568401799145468436421)))
        case .sqrt:
            let s = T.sqrt(x)
            return (s, 1 / (2 * s))
        case .cbrt:
            let r = T.cbrt(x)
            return (r, 1 / (3 * r * r))
        case .abs: return (T.abs(x), x > 0 ? 1 : (x < 0 ? -1 : 0))
        case .erf: return (T.erf(x), T(1.12837916709551257389615890312154517) * T.exp(-x * x))
        case .sigmoid:
            let s = T.sigmoid(x)
            return (s, s * (1 - s))
        case .softplus: return (T.softplus(x), T.sigmoid(x))
        case .relu: return x > 0 ? (x, 1) : (0, 0)
        default: notAUnaryOpcode(op)
        }
    }

    /// The value of a binary operation and its partials in `x` and `y`.
    @inlinable @inline(__always)
    static func binary(_ op: ReverseOpcode, _ x: T, _ y: T) -> (value: T, lhs: T, rhs: T) {
        switch op {
        case .add: return (x + y, 1, 1)
        case .subtract: return (x - y, 1, -1)
        case .multiply: return (x * y, y, x)
        case .divide:
            let q = x / y
            return (q, 1 / y, -q / y)
        case .atan2:
            let r2 = x * x + y * y
            if r2 == 0 { return (T.atan2(x, y), 0, 0) }
            return (T.atan2(x, y), y / r2, -x / r2)
        case .pow:
            let p = T.pow(x, y)
            return (p, y == 0 ? 0 : y * T.pow(x, y - 1), x == 0 ? 0 : p * T.log(x))
        case .hypot:
            let h = T.hypot(x, y)
            if h == 0 { return (h, 0, 0) }
            return (h, x / h, y / h)
        case .min:
            let m = T.min(x, y)
            return y < x ? (m, 0, 1) : (m, 1, 0)
        case .max:
            let m = T.max(x, y)
            return y > x ? (m, 0, 1) : (m, 1, 0)
        default: notABinaryOpcode(op)
        }
    }
}

@usableFromInline @inline(never)
func notAUnaryOpcode(_ op: ReverseOpcode) -> Never {
    fatalError("Wengert internal error: opcode \(op) is not a unary operation")
}

@usableFromInline @inline(never)
func notABinaryOpcode(_ op: ReverseOpcode) -> Never {
    fatalError("Wengert internal error: opcode \(op) is not a binary operation")
}

// The local derivatives of every tape opcode. Recording (Var+ElementaryFunctions.swift)
// and replay (Tape+Replay.swift) both call these, so a replayed tape computes exactly
// what a fresh recording would (the default; a `.vectorized` replay computes the
// batchable functions with the vector kernels instead, to their ulp bounds: see
// ReplaySchedule.swift); the elementary functions delegate to `ElementaryRule`
// (Scalar/ElementaryRules.swift), the table forward mode uses too.
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
        // One rule for pow, the table's, whichever operand is constant (its conventions
        // at x = 0 and y = 0 included); the unused partial costs one libm call.
        case .powConstant:
            let r = ElementaryRule.pow(x, c)
            return (r.value, r.lhs)
        case .constantPow:
            let r = ElementaryRule.pow(c, x)
            return (r.value, r.rhs)
        case .sin: return ElementaryRule.sin(x)
        case .cos: return ElementaryRule.cos(x)
        case .tan: return ElementaryRule.tan(x)
        case .asin: return ElementaryRule.asin(x)
        case .acos: return ElementaryRule.acos(x)
        case .atan: return ElementaryRule.atan(x)
        case .sinh: return ElementaryRule.sinh(x)
        case .cosh: return ElementaryRule.cosh(x)
        case .tanh: return ElementaryRule.tanh(x)
        case .exp: return ElementaryRule.exp(x)
        case .expm1: return ElementaryRule.expm1(x)
        case .log: return ElementaryRule.log(x)
        case .log1p: return ElementaryRule.log1p(x)
        case .log2: return ElementaryRule.log2(x)
        case .log10: return ElementaryRule.log10(x)
        case .sqrt: return ElementaryRule.sqrt(x)
        case .cbrt: return ElementaryRule.cbrt(x)
        case .abs: return ElementaryRule.abs(x)
        case .erf: return ElementaryRule.erf(x)
        case .sigmoid: return ElementaryRule.sigmoid(x)
        case .softplus: return ElementaryRule.softplus(x)
        case .relu: return ElementaryRule.relu(x)
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
        case .atan2: return ElementaryRule.atan2(x, y)
        case .pow: return ElementaryRule.pow(x, y)
        case .hypot: return ElementaryRule.hypot(x, y)
        case .min: return ElementaryRule.min(x, y)
        case .max: return ElementaryRule.max(x, y)
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

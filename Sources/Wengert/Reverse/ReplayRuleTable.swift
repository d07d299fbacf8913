// The C interpreters' callbacks (include/CWengertReplay.h): for each opcode they hand
// back to Swift (the elementary functions, pow, atan2, hypot, min, max), a C function
// pointer that applies `ReverseRule` for that opcode alone. One callback taking the
// opcode ran a switch on it at every call: about 38 instructions around each libm call
// in logsumexp's replay, against an exp of about 50 (callgrind, docs/measurements.md).
// The opcode is a constant in each closure below, so the switches fold away.

import CWengert

/// `ReverseRule` applied as the Swift loop's `default` case applies it: stores the
/// partials in `entry` (a `TapeEntry<T>`) and returns the value; `y` is the right operand
/// of a binary opcode, the constant of `powConstant` and `constantPow`, else ignored.
@inlinable @inline(__always)
func replayRule<T: DifferentiableScalar>(_ op: ReverseOpcode, _ x: T, _ y: T, _ entry: UnsafeMutableRawPointer?) -> T {
    let e = entry.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
    if op.isBinary {
        let r = ReverseRule<T>.binary(op, x, y)
        e.pointee.lhsPartial = r.lhs
        e.pointee.rhsPartial = r.rhs
        return r.value
    }
    let r = ReverseRule<T>.unary(op, x, y)
    e.pointee.lhsPartial = r.partial
    return r.value
}

/// The C interpreters' rule for each opcode they hand back, indexed by opcode
/// (`WengertReplayRuleDouble`); nil for the opcodes they write out themselves.
@usableFromInline let replayRulesDouble: [WengertReplayRuleDouble?] = [
    nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, // null ... constantOver
    { replayRule(.powConstant, $0, $1, $2) }, { replayRule(.constantPow, $0, $1, $2) },
    { replayRule(.sin, $0, $1, $2) }, { replayRule(.cos, $0, $1, $2) }, { replayRule(.tan, $0, $1, $2) },
    { replayRule(.asin, $0, $1, $2) }, { replayRule(.acos, $0, $1, $2) }, { replayRule(.atan, $0, $1, $2) },
    { replayRule(.sinh, $0, $1, $2) }, { replayRule(.cosh, $0, $1, $2) }, { replayRule(.tanh, $0, $1, $2) },
    { replayRule(.exp, $0, $1, $2) }, { replayRule(.expm1, $0, $1, $2) }, { replayRule(.log, $0, $1, $2) },
    { replayRule(.log1p, $0, $1, $2) }, { replayRule(.log2, $0, $1, $2) }, { replayRule(.log10, $0, $1, $2) },
    { replayRule(.sqrt, $0, $1, $2) }, { replayRule(.cbrt, $0, $1, $2) }, { replayRule(.abs, $0, $1, $2) },
    { replayRule(.erf, $0, $1, $2) }, { replayRule(.sigmoid, $0, $1, $2) },
    { replayRule(.softplus, $0, $1, $2) }, { replayRule(.relu, $0, $1, $2) },
    { replayRule(.atan2, $0, $1, $2) }, { replayRule(.pow, $0, $1, $2) }, { replayRule(.hypot, $0, $1, $2) },
    { replayRule(.min, $0, $1, $2) }, { replayRule(.max, $0, $1, $2) },
    nil, nil, // multiplyAdd, multiplyAddInterior
]

/// `replayRulesDouble` for `Float` tapes.
@usableFromInline let replayRulesFloat: [WengertReplayRuleFloat?] = [
    nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, // null ... constantOver
    { replayRule(.powConstant, $0, $1, $2) }, { replayRule(.constantPow, $0, $1, $2) },
    { replayRule(.sin, $0, $1, $2) }, { replayRule(.cos, $0, $1, $2) }, { replayRule(.tan, $0, $1, $2) },
    { replayRule(.asin, $0, $1, $2) }, { replayRule(.acos, $0, $1, $2) }, { replayRule(.atan, $0, $1, $2) },
    { replayRule(.sinh, $0, $1, $2) }, { replayRule(.cosh, $0, $1, $2) }, { replayRule(.tanh, $0, $1, $2) },
    { replayRule(.exp, $0, $1, $2) }, { replayRule(.expm1, $0, $1, $2) }, { replayRule(.log, $0, $1, $2) },
    { replayRule(.log1p, $0, $1, $2) }, { replayRule(.log2, $0, $1, $2) }, { replayRule(.log10, $0, $1, $2) },
    { replayRule(.sqrt, $0, $1, $2) }, { replayRule(.cbrt, $0, $1, $2) }, { replayRule(.abs, $0, $1, $2) },
    { replayRule(.erf, $0, $1, $2) }, { replayRule(.sigmoid, $0, $1, $2) },
    { replayRule(.softplus, $0, $1, $2) }, { replayRule(.relu, $0, $1, $2) },
    { replayRule(.atan2, $0, $1, $2) }, { replayRule(.pow, $0, $1, $2) }, { replayRule(.hypot, $0, $1, $2) },
    { replayRule(.min, $0, $1, $2) }, { replayRule(.max, $0, $1, $2) },
    nil, nil, // multiplyAdd, multiplyAddInterior
]

// The C interpreters' callbacks (include/CWengertReplay.h): for each opcode they hand
// back to Swift (the elementary functions, pow, atan2, hypot, min, max), a C function
// pointer that applies `ReverseRule` for that opcode alone. One callback taking the
// opcode ran a switch on it at every call: 42 instructions around each libm call
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

/// One opcode's rule for each scalar type the C loops interpret.
struct ReplayRule {
    let double: WengertReplayRuleDouble?
    let float: WengertReplayRuleFloat?

    init(_ double: WengertReplayRuleDouble?, _ float: WengertReplayRuleFloat?) {
        self.double = double
        self.float = float
    }

    /// An opcode the C loops write out themselves.
    static let none = ReplayRule(nil, nil)
}

/// The rules, indexed by opcode.
let replayRules: [ReplayRule] = [
    .none, .none, .none, .none, .none, .none, .none, .none, // null ... divide
    .none, .none, .none, .none, .none, .none, .none, // negate ... constantOver
    ReplayRule({ replayRule(.powConstant, $0, $1, $2) }, { replayRule(.powConstant, $0, $1, $2) }),
    ReplayRule({ replayRule(.constantPow, $0, $1, $2) }, { replayRule(.constantPow, $0, $1, $2) }),
    ReplayRule({ replayRule(.sin, $0, $1, $2) }, { replayRule(.sin, $0, $1, $2) }),
    ReplayRule({ replayRule(.cos, $0, $1, $2) }, { replayRule(.cos, $0, $1, $2) }),
    ReplayRule({ replayRule(.tan, $0, $1, $2) }, { replayRule(.tan, $0, $1, $2) }),
    ReplayRule({ replayRule(.asin, $0, $1, $2) }, { replayRule(.asin, $0, $1, $2) }),
    ReplayRule({ replayRule(.acos, $0, $1, $2) }, { replayRule(.acos, $0, $1, $2) }),
    ReplayRule({ replayRule(.atan, $0, $1, $2) }, { replayRule(.atan, $0, $1, $2) }),
    ReplayRule({ replayRule(.sinh, $0, $1, $2) }, { replayRule(.sinh, $0, $1, $2) }),
    ReplayRule({ replayRule(.cosh, $0, $1, $2) }, { replayRule(.cosh, $0, $1, $2) }),
    ReplayRule({ replayRule(.tanh, $0, $1, $2) }, { replayRule(.tanh, $0, $1, $2) }),
    ReplayRule({ replayRule(.exp, $0, $1, $2) }, { replayRule(.exp, $0, $1, $2) }),
    ReplayRule({ replayRule(.expm1, $0, $1, $2) }, { replayRule(.expm1, $0, $1, $2) }),
    ReplayRule({ replayRule(.log, $0, $1, $2) }, { replayRule(.log, $0, $1, $2) }),
    ReplayRule({ replayRule(.log1p, $0, $1, $2) }, { replayRule(.log1p, $0, $1, $2) }),
    ReplayRule({ replayRule(.log2, $0, $1, $2) }, { replayRule(.log2, $0, $1, $2) }),
    ReplayRule({ replayRule(.log10, $0, $1, $2) }, { replayRule(.log10, $0, $1, $2) }),
    ReplayRule({ replayRule(.sqrt, $0, $1, $2) }, { replayRule(.sqrt, $0, $1, $2) }),
    ReplayRule({ replayRule(.cbrt, $0, $1, $2) }, { replayRule(.cbrt, $0, $1, $2) }),
    ReplayRule({ replayRule(.abs, $0, $1, $2) }, { replayRule(.abs, $0, $1, $2) }),
    ReplayRule({ replayRule(.erf, $0, $1, $2) }, { replayRule(.erf, $0, $1, $2) }),
    ReplayRule({ replayRule(.sigmoid, $0, $1, $2) }, { replayRule(.sigmoid, $0, $1, $2) }),
    ReplayRule({ replayRule(.softplus, $0, $1, $2) }, { replayRule(.softplus, $0, $1, $2) }),
    ReplayRule({ replayRule(.relu, $0, $1, $2) }, { replayRule(.relu, $0, $1, $2) }),
    ReplayRule({ replayRule(.atan2, $0, $1, $2) }, { replayRule(.atan2, $0, $1, $2) }),
    ReplayRule({ replayRule(.pow, $0, $1, $2) }, { replayRule(.pow, $0, $1, $2) }),
    ReplayRule({ replayRule(.hypot, $0, $1, $2) }, { replayRule(.hypot, $0, $1, $2) }),
    ReplayRule({ replayRule(.min, $0, $1, $2) }, { replayRule(.min, $0, $1, $2) }),
    ReplayRule({ replayRule(.max, $0, $1, $2) }, { replayRule(.max, $0, $1, $2) }),
    .none, .none, // multiplyAdd, multiplyAddInterior
]

/// The C interpreters' rule for each opcode they hand back, indexed by opcode
/// (`WengertReplayRuleDouble`); nil for the opcodes they write out themselves.
@usableFromInline let replayRulesDouble = replayRules.map(\.double)
/// `replayRulesDouble` for `Float` tapes.
@usableFromInline let replayRulesFloat = replayRules.map(\.float)

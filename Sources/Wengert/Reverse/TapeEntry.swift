// One statement of the Wengert list (Wengert 1964; the two-operand layout of
// Griewank & Walther, "Evaluating Derivatives", ch. 6): the slots of at most two
// operands and the partial derivative of the result with respect to each, taken at
// record time. The result's slot is the entry's own index. 24 bytes for `Double`.

/// One recorded operation: `result = op(lhs, rhs)` reduced to its local partials.
///
/// A unary operation puts its own slot with partial 0 on the right (see
/// `Var.appendUnary`); an input or a constant names its own slot twice, with partials 0
/// (`Var.appendLeaf`). The backward sweep only needs these four fields.
@frozen @usableFromInline
struct TapeEntry<T> {
    @usableFromInline var lhsSlot: UInt32
    @usableFromInline var rhsSlot: UInt32
    @usableFromInline var lhsPartial: T
    @usableFromInline var rhsPartial: T

    @inlinable @inline(__always)
    init(lhsSlot: UInt32, rhsSlot: UInt32, lhsPartial: T, rhsPartial: T) {
        self.lhsSlot = lhsSlot
        self.rhsSlot = rhsSlot
        self.lhsPartial = lhsPartial
        self.rhsPartial = rhsPartial
    }
}

/// What an entry computed, so that replay can recompute its value and partials at new
/// inputs. One byte per entry, in a column beside the entries. Operations with a
/// constant operand (`…Constant`) read it from the constant stream in order.
///
/// `multiplyAdd` is the one entry with a third operand: `x · y + z` where z is the entry
/// just before it (slot i − 1) with partial 1, which the entry does not store; the sweep
/// reads the opcode to pass the adjoint on to it (`Var.multiplyAdd`).
/// `multiplyAddInterior` is the same entry inside a run that `dot` records
/// (Reverse/Var+DotProduct.swift): its result is used by nothing but the next entry (as
/// that entry's z), and its x and y are older than its z. Such an entry's adjoint is
/// exactly its successor's, so the sweep runs the interior of a run as one loop over
/// the terms (Tape+Sweep.swift); everything else treats it as `multiplyAdd`.
@usableFromInline
enum ReverseOpcode: UInt8 {
    case null, input, constant, custom
    case add, subtract, multiply, divide, negate
    case addConstant, subtractConstant, constantMinus, multiplyConstant, divideConstant, constantOver
    case powConstant, constantPow
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh
    case exp, expm1, log, log1p, log2, log10, sqrt, cbrt, abs, erf, sigmoid, softplus, relu
    case atan2, pow, hypot, min, max
    case multiplyAdd, multiplyAddInterior

    /// `multiplyAdd` or `multiplyAddInterior`: x · y + z with z the entry before.
    @inlinable var isMultiplyAdd: Bool { Self.isMultiplyAdd(rawValue) }

    /// The same test on an opcode byte as the tape stores it (the sweep and anomaly
    /// detection read bytes): the two are the last opcodes.
    @inlinable static func isMultiplyAdd(_ raw: UInt8) -> Bool { raw >= multiplyAdd.rawValue }
}

/// A comparison made while recording, checked again at replay: if the same comparison
/// at new inputs gives the other answer, the recorded branch no longer describes the
/// function and replay stops. A constant side has slot 0 and its value stored here.
@frozen @usableFromInline
struct BranchGuard<T> {
    /// Entries recorded before the comparison; replay checks it once it has recomputed them.
    @usableFromInline var position: UInt32
    @usableFromInline var lhsSlot: UInt32
    @usableFromInline var rhsSlot: UInt32
    /// `true` for `<`, `false` for `==`.
    @usableFromInline var isLess: Bool
    @usableFromInline var outcome: Bool
    @usableFromInline var lhsConstant: T
    @usableFromInline var rhsConstant: T

    @inlinable
    init(position: UInt32, lhsSlot: UInt32, rhsSlot: UInt32, isLess: Bool, outcome: Bool,
         lhsConstant: T, rhsConstant: T) {
        self.position = position
        self.lhsSlot = lhsSlot
        self.rhsSlot = rhsSlot
        self.isLess = isLess
        self.outcome = outcome
        self.lhsConstant = lhsConstant
        self.rhsConstant = rhsConstant
    }
}

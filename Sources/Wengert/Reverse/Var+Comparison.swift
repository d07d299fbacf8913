// Comparison of tape variables by value, recorded as branch guards. A recording is a
// straight-line program; `if x < y` in the user's function picks one of its branches.
// Replaying at new inputs is only valid if every such comparison comes out the same,
// so each comparison involving a recorded variable is kept (position, operands,
// outcome) and re-evaluated by `Tape.replay(at:)` (the approach of ReverseDiff.jl's
// and CppAD's "compiled tapes", with the check they leave to the user made automatic).

extension Var {
    /// Keeps the comparison `lhs (< or ==) rhs` with its outcome, unless both are constants.
    @inlinable
    static func recordGuard(_ lhs: Var, _ rhs: Var, isLess: Bool, outcome: Bool) {
        if lhs.slot == 0 && rhs.slot == 0 { return }
        let h: UnsafeMutablePointer<TapeHeader>
        if lhs.slot == 0 { h = checkedHeader(rhs) }
        else if rhs.slot == 0 { h = checkedHeader(lhs) }
        else { h = checkedHeader(lhs, rhs) }
        h.pointee.guards.append(BranchGuard(
            position: h.pointee.count, lhsSlot: lhs.slot, rhsSlot: rhs.slot, isLess: isLess,
            outcome: outcome, lhsConstant: lhs.value, rhsConstant: rhs.value))
    }
}

extension Var: Equatable {
    /// Equality of values; recorded as a branch guard when either side is on a tape.
    @inlinable
    public static func == (lhs: Var, rhs: Var) -> Bool {
        let outcome = lhs.value == rhs.value
        recordGuard(lhs, rhs, isLess: false, outcome: outcome)
        return outcome
    }
}

extension Var: Comparable {
    /// Orders by value; recorded as a branch guard when either side is on a tape.
    /// `>`, `<=` and `>=` are built on this, so they are guarded too.
    @inlinable
    public static func < (lhs: Var, rhs: Var) -> Bool {
        let outcome = lhs.value < rhs.value
        recordGuard(lhs, rhs, isLess: true, outcome: outcome)
        return outcome
    }
}

extension Var: Hashable where T: Hashable {
    /// Hashes the value only, consistent with `==`.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

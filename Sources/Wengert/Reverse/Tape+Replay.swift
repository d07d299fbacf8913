// Replay: re-run a recording at new inputs without calling the function again
// (ReverseDiff.jl's compiled tapes; CppAD's `Forward(0, x)` on a recorded `ADFun`).
// One forward pass recomputes every entry's value and partials from its opcode,
// its operands' new values and the constant stream, then the usual sweep applies.
//
// Replay is valid when the function, run at the new inputs, would perform the same
// operations: no branch on a comparison that now goes the other way (checked: every
// comparison of recorded variables is a guard), no loop whose trip count depends on
// the values (caught through the guards of its loop condition, if it compares Vars),
// and no custom rule (its partials come from user code the tape cannot re-run;
// replay refuses such a recording up front). Values read from a Var through `.value`
// and used as plain numbers are frozen at their recorded values: that is not checked.

extension ReverseOpcode {
    /// Operations with two recorded operands.
    @inlinable var isBinary: Bool {
        (rawValue >= ReverseOpcode.add.rawValue && rawValue <= ReverseOpcode.divide.rawValue)
            || rawValue >= ReverseOpcode.atan2.rawValue
    }
    /// One-operand operations that read a constant from the stream. `multiplyConstant`
    /// does not: its partial is its constant, so its entry's `lhsPartial` holds it.
    @inlinable var readsConstant: Bool {
        rawValue >= ReverseOpcode.addConstant.rawValue && rawValue <= ReverseOpcode.constantPow.rawValue
            && self != .multiplyConstant
    }
}

extension TapeEntry where T: DifferentiableScalar {
    /// The constant operand of a one-operand entry with opcode `op`: the next value of
    /// the constant stream (advancing `next`), or, for `multiplyConstant`, the entry's
    /// partial, which equals it; 0 for operations without a constant. Replay and anomaly
    /// detection both decode constants here, so they cannot disagree about the stream.
    @inlinable @inline(__always)
    func constant(_ op: ReverseOpcode, stream: TapeColumn, next: inout Int) -> T {
        if op == .multiplyConstant { return lhsPartial }
        guard op.readsConstant else { return 0 }
        defer { next += 1 }
        return stream.load(next, as: T.self)
    }
}

extension Tape {
    /// Recomputes the whole recording at new input values: every entry's value and
    /// partials, in recording order. Afterwards `gradient(of:)` gives derivatives at the
    /// new inputs and `value(of:)` the new values; the `Var`s themselves keep their
    /// recorded `value`.
    ///
    /// Stops with a message when `inputs` does not have one value per
    /// `variable(_:)` of the recording, when the recording contains a custom rule, and
    /// when a recorded comparison comes out differently at the new inputs ("recorded
    /// branch at comparison #k now goes the other way"): record again in that case.
    ///
    /// - Complexity: O(entries), one evaluation of each operation and its partials;
    ///   no allocation once the value buffer has grown to the recording's size.
    @inlinable
    public func replay(at inputs: [T]) {
        if let k = replayCore(inputs) { branchFlipped(k, header: header, T.self) }
    }

    /// The value of `x` in the latest replay, or its recorded value if the recording
    /// has not been replayed.
    @inlinable
    public func value(of x: Var<T>) -> T {
        check(x, "Var whose value was asked for")
        if x.slot == 0 || !hasReplayedValues { return x.value }
        return valueStorage.unsafelyUnwrapped[Int(x.slot)]
    }

    /// The forward pass of replay; returns the index of the first guard that flipped.
    @inlinable
    func replayCore(_ inputs: [T]) -> Int? {
        let h = header
        if inputs.count != h.pointee.inputCount {
            lengthMismatch("Tape.replay(at:)", "recording", h.pointee.inputCount, "inputs", inputs.count)
        }
        if h.pointee.customCount > 0 { customRuleReplay(h.pointee.customCount) }
        let n = Int(h.pointee.count)
        if n > valueCapacity {
            valueStorage?.deallocate()
            valueCapacity = Swift.max(n, Int(h.pointee.capacity))
            valueStorage = .allocate(capacity: valueCapacity)
        }
        hasReplayedValues = false
        let values = valueStorage.unsafelyUnwrapped
        let entries = h.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        let opcodes = h.pointee.opcodes.unsafelyUnwrapped
        let constants = h.pointee.constants
        let guards = h.pointee.guards
        var nextInput = 0, nextConstant = 0, nextGuard = 0
        var guardPosition = guards.count > 0 ? Int(guards.load(0, as: BranchGuard<T>.self).position) : Int.max
        values[0] = 0
        var i = 1
        while true {
            while i == guardPosition {
                if !holds(guards.load(nextGuard, as: BranchGuard<T>.self), values) { return nextGuard }
                nextGuard += 1
                guardPosition = nextGuard < guards.count
                    ? Int(guards.load(nextGuard, as: BranchGuard<T>.self).position) : Int.max
            }
            if i >= n { break }
            let op = ReverseOpcode(rawValue: opcodes[i]).unsafelyUnwrapped
            if op.isBinary {
                let r = ReverseRule<T>.binary(op, values[Int(entries[i].lhsSlot)], values[Int(entries[i].rhsSlot)])
                values[i] = r.value
                entries[i].lhsPartial = r.lhs
                entries[i].rhsPartial = r.rhs
            } else if op == .input {
                values[i] = inputs[nextInput]
                nextInput += 1
            } else if op == .constant {
                values[i] = constants.load(nextConstant, as: T.self)
                nextConstant += 1
            } else {
                let c = entries[i].constant(op, stream: constants, next: &nextConstant)
                let r = ReverseRule<T>.unary(op, values[Int(entries[i].lhsSlot)], c)
                values[i] = r.value
                entries[i].lhsPartial = r.partial
            }
            i += 1
        }
        hasReplayedValues = true
        return nil
    }

    /// Whether a guard's comparison still gives its recorded outcome.
    @inlinable
    func holds(_ g: BranchGuard<T>, _ values: UnsafeMutablePointer<T>) -> Bool {
        let lhs = g.lhsSlot == 0 ? g.lhsConstant : values[Int(g.lhsSlot)]
        let rhs = g.rhsSlot == 0 ? g.rhsConstant : values[Int(g.rhsSlot)]
        return (g.isLess ? lhs < rhs : lhs == rhs) == g.outcome
    }
}

@usableFromInline @inline(never)
func branchFlipped<T: DifferentiableScalar>(_ k: Int, header: UnsafeMutablePointer<TapeHeader>, _: T.Type) -> Never {
    let g = header.pointee.guards.load(k, as: BranchGuard<T>.self)
    let lhs = g.lhsSlot == 0 ? "the constant \(g.lhsConstant)" : "slot \(g.lhsSlot)"
    let rhs = g.rhsSlot == 0 ? "the constant \(g.rhsConstant)" : "slot \(g.rhsSlot)"
    fatalError("""
        Wengert: replay: the recorded branch at comparison #\(k + 1) (\(lhs) \(g.isLess ? "<" : "==") \
        \(rhs), \(g.outcome) when recorded) now goes the other way at these inputs, so the \
        recording no longer describes the function there. Record again at these inputs \
        (reset() the tape and call the function) instead of replaying.
        """)
}

@usableFromInline @inline(never)
func customRuleReplay(_ count: Int) -> Never {
    fatalError("""
        Wengert: replay: the recording contains \(count) custom-rule entries (Var.custom), whose \
        values and partials come from code the tape cannot re-run at new inputs. Record again \
        at the new inputs instead of replaying.
        """)
}

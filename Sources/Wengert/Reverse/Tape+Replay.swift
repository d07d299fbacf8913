// Replay: re-run a recording at new inputs without calling the function again
// (ReverseDiff.jl's compiled tapes; CppAD's `Forward(0, x)` on a recorded `ADFun`).
// One forward pass recomputes every entry's value and partials from its opcode,
// its operands' new values and the constant stream, then the usual sweep applies.
// The same pass (`evaluate`) is the tape's interpreter in recording order: anomaly
// detection runs it too, without touching the partials. A `.vectorized` replay runs a
// schedule instead (ReplaySchedule.swift), the same rules in another order.
//
// Replay is valid when the function, run at the new inputs, would perform the same
// operations: no branch on a comparison that now goes the other way (checked: every
// comparison of recorded variables is a guard), no loop whose trip count depends on
// the values (caught through the guards of its loop condition, if it compares Vars),
// and no custom rule (its partials come from user code the tape cannot re-run;
// replay refuses such a recording up front). Values read from a Var through `.value`
// and used as plain numbers are frozen at their recorded values: that is not checked.

import CWengert

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
    /// Bit for bit what a fresh recording at `inputs` would compute, unless
    /// `replayElementaryFunctions` is `.vectorized`: then the elementary functions of a
    /// `Double` or `Float` recording with many of them run in batches through the vector
    /// kernels, to within their ulp bounds of libm (`ReplayElementaryFunctions`).
    ///
    /// - Complexity: O(entries), one evaluation of each operation and its partials;
    ///   no allocation once the value buffer has grown to the recording's size. The
    ///   first `.vectorized` replay of a recording also reads its opcodes once and,
    ///   where enough of them are elementary functions, sorts its entries once
    ///   (O(entries · log entries), 8 bytes per entry kept with the tape).
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
        if _slowPath(h.pointee.epochHasWrapped) { TapeHeader.validateOperands(h, T.self, upTo: n - 1) }
        hasReplayedValues = false
        let end = inputs.withUnsafeBufferPointer { buffer in
            if replayElementaryFunctions == .vectorized && (T.self == Double.self || T.self == Float.self),
               let schedule = batchedSchedule() {
                return evaluate(schedule, inputs: buffer.baseAddress, into: valueBuffer(count: n))
            }
            // The grouped guards compare constants in the value buffer, past the entries.
            let grouped = groupedGuards()
            let constants = grouped?.constants.count ?? 0
            let values = valueBuffer(count: n + constants)
            if let grouped, constants > 0 {
                grouped.constants.withUnsafeBufferPointer { (values + n).update(from: $0.baseAddress!, count: constants) }
            }
            return evaluate(inputs: buffer.baseAddress, into: values, upTo: n, updatingPartials: true,
                            checkingGuards: true, grouped: grouped)
        }
        switch end {
        case .finished:
            hasReplayedValues = true
            return nil
        case .guardFlipped(let k): return k
        case .customRule: customRuleReplay(h.pointee.customCount)
        }
    }

    /// The replay value buffer, grown to at least `count` elements (by entries, not by
    /// the tape's capacity, so that a huge recording needs no more than it uses).
    @inlinable
    func valueBuffer(count n: Int) -> UnsafeMutablePointer<T> {
        if n > valueCapacity {
            valueStorage?.deallocate()
            valueCapacity = Swift.max(n, Swift.min(2 * valueCapacity, Int(header.pointee.capacity)))
            valueStorage = .allocate(capacity: valueCapacity)
        }
        return valueStorage.unsafelyUnwrapped
    }

    /// The grouped guards of the current recording for replay's C check, built at its
    /// first replay (Reverse/ReplayGuards.swift); nil for a recording without guards
    /// and for scalars other than `Double` and `Float`, whose guards replay checks in Swift.
    @inlinable
    func groupedGuards() -> ReplayGuards<T>? {
        guard T.self == Double.self || T.self == Float.self, header.pointee.guards.count > 0 else { return nil }
        if let grouped = replayGuards, grouped.describes(header) { return grouped }
        let grouped = ReplayGuards<T>(header)
        replayGuards = grouped
        return grouped
    }

    /// The tape's one interpreter: recomputes the values of entries `1..<end` in
    /// recording order from `inputs` (one per input entry, in order) and the constant
    /// stream, into `values` (`values[0]` is set to 0). Replay uses it with
    /// `updatingPartials` (the entries' partials become those at the new inputs) and
    /// `checkingGuards`; anomaly detection with neither, to find the first non-finite
    /// value without disturbing the recording.
    ///
    /// The loop runs in segments between branch guards, so the common stretch has no
    /// guard test; the arithmetic opcodes are written out here, and the partials that
    /// do not depend on the values (`+`, `-`, `x + c`, `c·x`, …) are left as recorded.
    /// Stops at the first custom-rule entry, which it cannot recompute. With `grouped`
    /// (replay of a `Double` or `Float` recording, its constants copied past `values[end]`)
    /// each position's guards are checked by the C loop over their groups first.
    ///
    /// - Complexity: O(end) evaluations; no allocation.
    @inlinable @inline(__always)
    func evaluate(inputs: UnsafePointer<T>?, into values: UnsafeMutablePointer<T>, upTo end: Int,
                  updatingPartials: Bool, checkingGuards: Bool, grouped: ReplayGuards<T>? = nil) -> ForwardPassEnd {
        let h = header
        let entries = h.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        let opcodes = h.pointee.opcodes.unsafelyUnwrapped
        let constants = h.pointee.constants.base?.assumingMemoryBound(to: T.self)
        let guards = h.pointee.guards
        let guardCount = checkingGuards ? guards.count : 0
        // The groups' buffers, not the object, in the loop: no retain per position.
        let groups = grouped?.groups, groupCount = grouped?.groupCount ?? 0, guardOperands = grouped?.operands
        var nextInput = 0, nextConstant = 0, nextGuard = 0, nextGroup = 0
        values[0] = 0
        var i = 1
        var last: T = 0
        // The C interpreter (include/CWengertReplay.h) for the scalars whose entries it
        // can read; anomaly detection, which leaves the partials alone, stays in Swift.
        let native = updatingPartials && (T.self == Double.self || T.self == Float.self)
        var cursor = WengertReplayCursor(
            entries: UnsafeMutableRawPointer(entries), opcodes: opcodes,
            constants: UnsafeRawPointer(constants), inputs: UnsafeRawPointer(inputs),
            values: UnsafeMutableRawPointer(values), next: 1, nextInput: 0, nextConstant: 0)
        while true {
            var stop = end
            var guardDue = false
            if let groups {
                if nextGroup < groupCount {
                    let p = Int(groups[nextGroup].position)
                    if p <= end { stop = p; guardDue = true }
                }
            } else if nextGuard < guardCount {
                let p = Int(guards.load(nextGuard, as: BranchGuard<T>.self).position)
                if p <= end { stop = p; guardDue = true }
            }
            while i < stop {
                if native {
                    // Double and Float: the C loop runs to the segment's end or to a
                    // custom-rule or null entry, which the Swift switch below handles.
                    cursor.next = i
                    cursor.nextInput = nextInput
                    cursor.nextConstant = nextConstant
                    if T.self == Double.self {
                        wengert_replay_double(&cursor, stop, replayRulesDouble)
                    } else {
                        wengert_replay_float(&cursor, stop, replayRulesFloat)
                    }
                    i = cursor.next
                    nextInput = cursor.nextInput
                    nextConstant = cursor.nextConstant
                    if i == stop { break }
                    last = values[i &- 1]
                }
                let e = entries + i
                // The previous entry's value stays in a register (`last`): most operands
                // name the entry just before, and reading it back from `values` put a
                // store-to-load forwarding delay on every step of a dependent chain.
                let lhs = Int(e.pointee.lhsSlot), rhs = Int(e.pointee.rhsSlot)
                let x = lhs == i &- 1 ? last : values[lhs]
                // The opcodes are written only from `ReverseOpcode` values, whose raw values are
                // their case indices: reinterpreting the byte skips a range check per entry.
                let op = unsafeBitCast(opcodes[i], to: ReverseOpcode.self)
                let v: T
                switch op {
                case .multiply:
                    let y = rhs == i &- 1 ? last : values[rhs]
                    v = x * y
                    if updatingPartials { e.pointee.lhsPartial = y; e.pointee.rhsPartial = x }
                case .multiplyAdd, .multiplyAddInterior:
                    let y = rhs == i &- 1 ? last : values[rhs]
                    v = x * y + last
                    if updatingPartials { e.pointee.lhsPartial = y; e.pointee.rhsPartial = x }
                case .add:
                    v = x + (rhs == i &- 1 ? last : values[rhs])
                case .subtract:
                    v = x - (rhs == i &- 1 ? last : values[rhs])
                case .multiplyConstant:
                    v = x * e.pointee.lhsPartial
                case .addConstant:
                    v = x + constants.unsafelyUnwrapped[nextConstant]
                    nextConstant &+= 1
                case .subtractConstant:
                    v = x - constants.unsafelyUnwrapped[nextConstant]
                    nextConstant &+= 1
                case .constantMinus:
                    v = constants.unsafelyUnwrapped[nextConstant] - x
                    nextConstant &+= 1
                case .negate:
                    v = -x
                case .input:
                    v = inputs.unsafelyUnwrapped[nextInput]
                    nextInput &+= 1
                case .constant:
                    v = constants.unsafelyUnwrapped[nextConstant]
                    nextConstant &+= 1
                case .custom:
                    return .customRule(at: i)
                case .null:
                    nullEntryInRecording(i)
                default:
                    if op.isBinary {
                        let r = ReverseRule<T>.binary(op, x, rhs == i &- 1 ? last : values[rhs])
                        v = r.value
                        if updatingPartials { e.pointee.lhsPartial = r.lhs; e.pointee.rhsPartial = r.rhs }
                    } else {
                        let c = e.pointee.constant(op, stream: h.pointee.constants, next: &nextConstant)
                        let r = ReverseRule<T>.unary(op, x, c)
                        v = r.value
                        if updatingPartials { e.pointee.lhsPartial = r.partial }
                    }
                }
                values[i] = v
                last = v
                i &+= 1
            }
            if !guardDue { return .finished }
            if let groups {
                let after = ReplayGuards<T>.hold(groups, from: nextGroup, count: groupCount,
                                                 operands: guardOperands.unsafelyUnwrapped, in: values)
                if after >= 0 { nextGroup = after; continue }
                // One of this position's guards flipped: the exact test below finds which.
                nextGuard = Int(groups[nextGroup].start)
            }
            // Comparisons made one after another share a position (a maximum of n values
            // makes n in a row): check them here rather than going round the segment loop
            // for each (logsumexp n = 1e5: 41 instructions per guard that way).
            repeat {
                if !holds(guards.load(nextGuard, as: BranchGuard<T>.self), values) { return .guardFlipped(nextGuard) }
                nextGuard += 1
            } while nextGuard < guardCount && Int(guards.load(nextGuard, as: BranchGuard<T>.self).position) == i
            if groups != nil { groupedGuardsDisagree(at: i) }
        }
    }

    /// The schedule of the current recording if batching pays for it, building it at the
    /// first vectorised replay of a recording (Reverse/ReplaySchedule.swift).
    @inlinable
    func batchedSchedule() -> ReplaySchedule? {
        if let schedule = replaySchedule, schedule.describes(header) { return schedule.pays ? schedule : nil }
        let schedule = ReplaySchedule(header, entryStride: MemoryLayout<TapeEntry<T>>.stride,
                                      guardStride: MemoryLayout<BranchGuard<T>>.stride)
        replaySchedule = schedule
        return schedule.pays ? schedule : nil
    }

    /// Replay's forward pass in a schedule, for `Double` and `Float`: what `evaluate`
    /// computes with partials and guards, the batchable elementary functions through the
    /// vector kernels. The recording has no custom rule (replay refused it before).
    ///
    /// - Complexity: O(entries); no allocation.
    @inlinable
    func evaluate(_ schedule: ReplaySchedule, inputs: UnsafePointer<T>?, into values: UnsafeMutablePointer<T>)
        -> ForwardPassEnd {
        let h = header
        values[0] = 0
        var cursor = WengertReplayCursor(
            entries: h.pointee.entries, opcodes: h.pointee.opcodes,
            constants: UnsafeRawPointer(h.pointee.constants.base), inputs: UnsafeRawPointer(inputs),
            values: UnsafeMutableRawPointer(values), next: 1, nextInput: 0, nextConstant: 0)
        return schedule.order.withUnsafeBufferPointer { orderBuffer in
            schedule.stream.withUnsafeBufferPointer { streamBuffer in
                let order = orderBuffer.baseAddress.unsafelyUnwrapped
                let stream = streamBuffer.baseAddress.unsafelyUnwrapped
                for step in schedule.steps {
                    let start = Int(step.start), count = Int(step.end) &- Int(step.start)
                    if step.opcode == 0 {
                        if T.self == Double.self {
                            wengert_replay_ordered_double(&cursor, order + start, count, stream, replayRulesDouble)
                        } else {
                            wengert_replay_ordered_float(&cursor, order + start, count, stream, replayRulesFloat)
                        }
                    } else if step.opcode == ReplayStep.guardCheck {
                        if !holds(h.pointee.guards.load(start, as: BranchGuard<T>.self), values) {
                            return .guardFlipped(start)
                        }
                    } else if T.self == Double.self {
                        wengert_replay_batch_double(&cursor, step.opcode, order + start, count)
                    } else {
                        wengert_replay_batch_float(&cursor, step.opcode, order + start, count)
                    }
                }
                return .finished
            }
        }
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

/// How a pass of `Tape.evaluate` ended.
@usableFromInline
enum ForwardPassEnd: Equatable {
    /// Every entry up to the end was recomputed and every guard held.
    case finished
    /// Guard k (0-based) came out differently; entries before its position are recomputed.
    case guardFlipped(Int)
    /// The entry at this slot is a custom rule; entries before it are recomputed.
    case customRule(at: Int)
}

@usableFromInline @inline(never)
func groupedGuardsDisagree(at position: Int) -> Never {
    fatalError("Wengert internal error: replay's grouped guards at position \(position) flipped, the recorded ones held")
}

@usableFromInline @inline(never)
func nullEntryInRecording(_ i: Int) -> Never {
    fatalError("Wengert internal error: entry \(i) of a recording has the null opcode")
}

@usableFromInline @inline(never)
func customRuleReplay(_ count: Int) -> Never {
    fatalError("""
        Wengert: replay: the recording contains \(count) custom-rule entries (Var.custom), whose \
        values and partials come from code the tape cannot re-run at new inputs. Record again \
        at the new inputs instead of replaying.
        """)
}

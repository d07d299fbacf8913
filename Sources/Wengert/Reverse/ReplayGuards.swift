// The branch guards of a recording in the layout replay's C check reads
// (CWengert/ReplayGuards.c), for `Double` and `Float` tapes. A recorded `BranchGuard`
// is 32 bytes (24 for Float) with its position, kind, outcome and both constants, and
// replay tested each in Swift, 32 instructions a guard (logsumexp n = 1e5: 1e5 guards
// at one position, a fifth of replay's instructions). Here a guard is its two value
// indices (8 bytes), a constant side pointing past the recording's entries, where
// replay copies the constants into its value buffer, and consecutive guards of one
// position, kind and outcome form one group, checked by one loop without a branch per
// guard: 10 instructions a guard in C. Each position's guards are still checked when
// replay reaches it, so a flip stops the pass where it did, with the values compared
// still in the cache. Only whether all hold is found here: on a failure replay finds
// the guard that flipped with the exact test of the recorded guards (`Tape.holds`), so
// a flip is reported as before. Built at the first replay of a recording and kept until
// the recording changes (as `ReplaySchedule`): about 34 instructions a guard once, 8
// bytes a guard and 16 a group.

import CWengert

/// Replay's grouped guards of one recording (see the top of this file).
@usableFromInline
final class ReplayGuards<T: DifferentiableScalar> {
    /// The recording it describes.
    @usableFromInline let stamp: RecordingStamp
    /// Two value indices per guard, in recording order.
    @usableFromInline let operands: UnsafeMutablePointer<UInt32>
    /// Runs of consecutive guards with one position, comparison and outcome, in recording order.
    @usableFromInline let groups: UnsafeMutablePointer<WengertReplayGuardGroup>
    @usableFromInline let groupCount: Int
    /// The constant sides' values, which replay copies to `values[count...]`.
    @usableFromInline let constants: [T]

    /// The groups of the recording in `header`.
    ///
    /// - Complexity: O(guards), once per recording.
    @usableFromInline
    init(_ header: UnsafeMutablePointer<TapeHeader>) {
        let h = header.pointee
        stamp = RecordingStamp(header)
        let count = Int(h.count), guardCount = h.guards.count
        operands = .allocate(capacity: 2 * Swift.max(1, guardCount))
        groups = .allocate(capacity: Swift.max(1, guardCount))
        var constants: [T] = []
        var groupCount = 0
        // The open group stays in a register until the next guard starts another.
        var group = WengertReplayGuardGroup(position: 0, start: 0, end: 0, code: 0)
        for k in 0..<guardCount {
            let g = h.guards.load(k, as: BranchGuard<T>.self)
            var lhs = g.lhsSlot, rhs = g.rhsSlot
            if lhs == 0 { lhs = UInt32(count + constants.count); constants.append(g.lhsConstant) }
            if rhs == 0 { rhs = UInt32(count + constants.count); constants.append(g.rhsConstant) }
            operands[2 &* k] = lhs
            operands[2 &* k &+ 1] = rhs
            let code = UInt32(g.isLess ? (g.outcome ? WENGERT_GUARD_LESS : WENGERT_GUARD_NOT_LESS)
                                       : (g.outcome ? WENGERT_GUARD_EQUAL : WENGERT_GUARD_NOT_EQUAL))
            if k > 0 && group.code == code && group.position == g.position {
                group.end &+= 1
            } else {
                if k > 0 { groups[groupCount] = group; groupCount &+= 1 }
                group = WengertReplayGuardGroup(position: g.position, start: UInt32(truncatingIfNeeded: k),
                                                end: UInt32(truncatingIfNeeded: k &+ 1), code: code)
            }
        }
        if guardCount > 0 { groups[groupCount] = group; groupCount &+= 1 }
        self.groupCount = groupCount
        self.constants = constants
    }

    deinit {
        operands.deallocate()
        groups.deallocate()
    }

    /// Whether these groups still describe the recording in `header`.
    @inlinable
    func describes(_ header: UnsafeMutablePointer<TapeHeader>) -> Bool {
        stamp.matches(header)
    }

    /// Whether the guards of `groups[next...]` at its position hold in `values` (the
    /// replay's values, the constants copied past the entries): the first group past them
    /// if so, else -1. Only for `Double` and `Float`; the pointers are a `ReplayGuards`'s.
    @inlinable @inline(__always)
    static func hold(_ groups: UnsafeMutablePointer<WengertReplayGuardGroup>, from next: Int, count: Int,
                     operands: UnsafeMutablePointer<UInt32>, in values: UnsafeMutablePointer<T>) -> Int {
        if T.self == Double.self {
            return wengert_replay_guards_hold_double(
                groups, next, count, operands, UnsafeRawPointer(values).assumingMemoryBound(to: Double.self))
        }
        return wengert_replay_guards_hold_float(
            groups, next, count, operands, UnsafeRawPointer(values).assumingMemoryBound(to: Float.self))
    }
}

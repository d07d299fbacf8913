// Vectorised replay (`ReplayElementaryFunctions.vectorized`): a recording evaluates its
// elementary functions one libm call at a time, in recording order, and so does the
// straight replay; here independent entries of the same function run together through
// the tensors' vector kernels (CWengert/Elementary.c), and the arithmetic in between
// through a C loop that follows a precomputed order (CWengert/ReplayBatch.c).
//
// The order comes from levels: an entry's level is the largest among its operands
// (entries before its segment count as 0; a segment ends at each guard and after at
// most `window` entries, so that its passes stay in the cache), plus one for a
// batchable elementary function. Two batchable entries of one level cannot depend on each other, so the
// segment runs as arithmetic of level 0 in recording order, then the batchable entries
// of level 1 grouped by function, then arithmetic of level 1, and so on. Each guard is
// checked where the straight replay checks it, after the entries recorded before it.
// Built at the first vectorised replay of a recording and kept until the recording
// changes; costs 8 bytes per entry (the order, and where each input or constant entry
// reads its operand), plus 12 per step while building.

import CWengert

/// How `Tape.replay(at:)` evaluates the elementary functions (sin, cos, tan, sinh, cosh,
/// tanh, exp, expm1, log, log1p, log2, log10) of a `Double` or `Float` recording.
public enum ReplayElementaryFunctions: Sendable {
    /// One libm call per entry, as recording makes them: replay computes bit for bit
    /// what a fresh recording at the new inputs would. The default.
    case exact
    /// Independent entries of one function in batches through the vector kernels the
    /// tensors use: values and partials within their ulp bounds of libm (1 ulp for exp,
    /// log, sin and cos in `Double`, 2 for tanh; table in ARCHITECTURE.md), so gradients
    /// agree with a fresh recording to rounding, not bit for bit. Faster where the
    /// recording has many elementary functions (the elementary-heavy benchmark: replay
    /// plus sweep at about 0.7 of recording plus sweep, against 1.0 exact); recordings
    /// with few run the exact interpreter. Other scalar types replay exactly.
    case vectorized
}

/// One step of a schedule: entries `order[start..<end]` evaluated by the ordered C loop
/// (`opcode` 0), or as one batch of the elementary function `opcode`, or the check of
/// branch guard `start` (`opcode` `ReplayStep.guardCheck`).
@frozen @usableFromInline
struct ReplayStep {
    @usableFromInline var opcode: UInt8
    @usableFromInline var start: UInt32
    @usableFromInline var end: UInt32

    @usableFromInline static let guardCheck: UInt8 = .max

    @inlinable init(opcode: UInt8, start: UInt32, end: UInt32) {
        self.opcode = opcode
        self.start = start
        self.end = end
    }
}

/// The batched evaluation order of one recording (see the top of this file).
@usableFromInline
final class ReplaySchedule {
    /// The recording it describes.
    @usableFromInline let stamp: RecordingStamp
    /// Entries of that recording.
    @usableFromInline var count: Int { stamp.count }
    /// Whether batching pays: false for recordings with few or scattered elementary
    /// functions, which replay with the straight interpreter.
    @usableFromInline let pays: Bool
    /// Every entry but the null slot, in evaluation order.
    @usableFromInline let order: [UInt32]
    /// For an input entry its input index, for an entry that reads the constant stream
    /// its index there; 0 for the others.
    @usableFromInline let stream: [UInt32]
    @usableFromInline let steps: [ReplayStep]

    /// Batched entries needed for a schedule to pay: at least `minimumBatched`, at least
    /// `minimumMeanBatch` per batch on average, and at least one per
    /// `arithmeticPerBatched` other entries (the ordered loop costs more per entry than
    /// the straight one). Measured on the harness's elementary, GMM and Rosenbrock problems.
    static let minimumBatched = 32, minimumMeanBatch = 8, arithmeticPerBatched = 16

    /// The most entries one stretch is reordered over; a longer stretch between guards is
    /// cut here, like a guard cuts it. Each level of a stretch is one pass over it, so a
    /// stretch should stay in the cache (about 40 bytes per entry with its value, opcode
    /// and order). Over the whole of logsumexp's 300,000 entries (n = 1e5) vectorised
    /// replay took 1.04 to 1.6 times the exact one's time (alternated runs, load 2-5);
    /// cut at 1024 it had 10 % fewer L1 misses (callgrind's cache model; 256: 46 % fewer
    /// but 18 % more instructions on elementary n = 512, its batches a twentieth as long)
    /// and took 0.92 to 1.08 times exact's time.
    static let window = 1024

    /// Whether `batched` batched entries among `entries` pass the tests on their number
    /// (the mean batch is the third test).
    static func mayPay(batched: Int, entries n: Int) -> Bool {
        batched >= minimumBatched && batched * arithmeticPerBatched >= n - batched
    }

    /// Whether the schedule still describes the recording in `header`.
    @inlinable
    func describes(_ header: UnsafeMutablePointer<TapeHeader>) -> Bool {
        stamp.matches(header)
    }

    /// The schedule of the recording in `header`, whose entries are `entryStride` bytes
    /// with the two 32-bit operand slots first and guards' positions `guardStride` apart.
    /// `always` makes it pay whatever the recording (the random-program check uses it,
    /// so that small programs exercise the batched path too).
    ///
    /// - Complexity: O(entries · log entries) once per recording (one sort).
    @usableFromInline
    init(_ header: UnsafeMutablePointer<TapeHeader>, entryStride: Int, guardStride: Int, always: Bool = false) {
        let h = header.pointee
        let n = Int(h.count)
        stamp = RecordingStamp(header)
        let guardCount = h.guards.count
        let entries = UnsafeRawPointer(h.entries.unsafelyUnwrapped)
        let opcodes = h.opcodes.unsafelyUnwrapped
        // Every batchable entry lands in some batch, so two of the three tests need only
        // their count: one pass over the opcodes instead of levels and a sort of every
        // entry. The GMM (gmm-d10k5: about 400,000 entries, 6,050 of them batchable)
        // failed them after building its whole schedule, 73 M instructions (callgrind)
        // at its first vectorised replay, several exact replays' worth.
        if !always {
            var batchable = 0
            for i in 1..<Swift.max(1, n) where wengert_replay_batches(opcodes[i]) != 0 { batchable += 1 }
            if !ReplaySchedule.mayPay(batched: batchable, entries: n) {
                pays = false
                order = []
                stream = []
                steps = []
                return
            }
        }
        var stream = [UInt32](repeating: 0, count: n)
        var level = [UInt32](repeating: 0, count: n)
        var keys: [UInt64] = []
        keys.reserveCapacity(n)
        var order: [UInt32] = []
        order.reserveCapacity(n)
        var steps: [ReplayStep] = []
        var nextInput: UInt32 = 0, nextConstant: UInt32 = 0
        var batched = 0, batches = 0, deepest: UInt32 = 0
        var segmentStart = 1
        var k = 0
        while true {
            // A guard's position is the first field of `BranchGuard`.
            let guardAt = k < guardCount
                ? Int(h.guards.base.unsafelyUnwrapped.load(fromByteOffset: k * guardStride, as: UInt32.self)) : n
            let segmentEnd = Swift.min(guardAt, segmentStart + ReplaySchedule.window)
            keys.removeAll(keepingCapacity: true)
            var i = segmentStart
            while i < segmentEnd {
                let op = unsafeBitCast(opcodes[i], to: ReverseOpcode.self)
                if op == .input {
                    stream[i] = nextInput
                    nextInput += 1
                } else if op == .constant || op.readsConstant {
                    stream[i] = nextConstant
                    nextConstant += 1
                }
                let lhs = Int(entries.load(fromByteOffset: i * entryStride, as: UInt32.self))
                let rhs = Int(entries.load(fromByteOffset: i * entryStride + 4, as: UInt32.self))
                var l: UInt32 = 0
                if lhs >= segmentStart && lhs < i { l = level[lhs] }
                if rhs >= segmentStart && rhs < i { l = Swift.max(l, level[rhs]) }
                if op.isMultiplyAdd && i - 1 >= segmentStart { l = Swift.max(l, level[i - 1]) }
                let batches = wengert_replay_batches(opcodes[i]) != 0
                if batches { l += 1 }
                level[i] = l
                deepest = Swift.max(deepest, l)
                // Level 2l − 1 for level l's batches, 2l for its arithmetic; then the
                // opcode, so that one function's entries sort together; then the slot.
                let phase = UInt64(batches ? 2 * l - 1 : 2 * l)
                keys.append(phase << 40 | UInt64(batches ? opcodes[i] : 0) << 32 | UInt64(i))
                i += 1
            }
            keys.sort()
            var j = 0
            while j < keys.count {
                let group = keys[j] >> 32
                let start = order.count
                while j < keys.count && keys[j] >> 32 == group {
                    order.append(UInt32(truncatingIfNeeded: keys[j]))
                    j += 1
                }
                let opcode = UInt8(truncatingIfNeeded: group)
                if opcode != 0 {
                    batched += order.count - start
                    batches += 1
                }
                if opcode == 0, let last = steps.last, last.opcode == 0, Int(last.end) == start {
                    steps[steps.count - 1].end = UInt32(order.count)
                } else {
                    steps.append(ReplayStep(opcode: opcode, start: UInt32(start), end: UInt32(order.count)))
                }
            }
            if segmentEnd < guardAt {
                segmentStart = segmentEnd
                continue
            }
            if k == guardCount { break }
            steps.append(ReplayStep(opcode: ReplayStep.guardCheck, start: UInt32(k), end: 0))
            segmentStart = Swift.max(segmentStart, segmentEnd)
            k += 1
        }
        // Levels past 2²³ would overflow the key's phase; such a chain batches nothing anyway.
        pays = deepest < 1 << 23 && (always || ReplaySchedule.mayPay(batched: batched, entries: n)
            && batched >= ReplaySchedule.minimumMeanBatch * batches)
        self.order = pays ? order : []
        self.stream = pays ? stream : []
        self.steps = pays ? steps : []
    }
}

import Testing
@testable import Wengert

/// The edges of the tape: the 32-bit epoch's wrap, the memory budget, and buffers sized
/// by what a recording uses. `@testable` to set the epoch next to its wrap, which takes
/// 2³² − 1 resets to reach honestly.
@Suite("Tape limits: epoch wrap, memory budget, huge recordings", .tags(.reverseMode))
struct ReverseTapeLimitsTests {
    @Test func epochWrapsToOneAndIsNoted() {
        let tape = Tape<Double>()
        // (Headers are recycled: this one may have wrapped in an earlier test.)
        tape.header.pointee.epochHasWrapped = false
        tape.header.pointee.epoch = UInt32.max
        let before = tape.variable(2.0)
        tape.reset()
        #expect(tape.header.pointee.epoch == 1)
        #expect(tape.header.pointee.epochHasWrapped)
        // A Var of the recording just before the wrap is still told apart.
        #expect(!tape.owns(before))
        // The tape works as before, now checking operands before each sweep.
        let a = tape.variable(3.0), b = tape.variable(4.0)
        let z = a * b + sin(a)
        let adj = tape.gradient(of: z)
        #expect(adj[a] == 4 + Double.cos(3))
        #expect(adj[b] == 3)
        tape.replay(at: [1.0, 2.0])
        #expect(tape.gradient(of: z)[b] == 1)
    }

    @Test func aVarFromAWholeEpochCycleAgoBeyondTheRecordingStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            tape.header.pointee.epoch = 1
            let xs = tape.variables([1, 2, 3, 4, 5, 6, 7, 8])
            let old = xs[7] * xs[6]            // slot 9, epoch 1
            // As if 2³² − 1 resets had passed: the next reset comes back to epoch 1.
            tape.header.pointee.epoch = UInt32.max
            tape.reset()
            let a = tape.variable(1.0)
            let y = a * old                    // passes the epoch check: names slot 9
            _ = tape.gradient(of: y)
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("names slot 9"))
            #expect(text.contains("epoch"))
        }
    }

    @Test func anOutputBeyondTheRecordingIsRefused() {
        let tape = Tape<Double>()
        tape.header.pointee.epoch = 1
        let xs = tape.variables([1, 2, 3])
        let old = xs[0] * xs[1] * xs[2]
        tape.header.pointee.epoch = UInt32.max
        tape.reset()
        _ = tape.variable(1.0)
        #expect(old.epoch == tape.header.pointee.epoch)   // the collision the wrap allows
        #expect(!tape.owns(old))                          // but its slot is past the recording
    }

    @Test func adjointsAreSizedByEntriesNotCapacity() {
        let tape = Tape<Double>(capacity: 1 << 20)
        let capacityBytes = tape.reservedByteCount
        let a = tape.variable(2.0)
        _ = tape.gradient(of: a * a)
        let adjointBytes = tape.reservedByteCount - capacityBytes
        #expect(adjointBytes > 0)
        #expect(adjointBytes <= 16 * MemoryLayout<Double>.stride)
    }

    @Test func aMemoryBudgetStopsWithTheSizeReached() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>(memoryBudget: 100_000)
            var x = tape.variable(1.0)
            for _ in 0..<10_000 { x = x * 1.0001 }
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            // 100 000 bytes at 25 + 8 bytes per entry hold 3030 entries: the budget's last growth.
            #expect(text.contains("memory budget of 100000 bytes at 3030 entries"))
        }
    }

    @Test func withinItsBudgetATapeWorksAsUsual() {
        let tape = Tape<Double>(memoryBudget: 1 << 20)
        let xs = tape.variables((0..<200).map { Double($0) / 100 })
        let y = rosenbrock(xs)
        #expect(tape.gradient(of: y)[xs] == gradient(of: rosenbrock, at: (0..<200).map { Double($0) / 100 }))
        #expect(tape.reservedByteCount <= 1 << 20)
    }

    @Test func powWithAConstantUsesTheTablesRule() {
        // The table's partial in x at y = 0 is y·x^(y-1): NaN at x = NaN, 0 elsewhere,
        // in every mode; one-operand and two-operand recordings agree.
        for x in [2.0, 0.0, -3.0, .nan] {
            let constantExponent = gradient(of: { v in pow(v[0], 0) }, at: [x])[0]
            let table = ElementaryRule<Double>.pow(x, 0).lhs
            #expect(constantExponent.isNaN == table.isNaN)
            if !table.isNaN { #expect(constantExponent == table) }
            let constantBase = gradient(of: { v in pow(0, v[0]) }, at: [x])[0]
            let tableBase = ElementaryRule<Double>.pow(0, x).rhs
            #expect(constantBase.isNaN == tableBase.isNaN)
            if !tableBase.isNaN { #expect(constantBase == tableBase) }
        }
    }
}

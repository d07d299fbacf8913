import Testing
import Wengert

@Suite("Tape storage and reuse", .tags(.reverseMode))
struct ReverseTapeTests {
    @Test func entriesAreTwentyFourBytesPlusAnOpcodeByteForDouble() {
        #expect(Tape<Double>.bytesPerEntry == 24 + 1)   // 24-byte entry + 1 opcode byte (replay)
        #expect(Tape<Float>.bytesPerEntry == 17)
        #expect(MemoryLayout<Var<Double>>.size == 24)
    }

    @Test func resetKeepsMemoryAndRecordingDoesNotGrowIt() {
        let tape = Tape<Double>()
        func record() -> Double {
            let xs = tape.variables((0..<500).map { Double($0) * 0.01 })
            let y = rosenbrock(xs)
            let g = tape.gradient(of: y)[xs]
            tape.reset()
            return g.reduce(0, +)
        }
        let first = record()
        let reserved = tape.reservedByteCount
        for _ in 0..<20 { #expect(record() == first) }
        #expect(tape.reservedByteCount == reserved)
        #expect(tape.entryCount == 0)
    }

    @Test func sizeReportingCountsEntriesAndConstants() {
        let tape = Tape<Double>()
        let a = tape.variable(1.0), b = tape.variable(2.0)
        _ = a * b      // one entry
        _ = a + 3      // one entry and one constant
        #expect(tape.entryCount == 4)
        #expect(tape.inputCount == 2)
        #expect(tape.recordedByteCount == 5 * 25 + 8)
        #expect(tape.reservedByteCount >= tape.recordedByteCount)
        _ = a * 3      // one entry; the factor is its partial, not on the constant stream
        #expect(tape.entryCount == 5)
        #expect(tape.recordedByteCount == 6 * 25 + 8)
    }

    @Test func pooledTapesAreReusedAcrossCalls() {
        // The same gradient twice in a row is bitwise identical (same tape, reset).
        let x = (0..<100).map { Double($0) / 50 }
        #expect(gradient(of: elementaryHeavy, at: x) == gradient(of: elementaryHeavy, at: x))
    }

    @Test func capacityIsReservedUpFront() {
        let tape = Tape<Double>(capacity: 10_000)
        #expect(tape.reservedByteCount >= 10_000 * Tape<Double>.bytesPerEntry)
        #expect(tape.entryCount == 0)
    }
}

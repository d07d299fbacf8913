import Testing
import Wengert

/// The standard error of an exit test as text ("" when the test did not run).
func stderrText(_ result: ExitTest.Result?) -> String {
    result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
}

@Suite("Reverse-mode misuse stops with a message", .tags(.reverseMode))
struct ReverseMisuseTests {
    @Test func varUsedAfterReset() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            let a = tape.variable(1.0)
            tape.reset()
            _ = a * a
        }
        let text = stderrText(result)
        #expect(text.contains("a Var (slot 1) was used after its tape was reset or destroyed"))
        #expect(text.contains("do not keep Vars across resets"))
    }

    /// Combines slot 2 of a recording that was then reset with slot 1 of the current
    /// one, keeping the tape alive (destroyed, it would make both stale).
    static func combineStaleWithCurrent(staleOnTheLeft: Bool) {
        let tape = Tape<Double>()
        _ = tape.variable(1.0)
        let stale = tape.variable(2.0)
        tape.reset()
        let current = tape.variable(3.0)
        withExtendedLifetime(tape) { _ = staleOnTheLeft ? stale * current : current * stale }
    }

    /// A stale Var combined with a current one of the same tape: the message names the
    /// stale one (slot 2), not its current partner (slot 1), on either side.
    @Test func staleVarBesideACurrentOne() async {
        let left = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ReverseMisuseTests.combineStaleWithCurrent(staleOnTheLeft: true)
        }
        let right = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ReverseMisuseTests.combineStaleWithCurrent(staleOnTheLeft: false)
        }
        for result in [left, right] {
            #expect(stderrText(result).contains("a Var (slot 2) was used after its tape was reset or destroyed"))
        }
    }

    @Test func varUsedAfterItsTapeWasDestroyed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var a: Var<Double> = 0
            do {
                let tape = Tape<Double>()
                a = tape.variable(2.0)
            }
            _ = sin(a)
        }
        #expect(stderrText(result).contains("was used after its tape was reset or destroyed"))
    }

    @Test func varsOfTwoTapesMixed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let t1 = Tape<Double>(), t2 = Tape<Double>()
            let a = t1.variable(1.0)
            _ = t2.variable(1.0)
            let b = t2.variable(2.0)
            _ = a + b
        }
        let text = stderrText(result)
        #expect(text.contains("combined Vars of two different tapes (slots 1 and 2)"))
    }

    @Test func gradientOfAnotherTapesVar() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let t1 = Tape<Double>(), t2 = Tape<Double>()
            let a = t1.variable(1.0)
            _ = t2.gradient(of: a * a)
        }
        #expect(stderrText(result).contains("the output (slot 2) was recorded on a different tape"))
    }

    @Test func nonFiniteSeed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Reverse.vjp(of: { (x: [Var<Double>]) in [x[0] * x[1]] }, at: [1.0, 2.0], along: [.nan])
        }
        #expect(stderrText(result).contains("must be finite; got nan"))
    }

    @Test func vjpWithWrongCotangentLength() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Reverse.vjp(of: { (x: [Var<Double>]) in [x[0], x[1]] }, at: [1.0, 2.0], along: [1.0])
        }
        #expect(stderrText(result).contains("Reverse.vjp: the outputs of f has 2 elements but along (u) has 1"))
    }

    @Test func tapePastItsEntryLimit() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>(entryLimit: 100)
            var s = tape.variable(1.0)
            for _ in 0..<200 { s = s * s }
        }
        let text = stderrText(result)
        #expect(text.contains("the tape is full: it reached its limit of 100 entries"))
        #expect(text.contains("slots are 32-bit"))
    }
}

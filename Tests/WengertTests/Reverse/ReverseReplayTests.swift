import Testing
import Wengert

/// Branch-free except for `relu`, `abs`, `min`, `max`, whose replay recomputes the
/// selected side: no guards are recorded for them.
func smoothish<T: DifferentiableScalar>(_ x: [T]) -> T {
    var s = rosenbrock(x)
    s += relu(x[0] - 0.5) + abs(x[1]) + max(x[0], x[2]) + min(x[1], 2)
    s += pow(x[2], 2.5) + pow(1.5, x[0]) + atan2(x[1], 3) + hypot(2, x[0])
    s += 3 / x[2] + x[1] / 4 - (1 - x[0]) + elementaryHeavy(x)
    return s
}

func branchy<T: DifferentiableScalar>(_ x: [T]) -> T {
    if x[0] < x[1] { return x[0] * x[1] }
    return x[0] + x[1]
}

@Suite("Replay at new inputs", .tags(.reverseMode))
struct ReverseReplayTests {
    static let points: [[Double]] = [[0.9, -0.3, 1.2], [1.4, 0.8, 0.6], [0.2, 1.7, 2.2]]

    @Test("replay equals a fresh recording", arguments: points)
    func replayMatchesFreshRecording(_ x: [Double]) {
        let compiled = CompiledGradient(of: smoothish, at: [0.7, 0.1, 0.9])
        let (value, g) = compiled.valueWithGradient(at: x)
        let fresh = valueWithGradient(of: smoothish, at: x)
        #expect(value == fresh.value)
        #expect(g == fresh.gradient)
        #expect(compiled.inputCount == 3)
    }

    @Test func explicitTapeReplayAndValue() {
        let tape = Tape<Double>()
        let a = tape.variable(1.0), b = tape.variable(2.0)
        let z = a * b + exp(a) - 2 * b
        #expect(tape.value(of: z) == z.value)
        tape.replay(at: [3.0, -1.0])
        #expect(tape.value(of: z) == 3 * -1 + Double.exp(3) + 2)
        let adj = tape.gradient(of: z)
        #expect(adj[a] == -1 + Double.exp(3))
        #expect(adj[b] == 3 - 2)
    }

    @Test func replayKeepsGuardsThatStillHold() {
        let compiled = CompiledGradient(of: branchy, at: [1.0, 2.0])
        #expect(compiled.gradient(at: [0.5, 3.0]) == [3.0, 0.5])
    }

    @Test func guardFlipStopsWithAClearMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let compiled = CompiledGradient(of: branchy, at: [1.0, 2.0])
            _ = compiled.gradient(at: [3.0, 2.0])
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("recorded branch at comparison #1"))
            #expect(text.contains("now goes the other way"))
            #expect(text.contains("Record again"))
        }
    }

    @Test func wrongInputCountStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            let a = tape.variable(1.0), b = tape.variable(2.0)
            _ = a * b
            tape.replay(at: [1.0, 2.0, 3.0])
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Tape.replay(at:): the recording has 2 elements but inputs has 3"))
        }
    }

    @Test func customRulesRefuseReplay() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            let a = tape.variable(1.0)
            _ = Var.custom(value: 5, a, partial: 2)
            tape.replay(at: [1.0])
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("custom-rule entries"))
        }
    }

    @Test func guardsAreCountedOnlyForRecordedComparisons() {
        let tape = Tape<Double>()
        let a = tape.variable(1.0)
        let c: Var<Double> = 3
        _ = c < 4
        #expect(tape.branchGuardCount == 0)
        _ = a < c
        _ = a == a
        _ = a >= 0.5
        #expect(tape.branchGuardCount == 3)
    }
}

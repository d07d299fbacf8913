import Testing
@testable import Wengert

/// Every function replay batches, nested and mixed with the opcodes that read the constant
/// stream (constants, x + c, c - x, x / c, c / x, powers), so that a batched schedule
/// must consume the stream in recording order while evaluating out of it.
func everyBatchedFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
    var s: T = 0
    let n = x.count
    for i in 0..<n {
        let a = x[i], b = x[(i + 1) % n] * 0.5
        s += sin(a) * cos(b) + tan(0.3 * a) - sinh(b) / 3 + cosh(a * 0.5)
        s += tanh(a - 0.25) * exp(b) + expm1(0.5 - a) / 7
        s += log(1 + a * a) + log1p(b * b) * log2(2 + b) - log10(3 + a * a)
        s += exp(sin(a + b)) + pow(a * a + 1, 1.5) + pow(2, b) + 4 / (2 + a * a) + atan(b)
    }
    return s
}

/// The largest difference between two gradients, relative to the larger magnitude (≥ 1).
func largestRelativeDifference<T: DifferentiableScalar & BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    zip(a, b).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($0), Swift.abs($1)) }.max() ?? 0
}

@Suite("Vectorised replay", .tags(.reverseMode))
struct ReverseVectorizedReplayTests {
    static func points<T: BinaryFloatingPoint>(_ n: Int, seed: Int) -> [T] {
        (0..<n).map { T(sin(Double($0 * 7 + seed)) * 1.5) }
    }

    /// Values and partials within the kernels' ulp bounds (≤ 2 ulp per function) give a
    /// gradient within a few ulp of the fresh recording's per term: 1e-13 relative in
    /// Double, 1e-5 in Float, with the sums' rounding on top.
    @Test(arguments: [8, 64, 300])
    func doubleAgreesWithAFreshRecording(_ n: Int) {
        let compiled = CompiledGradient(of: everyBatchedFunction, at: Self.points(n, seed: 1) as [Double],
                                        elementaryFunctions: .vectorized)
        for seed in 2...4 {
            let x: [Double] = Self.points(n, seed: seed)
            let (value, gradient) = compiled.valueWithGradient(at: x)
            let fresh = valueWithGradient(of: everyBatchedFunction, at: x)
            #expect(Swift.abs(value - fresh.value) <= 1e-13 * Swift.max(1, Swift.abs(fresh.value)))
            #expect(largestRelativeDifference(gradient, fresh.gradient) <= 1e-13)
        }
        #expect(compiled.tape.replaySchedule?.pays == true, "the schedule batches \(n) terms")
    }

    @Test func floatAgreesWithAFreshRecording() {
        let compiled = CompiledGradient(of: everyBatchedFunction, at: Self.points(100, seed: 1) as [Float],
                                        elementaryFunctions: .vectorized)
        let x: [Float] = Self.points(100, seed: 5)
        let (value, gradient) = compiled.valueWithGradient(at: x)
        let fresh = valueWithGradient(of: everyBatchedFunction, at: x)
        #expect(Swift.abs(value - fresh.value) <= 1e-5 * Swift.max(1, Swift.abs(fresh.value)))
        #expect(largestRelativeDifference(gradient, fresh.gradient) <= 1e-5)
        #expect(compiled.tape.replaySchedule?.pays == true)
    }

    @Test func nestedElementaryFunctionsAgree() {
        let compiled = CompiledGradient(of: elementaryHeavy, at: Self.points(200, seed: 1) as [Double],
                                        elementaryFunctions: .vectorized)
        let x: [Double] = Self.points(200, seed: 9)
        let fresh = valueWithGradient(of: elementaryHeavy, at: x)
        #expect(largestRelativeDifference(compiled.gradient(at: x), fresh.gradient) <= 1e-13)
        #expect(compiled.tape.replaySchedule?.pays == true)
    }

    /// A recording longer than the schedule's window: reordered window by window, each
    /// function batched once per window, and still within the kernels' bounds.
    @Test func longRecordingsAreScheduledByWindows() throws {
        let n = 2000
        let compiled = CompiledGradient(of: elementaryHeavy, at: Self.points(n, seed: 1) as [Double],
                                        elementaryFunctions: .vectorized)
        let x: [Double] = Self.points(n, seed: 6)
        let fresh = valueWithGradient(of: elementaryHeavy, at: x)
        #expect(largestRelativeDifference(compiled.gradient(at: x), fresh.gradient) <= 1e-13)
        let schedule = try #require(compiled.tape.replaySchedule)
        #expect(schedule.pays)
        // The inputs come first; every full window after them has sines.
        let windows = (schedule.count - 1 - n) / ReplaySchedule.window
        #expect(windows >= 2, "the test's premise: \(schedule.count) entries span several windows")
        let sinBatches = schedule.steps.filter { $0.opcode == ReverseOpcode.sin.rawValue }.count
        #expect(sinBatches >= windows, "sin batched \(sinBatches) times over \(windows) windows past the inputs")
    }

    /// Few elementary functions: the schedule does not pay, and replay is the exact one.
    @Test func recordingsWithFewFunctionsReplayExactly() {
        let compiled = CompiledGradient(of: smoothish, at: [0.7, 0.1, 0.9], elementaryFunctions: .vectorized)
        let x = [0.9, -0.3, 1.2]
        #expect(compiled.valueWithGradient(at: x).gradient == valueWithGradient(of: smoothish, at: x).gradient)
        #expect(compiled.tape.replaySchedule?.pays == false)
    }

    /// Enough elementary functions by count, but a guard between every few of them (the
    /// GMM's logsumexp per point): batches of 3, so the schedule does not pay either.
    @Test func smallBatchesBetweenGuardsReplayExactly() {
        func f<T: DifferentiableScalar>(_ x: [T]) -> T {
            var s: T = 0
            for i in 0..<x.count {
                let m = x[i] > s ? x[i] : s
                s = m + log(exp(x[i] - m) + exp(s - m))
            }
            return s
        }
        let x0: [Double] = Self.points(40, seed: 3), x = x0.map { $0 * 1.01 }
        #expect(ReplaySchedule.mayPay(batched: 3 * 40, entries: 9 * 40), "the test's premise: the counts pass")
        let compiled = CompiledGradient(of: f, at: x0, elementaryFunctions: .vectorized)
        #expect(compiled.valueWithGradient(at: x).gradient == valueWithGradient(of: f, at: x).gradient)
        #expect(compiled.tape.replaySchedule?.pays == false)
        #expect(!ReplaySchedule.mayPay(batched: 6_050, entries: 400_000), "the GMM's counts fail before any sort")
    }

    /// Guards in the middle of batched stretches: each is checked after the entries
    /// recorded before it, and the schedule is rebuilt when the recording changes.
    static func guarded<T: DifferentiableScalar>(_ x: [T]) -> T {
        var s: T = 0
        for i in 0..<x.count {
            s += exp(x[i] * 0.5) * sin(x[i])
            if i % 16 == 8 { s += x[i] < x[i - 1] ? log(2 + x[i] * x[i]) : tanh(x[i]) }
        }
        return s
    }

    @Test func guardsThatHoldAgree() {
        let tape = Tape<Double>()
        tape.replayElementaryFunctions = .vectorized
        let x0: [Double] = Self.points(64, seed: 1)
        let y = Self.guarded(tape.recordInputs(x0))
        let x = x0.map { $0 + 1e-3 }
        tape.replay(at: x)
        let fresh = valueWithGradient(of: Self.guarded, at: x)
        #expect(Swift.abs(tape.value(of: y) - fresh.value) <= 1e-13 * Swift.max(1, Swift.abs(fresh.value)))
        #expect(largestRelativeDifference(tape.inputGradient(of: y, count: 64), fresh.gradient) <= 1e-13)
        #expect(tape.replaySchedule?.pays == true)
        #expect(tape.branchGuardCount == 4)
        // A new recording on the same tape gets a new schedule.
        tape.reset()
        let z = everyBatchedFunction(tape.recordInputs(x0))
        tape.replay(at: x)
        #expect(largestRelativeDifference(tape.inputGradient(of: z, count: 64),
                                          valueWithGradient(of: everyBatchedFunction, at: x).gradient) <= 1e-13)
    }

    @Test func aGuardThatFlipsInsideABatchedStretchStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x0: [Double] = ReverseVectorizedReplayTests.points(64, seed: 1)
            let compiled = CompiledGradient(of: ReverseVectorizedReplayTests.guarded, at: x0,
                                            elementaryFunctions: .vectorized)
            var x = x0
            // Comparison #2 compares x[24] with x[23]; swap them to flip it.
            x.swapAt(23, 24)
            _ = compiled.gradient(at: x)
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("recorded branch at comparison #2"))
        }
    }

    @Test func customRulesStillRefuseReplay() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            tape.replayElementaryFunctions = .vectorized
            let x = tape.recordInputs((0..<64).map { Double($0) / 64 })
            var s = Var.custom(value: 5, x[0], partial: 2)
            for v in x { s = s + exp(v) * sin(v) }
            tape.replay(at: (0..<64).map { Double($0) / 32 })
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("custom-rule entries"))
        }
    }
}

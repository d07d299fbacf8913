import Testing
import Wengert

@Suite("Gradients into a caller's buffer, and on several threads", .tags(.reverseMode))
struct ReverseBufferAndThreadTests {
    static let x = (0..<200).map { 0.3 + Double($0 % 13) * 0.07 }

    @Test func gradientIntoABufferMatchesAndReturnsTheValue() {
        var g = [Double](repeating: .nan, count: Self.x.count)
        let value = gradient(of: rosenbrock, at: Self.x, into: &g)
        let reference = valueWithGradient(of: rosenbrock, at: Self.x)
        #expect(value == reference.value)
        #expect(g == reference.gradient)
    }

    @Test func gradientIntoABufferAllocatesNothingInSteadyState() throws {
        var g = [Double](repeating: 0, count: Self.x.count)
        let x = Self.x
        // A generic function used as a closure value gets a context holding its type
        // arguments, allocated where the expression is evaluated: bind it once.
        let f: ([Var<Double>]) -> Var<Double> = rosenbrock
        // One call grows the pooled tape and its buffers. (Calls 2 to 10 used to allocate
        // too when this test ran alone: the pool's `as? Tape<T>`, first run on the second
        // call, made the runtime's cast caches allocate 14 times. The pool now compares
        // class pointers and casts nothing.)
        gradient(of: f, at: x, into: &g)
        let counted = AllocationCounter.count {
            for _ in 0..<1000 { gradient(of: f, at: x, into: &g) }
        }
        let intoBuffer = try #require(counted, "this Swift runtime has no allocation hook to count with")
        #expect(intoBuffer == 0)
        // The counter sees allocations: the array-returning form makes one per call.
        let returning = try #require(AllocationCounter.count {
            for _ in 0..<1000 { _ = gradient(of: f, at: x) }
        })
        #expect(returning >= 1000)
    }

    @Test func aBufferOfTheWrongLengthStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var g = [Double](repeating: 0, count: 2)
            gradient(of: rosenbrock, at: [1.0, 2.0, 3.0], into: &g)
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("gradient(of:at:into:): the point (x) has 3 elements but gradient buffer (into) has 2"))
        }
    }

    @Test(arguments: [1, 2, 3, 7])
    func gradientsAtManyPointsEqualOneThreadsBitForBit(threads: Int) {
        let points = (0..<23).map { k in Self.x.map { $0 + Double(k) * 0.01 } }
        let alone = points.map { gradient(of: elementaryHeavy, at: $0) }
        #expect(Reverse.gradients(of: elementaryHeavy, atEach: points, threads: threads) == alone)
        #expect(Reverse.gradients(of: elementaryHeavy, atEach: points) == alone)
        #expect(Reverse.gradients(of: elementaryHeavy, atEach: [[Double]](), threads: threads).isEmpty)
    }

    /// `threads: nil` starts on the calling thread and lets the others join as they
    /// wake; either way, the same numbers. 2000 inputs make each gradient take far
    /// longer than a wake-up, so the helpers join; one point stays on the caller.
    @Test func anAutomaticSplitWithHelpersJoiningLateEqualsOneThread() {
        let points = (0..<6).map { k in (0..<2000).map { i in sin(Double(i + k)) } }
        let alone = points.map { gradient(of: elementaryHeavy, at: $0) }
        #expect(Reverse.gradients(of: elementaryHeavy, atEach: points) == alone)
        #expect(Reverse.gradients(of: elementaryHeavy, atEach: [points[0]]) == [alone[0]])
        let wide = { (v: [Var<Double>]) in (0..<4).map { r in elementaryHeavy(v) * Var(Double(r + 1)) } }
        #expect(Reverse.jacobian(of: wide, at: points[1], threads: nil) == Reverse.jacobian(of: wide, at: points[1]))
    }

    /// Tiny batches finish before a helper wakes: the offer is withdrawn and the helper,
    /// arriving after the call returned, must leave without touching the finished
    /// call's closure. Many calls in a row give late helpers every chance to misbehave.
    @Test func tinyBatchesWithLateHelpersEqualOneThread() {
        let square = { @Sendable (v: [Var<Double>]) in v[0] * v[0] + v[1] }
        for k in 0..<2000 {
            let points = [[Double(k), 1.0], [Double(k) + 0.5, 2.0], [1.0, Double(k)]]
            #expect(Reverse.gradients(of: square, atEach: points) == points.map { [2 * $0[0], 1] })
        }
    }

    @Test(arguments: [1, 2, 5])
    func jacobianRowsOnThreadsEqualOneThreadsBitForBit(threads: Int) {
        func f<T: DifferentiableScalar>(_ v: [T]) -> [T] {
            (0..<9).map { r in
                var s: T = 0
                for (i, e) in v.enumerated() { s += sin(e * T(Double(r + 1))) * T(Double(i % 3)) }
                return s
            }
        }
        let rows = Reverse.jacobian(of: f, at: Self.x, threads: threads)
        #expect(rows == Reverse.jacobian(of: f, at: Self.x))
        #expect(rows.count == 9)
    }

    @Test func zeroThreadsStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Reverse.gradients(of: rosenbrock, atEach: [[1.0, 2.0]], threads: 0)
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("threads must be at least 1"))
        }
    }
}

import Testing
import Wengert

/// Two dot products with a little work between and after them, written with `dot`.
func twoDots<T: DifferentiableScalar>(_ x: [T]) -> T {
    let n = x.count / 2
    let s = dot(x[..<n], x[n...])
    let t = dot(x[1..<n], x[(n + 1)...], adding: s * x[0])
    return sin(t) + dot([t, s], [s, exp(t)])
}

/// The same function as running sums of `multiplyAdd`: the reference, entry for entry.
func twoDotsByLoop<T: DifferentiableScalar>(_ x: [T]) -> T {
    let n = x.count / 2
    var s = x[0] * x[n]
    for j in 1..<n { s = multiplyAdd(x[j], x[n + j], s) }
    var t = s * x[0]
    for j in 1..<n { t = multiplyAdd(x[j], x[n + j], t) }
    return sin(t) + multiplyAdd(s, exp(t), t * s)
}

@Suite("dot: a running sum of products in every mode, recorded in one pass", .tags(.reverseMode))
struct ReverseDotProductTests {
    static let point: [Double] = [0.3, -1.2, 0.7, 2.0, 0.4, -0.6, 1.1, 0.9]

    @Test func recordsTheEntriesOfTheLoopWithTheSameBits() {
        let looped = Tape<Double>(), dotted = Tape<Double>()
        let a = looped.variables(Self.point), b = dotted.variables(Self.point)
        let y = twoDotsByLoop(a), z = twoDots(b)
        #expect(dotted.entryCount == looped.entryCount)
        #expect(z.value.bitPattern == y.value.bitPattern)
        #expect(sameBits(dotted.gradient(of: z)[b], looped.gradient(of: y)[a]))
        #expect(sameBits(gradient(of: twoDots, at: Self.point), gradient(of: twoDotsByLoop, at: Self.point)))
    }

    @Test func everyModeAgreesWithTheLoop() {
        let x = Self.point
        #expect(twoDots(x).bitPattern == twoDotsByLoop(x).bitPattern)
        let v: [Double] = [1, 0, -1, 0.5, 0, 2, 0, -0.25]
        #expect(Forward.jvp(of: { [twoDots($0)] }, at: x, along: v).tangent
                == Forward.jvp(of: { [twoDotsByLoop($0)] }, at: x, along: v).tangent)
        #expect(hessianVectorProduct(of: twoDots, at: x, along: v)
                == hessianVectorProduct(of: twoDotsByLoop, at: x, along: v))
        #expect(Forward.gradient(of: twoDots, at: x) == Forward.gradient(of: twoDotsByLoop, at: x))
        let check = gradientCheck(of: twoDots, at: x)
        #expect(check.passed, "\(check)")
    }

    @Test("replay recomputes dot products", arguments: [[0.5, 1.5, -2.0, 0.25, 3.0, -1.0, 0.0, 2.0]])
    func replayMatchesFreshRecording(_ x: [Double]) {
        expectReplayMatchesFreshRecording(of: twoDots, recordedAt: Self.point, at: x)
    }

    @Test func constantsAndAnOlderSumFallBackTermByTerm() {
        let tape = Tape<Double>()
        let a = tape.variable(2.0), b = tape.variable(3.0), c = tape.variable(5.0)
        let old = a * c                      // not the latest entry once `e` is recorded
        let e = exp(b)
        // Term 0 falls back (old is not the latest): product and sum; term 1 is one entry;
        // term 2 has a constant operand: product by a constant and sum; term 3 one entry.
        let r = dot([a, b, Var(4.0), c], [b, c, a, a], adding: old)
        #expect(tape.entryCount == 3 + 2 + 2 + 1 + 2 + 1)
        let expected: Double = 2 * 3 + 10 + 3 * 5 + 4 * 2 + 5 * 2
        #expect(r.value == expected)
        let adj = tape.gradient(of: r + e)
        let expectedB: Double = 2 + 5 + Double.exp(3)
        #expect(adj[a] == 17)
        #expect(adj[b] == expectedB)
        #expect(adj[c] == 7)
    }

    @Test func aLongRunGrowsTheTapeOnce() {
        // Longer than a new tape's first allocation of 1024 entries.
        let n = 5000
        let x = (0..<(2 * n)).map { Double($0 % 17) * 0.125 - 1 }
        let f = { (v: [Var<Double>]) in dot(v[..<n], v[n...]) }
        let g = gradient(of: f, at: x)
        #expect(g == Array(x[n...]) + Array(x[..<n]))
        let tape = Tape<Double>()
        let y = f(tape.variables(x))
        #expect(tape.entryCount == 2 * n + n)
        #expect(y.value == (1..<n).reduce(x[0] * x[n]) { x[$1] * x[n + $1] + $0 })
    }

    @Test func runsAfterFallbacksRecordTheLoopsEntries() {
        // Leading constant terms (recording nothing, so the term index passes the tape's
        // count), then a run longer than the tape's first allocation, which the general
        // loop must grow for; a constant in the middle splits it.
        let n = 3000
        let values = (0..<(2 * n)).map { Double($0 % 13) * 0.25 - 1.5 }
        func operands(_ v: [Var<Double>]) -> ([Var<Double>], [Var<Double>]) {
            var x = Array(v[..<n]), y = Array(v[n...])
            for j in 0..<12 { x[j] = Var(Double(j) + 0.5); y[j] = Var(2.0) }
            x[n / 2] = Var(3.0)
            return (x, y)
        }
        let looped = Tape<Double>(), dotted = Tape<Double>()
        let a = looped.variables(values), b = dotted.variables(values)
        let (xa, ya) = operands(a), (xb, yb) = operands(b)
        var s: Var<Double> = 0
        for j in 0..<n { s = multiplyAdd(xa[j], ya[j], s) }
        let r = dot(xb, yb, adding: 0)
        #expect(dotted.entryCount == looped.entryCount)
        #expect(r.value.bitPattern == s.value.bitPattern)
        #expect(sameBits(dotted.gradient(of: r)[b], looped.gradient(of: s)[a]))
    }

    @Test func emptyOperands() {
        let tape = Tape<Double>()
        let z = tape.variable(1.5)
        let none: [Var<Double>] = []
        #expect(dot(none, none).value == 0)
        #expect(dot(none, none, adding: z).slot == z.slot)
        #expect(dot([Double](), [Double]()) == 0)
        #expect(tape.entryCount == 1)
    }

    @Test func operandsOfDifferentLengthsStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = dot([1.0, 2.0, 3.0], [1.0, 2.0])
        }
        #expect(stderrText(result).contains("dot needs operands of the same length; got 3 and 2 elements"))
    }

    @Test func aStaleOperandStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Double>()
            let old = tape.variable(1.0)
            tape.reset()
            let a = tape.variable(2.0), b = tape.variable(3.0)
            _ = dot([a, old], [b, b])
        }
        #expect(stderrText(result).contains("a Var (slot 1) was used after its tape was reset or destroyed"))
    }

    @Test func anOperandOfAnotherTapeStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let t1 = Tape<Double>(), t2 = Tape<Double>()
            let a = t1.variable(1.0), b = t1.variable(2.0)
            _ = t2.variable(0.0); _ = t2.variable(0.0)
            let c = t2.variable(3.0)
            _ = dot([a, c], [b, b])
        }
        #expect(stderrText(result).contains("combined Vars of two different tapes"))
    }
}

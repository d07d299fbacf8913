import Testing
@testable import Wengert

/// One recorded comparison of the tests below: two of the recording's values (an index
/// into them) or a constant on one side, `<` or `==`.
private struct Comparison {
    var lhs: Int?, rhs: Int?
    var constant: Double
    var isLess: Bool

    func outcome<T: DifferentiableScalar>(_ v: [T]) -> Bool {
        let l = lhs.map { v[$0] } ?? T(constant), r = rhs.map { v[$0] } ?? T(constant)
        return isLess ? l < r : l == r
    }

    func record<T: DifferentiableScalar>(_ v: [Var<T>]) {
        let l = lhs.map { v[$0] } ?? Var(constant: T(constant)), r = rhs.map { v[$0] } ?? Var(constant: T(constant))
        _ = isLess ? l < r : l == r
    }
}

/// Replay checks a `Double` or `Float` recording's guards in groups at each position
/// (Reverse/ReplayGuards.swift) and finds the flipped one with the recorded guards:
/// the guard it reports must be the first whose comparison changed, whatever the mix of
/// kinds, outcomes, constant sides and positions.
@Suite("Replay's grouped guards")
struct ReverseReplayGuardGroupTests {
    /// 40 comparisons for a recording of 4 inputs and their squares, 10 after each square
    /// (so at 4 positions), naming only values recorded before them, each a `<` or `==`
    /// of two values or of a value and a constant; some `==` hold when recorded (a value
    /// with itself, or with its recorded value as the constant).
    private static func comparisons(seed: UInt64, at x0: [Double]) -> [Comparison] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let v0 = x0 + x0.map { $0 * $0 }
        return (0..<40).map { k in
            let a = next(5 + k / 10), b = next(5 + k / 10)
            switch next(6) {
            case 0: return Comparison(lhs: a, rhs: nil, constant: Double(next(9)) - 2, isLess: true)
            case 1: return Comparison(lhs: nil, rhs: a, constant: Double(next(9)) - 2, isLess: true)
            case 2: return Comparison(lhs: a, rhs: nil, constant: v0[a], isLess: false)
            case 3: return Comparison(lhs: a, rhs: next(2) == 0 ? a : b, constant: 0, isLess: false)
            default: return Comparison(lhs: a, rhs: b, constant: 0, isLess: true)
            }
        }
    }

    /// Records the comparisons at `x0`, replays at each point and checks the reported
    /// guard against the comparisons' own outcomes there.
    private static func check<T: DifferentiableScalar>(_: T.Type, seed: UInt64) {
        let x0: [Double] = [0.5, 1.5, -1, 2]
        let cs = comparisons(seed: seed, at: x0)
        let tape = Tape<T>()
        let xs = tape.variables(x0.map { T($0) })
        var v = xs
        for i in 0..<4 {
            v.append(xs[i] * xs[i])
            for c in cs[10 * i ..< 10 * i + 10] { c.record(v) }
        }
        let recorded = cs.map { $0.outcome(x0.map { T($0) } + x0.map { T($0 * $0) }) }
        let points: [[Double]] = [x0, [0.5, 1.5, -1, 2.5], [-0.5, 1.5, -1, 2], [2, 2, 2, 2],
                                  [0.5, -3, 1, 2], [7, 1.5, -1, -4], [0.5, 1.5, 0, 2]]
        for x in points {
            let values = x.map { T($0) } + x.map { T($0) * T($0) }
            let expected = cs.indices.first { cs[$0].outcome(values) != recorded[$0] }
            #expect(tape.replayCore(x.map { T($0) }) == expected, "seed \(seed), point \(x)")
        }
    }

    @Test func theFirstFlippedGuardIsReportedForDouble() {
        for seed in 1...40 { Self.check(Double.self, seed: UInt64(seed)) }
    }

    @Test func theFirstFlippedGuardIsReportedForFloat() {
        for seed in 1...40 { Self.check(Float.self, seed: UInt64(seed)) }
    }

    /// The groups are kept with the tape until the recording changes: a new recording
    /// with as many entries and guards, other constants, must not be checked with the
    /// old ones.
    @Test func aNewRecordingGetsNewGroups() {
        let tape = Tape<Double>()
        var a = tape.variable(1.0)
        _ = a < 2
        #expect(tape.replayCore([1.5]) == nil)
        #expect(tape.replayCore([2.5]) == 0)
        tape.reset()
        a = tape.variable(1.0)
        _ = a < 3
        #expect(tape.replayCore([2.5]) == nil)
        #expect(tape.replayCore([3.5]) == 0)
    }
}

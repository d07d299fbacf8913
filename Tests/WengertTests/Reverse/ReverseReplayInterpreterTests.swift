import CWengert
import Testing
@testable import Wengert

/// A recording with every opcode the C interpreter evaluates (include/CWengertReplay.h),
/// operands that are the entry just before and operands that are not, an input recorded
/// mid-stream, guards that split the pass into segments, and opcodes it hands back to
/// Swift (sin, pow and atan2 with constants, min) between opcodes that read the constant
/// stream, so that a cursor handed back with a wrong index or stream position shows.
/// Returns every variable, inputs first.
func interpreterWorkout<T: DifferentiableScalar>(on tape: Tape<T>, at x: [T]) -> [Var<T>] {
    var all: [Var<T>] = []
    func keep(_ y: Var<T>) -> Var<T> { all.append(y); return y }
    let a = keep(tape.variable(x[0])), b = keep(tape.variable(x[1]))
    let p = keep(a * b)                         // multiply, no operand just before
    let q = keep(p * b)                         // multiply, lhs just before
    let r = keep(b / q)                         // divide, rhs just before
    _ = a < 10                                  // a guard: a segment ends here
    let s = keep(r + a)                         // add
    let t = keep(b - s)                         // subtract
    let u = keep(-t)                            // negate
    let c = keep(tape.variable(x[2]))           // an input after other entries
    let w = keep(u + 2)                         // addConstant
    let y1 = keep(w - 0.75)                     // subtractConstant
    let y2 = keep(1.5 - y1)                     // constantMinus
    let y3 = keep(y2 * 3)                       // multiplyConstant (partial is its constant)
    let y4 = keep(sin(y3))                      // handed to Swift
    let y5 = keep(y4 / 4)                       // divideConstant
    let y6 = keep(pow(c, 2.5))                  // powConstant: Swift reads the stream
    let y7 = keep(5 / y6)                       // constantOver: C reads the next constant
    _ = y7 == y7                                // a second guard
    let y8 = keep(atan2(y7, 3))                 // a constant entry (C), then atan2 (Swift)
    let y9 = keep(Var.multiplyAdd(a, c, y8))    // multiplyAdd
    let y10 = keep(Var.multiplyAdd(y9, y9, y9)) // multiplyAdd on the entry just before
    let y11 = keep(min(y10, 2))                 // a constant entry, then min (Swift)
    let y12 = keep(y11 * y11)
    let y13 = keep(y12 / y5)                    // divide, no operand just before
    let y14 = keep(y13 - p * 0.5 + q / 3)
    _ = keep(y14 + a)
    return all
}

@Suite("Replay's C interpreter against fresh recordings", .tags(.reverseMode))
struct ReverseReplayInterpreterTests {
    /// Replays the workout at each point and compares every value and every adjoint with
    /// a fresh recording there, bit for bit.
    func replayMatchesRecording<T: DifferentiableScalar>(_: T.Type) {
        let tape = Tape<T>()
        let vars = interpreterWorkout(on: tape, at: [T(0.7), T(1.3), T(0.4)])
        #expect(tape.branchGuardCount == 2)
        for x in [[1.1, 0.6, 0.9], [0.3, 2.0, 1.7], [0.7, 1.3, 0.4]] as [[Double]] {
            let point = x.map { T($0) }
            tape.replay(at: point)
            let replayed = tape.gradient(of: vars.last!)
            let freshTape = Tape<T>()
            let fresh = interpreterWorkout(on: freshTape, at: point)
            let freshAdjoints = freshTape.gradient(of: fresh.last!)
            for k in vars.indices {
                #expect(tape.value(of: vars[k]) == fresh[k].value, "value of variable \(k) at \(x)")
                #expect(replayed[vars[k]] == freshAdjoints[fresh[k]], "adjoint of variable \(k) at \(x)")
            }
        }
    }

    @Test func doubleReplayIsBitIdentical() { replayMatchesRecording(Double.self) }
    @Test func floatReplayIsBitIdentical() { replayMatchesRecording(Float.self) }

    /// Dot runs of 1 to 7 terms (odd and even: the interior loop takes two terms a turn
    /// and ends on either), one straight after another and between other entries, with
    /// operands in either order, replayed against fresh recordings bit for bit.
    func dotRunsReplayLikeRecording<T: DifferentiableScalar>(_: T.Type) {
        func f(_ v: [Var<T>]) -> Var<T> {
            var s = v[0] * v[1]
            for n in 1...7 {
                let x = (0..<n).map { v[($0 * 3 + n) % v.count] }
                let y = (0..<n).map { v[($0 + 2 * n) % v.count] }
                s = dot(x, y, adding: s)
                if n % 3 == 0 { s = s * v[n % v.count] }
            }
            return s
        }
        let x0: [T] = [0.7, 1.3, 0.4, -0.9, 1.1, 0.25, -1.6].map { T($0) }
        let tape = Tape<T>()
        let recorded = tape.variables(x0)
        let y = f(recorded)
        for shift in [0.0, 0.31, -0.47] {
            let x = x0.map { $0 + T(shift) }
            tape.replay(at: x)
            let replayed = tape.gradient(of: y)
            let fresh = Tape<T>()
            let inputs = fresh.variables(x)
            let z = f(inputs)
            let freshAdjoints = fresh.gradient(of: z)
            #expect(tape.value(of: y) == z.value, "value at shift \(shift)")
            for k in x.indices {
                #expect(replayed[recorded[k]] == freshAdjoints[inputs[k]], "adjoint \(k) at shift \(shift)")
            }
        }
    }

    @Test func doubleDotRunsReplayBitIdentically() { dotRunsReplayLikeRecording(Double.self) }
    @Test func floatDotRunsReplayBitIdentically() { dotRunsReplayLikeRecording(Float.self) }

    @Test func opcodeNumbersAgreeWithTheCInterpreter() {
        let pairs: [(ReverseOpcode, Int)] = [
            (.null, WENGERT_OP_NULL), (.input, WENGERT_OP_INPUT), (.constant, WENGERT_OP_CONSTANT),
            (.custom, WENGERT_OP_CUSTOM), (.add, WENGERT_OP_ADD), (.subtract, WENGERT_OP_SUBTRACT),
            (.multiply, WENGERT_OP_MULTIPLY), (.divide, WENGERT_OP_DIVIDE), (.negate, WENGERT_OP_NEGATE),
            (.addConstant, WENGERT_OP_ADD_CONSTANT), (.subtractConstant, WENGERT_OP_SUBTRACT_CONSTANT),
            (.constantMinus, WENGERT_OP_CONSTANT_MINUS), (.multiplyConstant, WENGERT_OP_MULTIPLY_CONSTANT),
            (.divideConstant, WENGERT_OP_DIVIDE_CONSTANT), (.constantOver, WENGERT_OP_CONSTANT_OVER),
            (.multiplyAdd, WENGERT_OP_MULTIPLY_ADD),
            (.multiplyAddInterior, WENGERT_OP_MULTIPLY_ADD_INTERIOR), (.powConstant, WENGERT_OP_POW_CONSTANT),
            (.constantPow, WENGERT_OP_CONSTANT_POW), (.sin, WENGERT_OP_SIN), (.cos, WENGERT_OP_COS),
            (.tan, WENGERT_OP_TAN), (.sinh, WENGERT_OP_SINH), (.cosh, WENGERT_OP_COSH), (.tanh, WENGERT_OP_TANH),
            (.exp, WENGERT_OP_EXP), (.expm1, WENGERT_OP_EXPM1), (.log, WENGERT_OP_LOG), (.log1p, WENGERT_OP_LOG1P),
            (.log2, WENGERT_OP_LOG2), (.log10, WENGERT_OP_LOG10), (.atan2, WENGERT_OP_ATAN2),
        ]
        // The opcodes the vectorised replay batches (ReplayBatch.c), and no others.
        let batched: Set<ReverseOpcode> = [.sin, .cos, .tan, .sinh, .cosh, .tanh, .exp, .expm1, .log, .log1p, .log2, .log10]
        for raw in 0...UInt8(WENGERT_OP_MULTIPLY_ADD_INTERIOR) {
            let op = ReverseOpcode(rawValue: raw)!
            #expect((wengert_replay_batches(raw) != 0) == batched.contains(op), "\(op)")
        }
        for (op, number) in pairs { #expect(Int(op.rawValue) == number, "\(op)") }
        #expect(Int(ReverseOpcode.multiplyAddInterior.rawValue) + 1 == WENGERT_OP_SENTINEL)
        #expect(ReverseOpcode(rawValue: UInt8(WENGERT_OP_SENTINEL)) == nil)
        #expect(MemoryLayout<TapeEntry<Double>>.stride == 24 && MemoryLayout<TapeEntry<Float>>.stride == 16)
        #expect(MemoryLayout<TapeEntry<Double>>.offset(of: \.lhsPartial) == 8)
        #expect(MemoryLayout<TapeEntry<Float>>.offset(of: \.rhsPartial) == 12)
    }

    /// Each entry of the rule tables applies its own opcode's rule: a table shifted or two
    /// entries swapped gives another function's value or partials at one of the points.
    /// `rule(opcode, x, y, &entry)` applies table entry `opcode`, nil where it is nil.
    func ruleTableMatchesTheRules<T: DifferentiableScalar>(
        count: Int, _ rule: (Int, T, T, inout TapeEntry<T>) -> T?
    ) {
        #expect(count == Int(ReverseOpcode.multiplyAddInterior.rawValue) + 1)
        for raw in 0..<UInt8(count) {
            let op = ReverseOpcode(rawValue: raw)!
            let handedBack = raw >= ReverseOpcode.powConstant.rawValue && raw <= ReverseOpcode.max.rawValue
            for (x, y) in [(T(0.3), T(1.7)), (T(-0.3), T(0.5))] {
                var entry = TapeEntry<T>(lhsSlot: 0, rhsSlot: 0, lhsPartial: 0, rhsPartial: 0)
                let applied = rule(Int(raw), x, y, &entry)
                #expect((applied != nil) == handedBack, "\(op)")
                guard handedBack, let value = applied else { continue }
                let expected: (value: T, lhs: T, rhs: T)
                if op.isBinary {
                    expected = ReverseRule<T>.binary(op, x, y)
                } else {
                    let r = ReverseRule<T>.unary(op, x, y)
                    expected = (r.value, r.partial, 0)
                }
                // log and sqrt of -0.3 are NaN, which == alone would reject.
                func same(_ a: T, _ b: T) -> Bool { a == b || (a != a && b != b) }
                #expect(same(value, expected.value), "\(op) at \(x)")
                #expect(same(entry.lhsPartial, expected.lhs), "\(op) at \(x)")
                #expect(same(entry.rhsPartial, expected.rhs), "\(op) at \(x)")
            }
        }
    }

    @Test func ruleTablesApplyTheirOpcodesRules() {
        ruleTableMatchesTheRules(count: replayRulesDouble.count) { (op, x: Double, y, entry) in
            replayRulesDouble[op].map { $0(x, y, &entry) }
        }
        ruleTableMatchesTheRules(count: replayRulesFloat.count) { (op, x: Float, y, entry) in
            replayRulesFloat[op].map { $0(x, y, &entry) }
        }
    }

    /// Comparisons made one after another share a position and are checked together:
    /// each is checked, and the first that flips is the one reported.
    @Test func guardsAtOnePositionAreEachChecked() {
        let tape = Tape<Double>()
        let a = tape.variable(1), b = tape.variable(2)
        _ = a < 5                        // #0
        _ = b < 5                        // #1, same position
        _ = a < b                        // #2, same position
        let p = a * b
        _ = p < 10                       // #3, after an entry
        _ = p == 6                       // #4, same position (false when recorded)
        #expect(tape.branchGuardCount == 5)
        #expect(tape.replayCore([2, 2.5]) == nil)
        #expect(tape.replayCore([6, 3]) == 0)
        #expect(tape.replayCore([1, 7]) == 1)
        #expect(tape.replayCore([3, 2]) == 2)
        #expect(tape.replayCore([3, 4]) == 3)
        #expect(tape.replayCore([2, 3]) == 4)
    }

    @Test func floatGuardFlipAfterInterpretedEntriesStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tape = Tape<Float>()
            let a = tape.variable(1), b = tape.variable(2)
            _ = a < 5                    // holds at both points
            let p = a * b + 1
            _ = p < 4                    // 3 < 4 recorded; 7 < 4 at (2, 3) flips
            _ = p * p
            tape.replay(at: [2, 3])
        } .map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("recorded branch at comparison #2"))
        }
    }
}

import Testing
import Wengert

/// x³ through a custom rule: value x³, derivative 3x².
func customCube(_ x: Var<Double>) -> Var<Double> {
    Var.custom(value: x.value * x.value * x.value, x, partial: 3 * x.value * x.value)
}

@Suite("Custom scalar rules", .tags(.reverseMode))
struct ReverseCustomRuleTests {
    @Test func unaryRuleIsOneEntry() {
        let tape = Tape<Double>()
        let x = tape.variable(2.0)
        let before = tape.entryCount
        let y = customCube(x)
        #expect(tape.entryCount == before + 1)
        #expect(tape.customRuleCount == 1)
        #expect(y.value == 8)
        #expect(tape.gradient(of: sin(y))[x] == Double.cos(8) * 12)
    }

    @Test func binaryRuleIsOneEntry() {
        let g = gradient(of: { (v: [Var<Double>]) -> Var<Double> in
            // f(x, y) = x·eʸ with partials eʸ and x·eʸ.
            let e = Double.exp(v[1].value)
            return Var.custom(value: v[0].value * e, v[0], e, v[1], v[0].value * e) * 2
        }, at: [3.0, 0.5])
        #expect(close(g, [2 * Double.exp(0.5), 6 * Double.exp(0.5)]))
    }

    @Test func naryRuleChainsBinaryEntries() {
        let tape = Tape<Double>()
        let xs = tape.variables([1.0, 2.0, 3.0, 4.0])
        let before = tape.entryCount
        // f = Σ kᵢ xᵢ with a constant operand in the middle, which is skipped.
        let operands: [(variable: Var<Double>, partial: Double)] =
            [(xs[0], 1), (xs[1], 2), (Var(9.0), 100), (xs[2], 3), (xs[3], 4)]
        let f = Var.custom(value: 30, operands: operands)
        #expect(tape.entryCount == before + 3)
        #expect(f.value == 30)
        #expect(tape.gradient(of: f)[xs] == [1, 2, 3, 4])
    }

    @Test func rulesOnConstantsRecordNothing() {
        let tape = Tape<Double>()
        _ = tape.variable(1.0)
        let before = tape.entryCount
        let c = Var.custom(value: 5, Var(1.0), partial: 7)
        let d = Var.custom(value: 6, operands: [(Var(1.0), 2)])
        #expect(c.isConstant && d.isConstant && c.value == 5 && d.value == 6)
        #expect(tape.entryCount == before)
    }
}

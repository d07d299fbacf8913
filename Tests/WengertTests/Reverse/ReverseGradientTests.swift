import Testing
import Wengert

@Suite("Reverse gradients", .tags(.reverseMode))
struct ReverseGradientTests {
    @Test("gradient(of:at:) matches forward mode and the plain value", arguments: reverseCatalog)
    func matchesForward(_ c: ReverseCase) {
        let (value, g) = valueWithGradient(of: c.reverse, at: c.point)
        #expect(value == c.plain(c.point))
        #expect(close(g, dualGradient(c.forward, at: c.point)), "\(g)")
        #expect(gradient(of: c.reverse, at: c.point) == g)
    }

    @Test func explicitTapeMatchesAnalytic() {
        let tape = Tape<Double>()
        let a = tape.variable(3.0), b = tape.variable(4.0)
        let z = a * b + sin(a)
        let adjoints = tape.gradient(of: z)
        #expect(z.value == 12 + Foundation_sin(3))
        #expect(adjoints[a] == 4 + Foundation_cos(3))
        #expect(adjoints[b] == 3)
        #expect(adjoints[[a, b]] == [4 + Foundation_cos(3), 3])
        #expect(adjoints[Var(constant: 2.0)] == 0)
    }

    /// sqrt′(0) = +∞: the one-operand entry u = x + 1 receives an infinite adjoint, and
    /// its own slot (named on its right with partial 0) must not turn it into NaN.
    @Test func anInfiniteAdjointOfAOneOperandResultStaysInfinite() {
        let tape = Tape<Double>()
        let x = tape.variable(-1)
        let u = x + 1
        let f = sqrt(u)
        let adjoints = tape.gradient(of: f)
        #expect(adjoints[u] == .infinity)
        #expect(adjoints[x] == .infinity)
        #expect(gradient(of: { sqrt($0[0] + 1) }, at: [-1.0]) == [.infinity])
    }

    @Test func constantsRecordNothing() {
        let tape = Tape<Double>()
        let x = tape.variable(2.0)
        let before = tape.entryCount
        let c: Var<Double> = 3
        let k = c * c + sin(c) - 1 / c
        #expect(k.isConstant)
        #expect(tape.entryCount == before)
        let y = k * x
        #expect(tape.entryCount == before + 1)
        #expect(tape.gradient(of: y)[x] == k.value)
    }

    @Test func constantResultHasZeroGradient() {
        #expect(gradient(of: { (_: [Var<Double>]) in Var(5.0) }, at: [1.0, 2.0]) == [0, 0])
    }

    @Test func mixedArithmeticWithPlainValues() {
        let g = gradient(of: { (x: [Var<Double>]) -> Var<Double> in
            let k = 2.5
            return (x[0] * k + k) / k - k / x[1] + (k - x[0]) * (x[1] - k)
        }, at: [1.0, 2.0])
        // d/dx0 = 1 - (x1 - 2.5) = 1.5; d/dx1 = 2.5/x1² + (2.5 - x0) = 0.625 + 1.5
        #expect(close(g, [1.5, 2.125]))
    }

    @Test func zeroAdjointDoesNotMakeNaNThroughInfinitePartial() {
        // sqrt at 0 has an infinite partial; its result is multiplied by 0, so the
        // adjoint reaching sqrt is 0 and must not produce 0 · ∞ = NaN.
        let g = gradient(of: { (x: [Var<Double>]) in sqrt(x[0]) * 0 + x[1] }, at: [0.0, 1.0])
        #expect(g == [0, 1])
    }

    @Test func floatTapesWork() {
        let g = gradient(of: { (x: [Var<Float>]) in x[0] * x[0] * x[1] }, at: [Float(3), 2])
        #expect(g == [12, 9])
    }

    @Test func nestedGradientCallsUseSeparateTapes() {
        // d/dx [x · (d/dy y² at y = x.value)] = 2 x.value (the inner result is a constant).
        let g = gradient(of: { (x: [Var<Double>]) -> Var<Double> in
            let inner = gradient(of: { (y: [Var<Double>]) in y[0] * y[0] }, at: [x[0].value])[0]
            return x[0] * inner
        }, at: [3.0])
        #expect(g == [6])
    }
}

func Foundation_sin(_ x: Double) -> Double { Double.sin(x) }
func Foundation_cos(_ x: Double) -> Double { Double.cos(x) }

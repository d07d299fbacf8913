import Testing
import Wengert

/// A zero adjoint passes nothing, even through an infinite or NaN partial. For `Double`
/// and `Float` the sweep has no test of the adjoint for it: the products 0 · ∞ and
/// 0 · NaN are caught by the one test of the products, which every sweep variant (with
/// and without opcodes, clearing or keeping, after replay, across a `dot` run) must
/// make; a product that slipped through would turn a gradient into NaN.
@Suite("A zero adjoint passes nothing through an infinite or NaN partial", .tags(.reverseMode))
struct ReverseZeroAdjointTests {
    /// sqrt at 0 has an infinite partial and at −1 a NaN one; its result is scaled by 0,
    /// so the adjoint reaching it is 0.
    static func scaledAway<T: DifferentiableScalar>(_ x: [Var<T>]) -> Var<T> {
        sqrt(x[0]) * 0 + x[1] * x[1]
    }

    /// The same with the sum fused (`multiplyAdd`), so the sweep reads opcodes.
    static func scaledAwayFused<T: DifferentiableScalar>(_ x: [Var<T>]) -> Var<T> {
        multiplyAdd(x[1], x[1], sqrt(x[0]) * 0)
    }

    /// A `dot` run whose adjoint is 0 and whose partials (the other operand's values)
    /// include 1/x at 0, infinite: the run's loop must not take a zero adjoint.
    static func dotScaledAway<T: DifferentiableScalar>(_ x: [Var<T>]) -> Var<T> {
        let inverse = 1 / x[0]
        let d = dot([x[1], x[1], x[1], x[1]], [inverse, x[1], inverse, x[1]])
        return d * 0 + x[1] * x[1]
    }

    func check<T: DifferentiableScalar>(_: T.Type, _ f: ([Var<T>]) -> Var<T>, at x0: T) {
        let x: [T] = [x0, 3]
        let expected: [T] = [0, 6]
        #expect(gradient(of: f, at: x) == expected)
        // The keeping sweep over the whole recording, the inputs' entries included.
        let tape = Tape<T>()
        let vars = x.map { tape.variable($0) }
        let adjoints = tape.gradient(of: f(vars))
        #expect(adjoints[vars] == expected)
        // After replay, from a point where the partial is finite.
        let compiled = CompiledGradient(of: f, at: [1, 3])
        #expect(compiled.gradient(at: x) == expected)
    }

    @Test(arguments: [0.0, -1.0])
    func doubleSweeps(x0: Double) {
        check(Double.self, Self.scaledAway, at: x0)
        check(Double.self, Self.scaledAwayFused, at: x0)
    }

    @Test(arguments: [Float(0), Float(-1)])
    func floatSweeps(x0: Float) {
        check(Float.self, Self.scaledAway, at: x0)
        check(Float.self, Self.scaledAwayFused, at: x0)
    }

    @Test func dotRunsWithAZeroAdjoint() {
        check(Double.self, Self.dotScaledAway, at: 0)
        check(Float.self, Self.dotScaledAway, at: 0)
    }

    /// A zero seed passes nothing and stays as given (−0 included) in the output's slot;
    /// every other adjoint is +0, bit for bit.
    @Test func zeroSeedsLeaveZeros() {
        let tape = Tape<Double>()
        let x = tape.variable(2), y = tape.variable(-0.5)
        let z = sqrt(x * y - 1)                          // NaN, with NaN partials
        let adjoints = tape.gradient(of: z, seed: -0.0)
        #expect(adjoints[z].bitPattern == (-0.0).bitPattern)
        #expect(adjoints[x].bitPattern == 0)
        #expect(adjoints[y].bitPattern == 0)
    }
}

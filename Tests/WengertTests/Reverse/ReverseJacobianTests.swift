import Testing
import Wengert

/// f: ℝ³ → ℝ², with a hand-written Jacobian.
func twoOutputs<T: DifferentiableScalar>(_ x: [T]) -> [T] {
    [x[0] * x[1] + sin(x[2]), exp(x[0]) - x[1] * x[2] * x[2]]
}

func twoOutputsJacobian(_ x: [Double]) -> [[Double]] {
    [[x[1], x[0], Double.cos(x[2])],
     [Double.exp(x[0]), -x[2] * x[2], -2 * x[1] * x[2]]]
}

@Suite("Reverse Jacobians and VJPs", .tags(.reverseMode))
struct ReverseJacobianTests {
    static let points: [[Double]] = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [0, 0, 0]]

    @Test(arguments: points)
    func jacobianMatchesAnalytic(_ x: [Double]) {
        let j = Reverse.jacobian(of: twoOutputs, at: x)
        let expected = twoOutputsJacobian(x)
        #expect(j.count == 2)
        for (row, want) in zip(j, expected) { #expect(close(row, want), "\(row) vs \(want)") }
    }

    @Test(arguments: points)
    func vjpIsTransposedJacobianTimesU(_ x: [Double]) {
        let u = [0.3, -2.0]
        let (value, cotangent) = Reverse.vjp(of: twoOutputs, at: x, along: u)
        #expect(value == twoOutputs(x))
        let j = twoOutputsJacobian(x)
        let expected = (0..<3).map { k in u[0] * j[0][k] + u[1] * j[1][k] }
        #expect(close(cotangent, expected))
    }

    @Test func vjpAgreesWithJvpThroughTheInnerProduct() {
        // ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ with J v by forward mode (duals).
        let x = [0.7, -0.2, 1.1], v = [1.0, 2.0, -0.5], u = [0.4, 1.5]
        let jv = twoOutputs(x.indices.map { Dual(x[$0], derivative: v[$0]) }).map(\.derivative)
        let jtu = Reverse.vjp(of: twoOutputs, at: x, along: u).cotangent
        let lhs = zip(jv, u).map(*).reduce(0, +)
        let rhs = zip(v, jtu).map(*).reduce(0, +)
        #expect(Swift.abs(lhs - rhs) <= 1e-12 * Swift.max(1, Swift.abs(lhs)))
    }

    @Test func sharedAndConstantOutputs() {
        // An output repeated and a constant output: seeds add up, constants contribute 0.
        let (_, cot) = Reverse.vjp(of: { (x: [Var<Double>]) -> [Var<Double>] in
            let y = x[0] * x[1]
            return [y, y, Var(4.0)]
        }, at: [2.0, 3.0], along: [1, 2, 5])
        #expect(cot == [9, 6])
        let j = Reverse.jacobian(of: { (x: [Var<Double>]) in [x[0] * x[1], Var(1.0)] }, at: [2.0, 3.0])
        #expect(j == [[3, 2], [0, 0]])
    }
}

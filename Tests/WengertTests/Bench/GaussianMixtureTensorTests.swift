import Testing
import Wengert
@testable import WengertBench

@Suite("gmm-d10k5-tensor: the GMM on tensors")
struct GaussianMixtureTensorTests {
    /// The tensor objective's value and `backward()` gradient against the scalar
    /// objective's value and tape gradient at the same parameters and points. The two sum
    /// in different orders (and the tensors' exp is vectorised), so they agree to
    /// rounding, not to the bit.
    @Test("value and gradient agree with the scalar tape's", arguments: [(2, 3, 7), (10, 5, 20)])
    func agreesWithTheScalarTape(size: (d: Int, k: Int, points: Int)) {
        let scalar = GaussianMixtureObjective(d: size.d, k: size.k, pointCount: size.points)
        let tensor = GaussianMixtureTensorObjective(scalar)
        let x = scalar.input
        let value = scalar.value(x)
        #expect(abs(tensor.doubleLoss(x) - value) <= 1e-12 * abs(value), "\(tensor.doubleLoss(x)) against \(value)")
        let expected = gradient(of: { scalar.value($0) }, at: x)
        let computed = tensor.doubleLossGradient(x)
        #expect(computed.count == expected.count)
        let scale = expected.reduce(0) { max($0, abs($1)) }
        #expect(scale > 0)
        for i in expected.indices where i < computed.count {
            #expect(abs(computed[i] - expected[i]) <= 1e-10 * scale, "entry \(i): \(computed[i]) against \(expected[i])")
        }
    }

    @Test("the problem is listed, and times Double")
    func listed() throws {
        let problem = try #require(Problem.named("gmm-d10k5-tensor"))
        guard case .tensor(let f) = problem.make(3) else { Issue.record("gmm-d10k5-tensor is a tensor problem"); return }
        #expect(f.isTimedInDouble && f.input.count == 5 * (1 + 10 + 55))
    }
}

import Testing
import Wengert

/// The Neural ODE spelling of the API contract (section 8), compiled and run as written.
@Suite("ODE API contract", .tags(.ode))
struct ODEContractTests {
    @Test func theContractSnippetRunsAndReachesEveryWeight() {
        let target = Tensor<Double>(zeros: [4, 1, 2])
        var w1 = Tensor<Double>(randomNormal: [2, 50], standardDeviation: 0.1, seed: 1).requiringGradient()
        var b1 = Tensor<Double>(zeros: [50]).requiringGradient()
        var w2 = Tensor<Double>(randomNormal: [50, 2], standardDeviation: 0.1, seed: 2).requiringGradient()
        let y0 = Tensor<Double>(shape: [1, 2], scalars: [2, 0])
        let ys = odeint(y0: y0, times: [0, 0.25, 0.5, 1], parameters: [w1, b1, w2]) { y, t, p in
            matmul(tanh(matmul(y * y * y, p[0]) + p[1]), p[2])
        }                                               // [4, 1, 2]
        let loss = abs(ys - target).mean()
        loss.backward()                                 // w1.grad, b1.grad, w2.grad by the adjoint method
        #expect(ys.shape == [4, 1, 2] && ys[0].scalars == [2, 0])
        #expect(ys.requiresGradient)
        for w in [w1, b1, w2] { #expect(w.grad!.scalars.contains { $0 != 0 }) }
        // The variables are the contract's `var`s; a training step rebinds them.
        withoutGradient { w1 -= 0.01 * w1.grad!; b1 -= 0.01 * b1.grad!; w2 -= 0.01 * w2.grad! }
        #expect(!w1.grad!.scalars.isEmpty)
    }
}

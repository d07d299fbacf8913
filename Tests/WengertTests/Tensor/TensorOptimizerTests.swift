import Testing
import Wengert

/// SGD and Adam against the update formulas of torch.optim, step by step.
@Suite("Tensor optimizers", .tags(.tensor))
struct TensorOptimizerTests {
    @Test func sgdWithMomentumWeightDecayAndNesterov() {
        let optimizer = SGD<Double>(parameters: [Tensor([1, -2])], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        var p = [1.0, -2.0], buffer: [Double]? = nil
        for _ in 0..<3 {
            optimizer.zeroGradient()
            optimizer.parameters[0].squared().sum().backward()
            optimizer.step()
            let g = p.map { 2 * $0 + 0.01 * $0 }
            let b = buffer.map { zip($0, g).map { 0.9 * $0 + $1 } } ?? g
            buffer = b
            p = zip(p, zip(g, b)).map { $0 - 0.1 * ($1.0 + 0.9 * $1.1) }
        }
        #expect(zip(optimizer.parameters[0].scalars, p).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(optimizer.parameters[0].isLeaf && optimizer.parameters[0].requiresGradient)
    }

    @Test func adamMatchesItsFormula() {
        let optimizer = Adam<Double>(parameters: [Tensor([0.5])], learningRate: 0.1)
        var p = 0.5, m = 0.0, v = 0.0
        for t in 1...5 {
            optimizer.zeroGradient()
            (optimizer.parameters[0] * optimizer.parameters[0] * 3).sum().backward()
            optimizer.step()
            let g = 6 * p
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mh = m / (1 - Double.pow(0.9, Double(t))), vh = v / (1 - Double.pow(0.999, Double(t)))
            p -= 0.1 * mh / (vh.squareRoot() + 1e-8)
        }
        #expect(abs(optimizer.parameters[0].scalar - p) < 1e-12)
    }

    @Test func sgdMinimisesAQuadratic() {
        let optimizer = SGD<Float>(parameters: [Tensor([3, -4]).requiringGradient()], learningRate: 0.1)
        for _ in 0..<200 {
            optimizer.zeroGradient()
            optimizer.parameters[0].squared().sum().backward()
            optimizer.step()
        }
        #expect(optimizer.parameters[0].scalars.allSatisfy { abs($0) < 1e-6 })
    }
}

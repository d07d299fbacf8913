import Testing
import Wengert

/// SGD and Adam against the update formulas of torch.optim, step by step, and the
/// model-in-place design that keeps the tensors a loop computes with the trained ones.
@Suite("Tensor optimizers", .tags(.tensor))
struct TensorOptimizerTests {
    @Test func sgdWithMomentumWeightDecayAndNesterov() {
        var w = Tensor<Double>([1, -2]).requiringGradient()
        let optimizer = SGD<Double>(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        var p = [1.0, -2.0], buffer: [Double]? = nil
        for _ in 0..<3 {
            w.zeroGradient()
            w.squared().sum().backward()
            optimizer.update(&w)
            let g = p.map { 2 * $0 + 0.01 * $0 }
            let b = buffer.map { zip($0, g).map { 0.9 * $0 + $1 } } ?? g
            buffer = b
            p = zip(p, zip(g, b)).map { $0 - 0.1 * ($1.0 + 0.9 * $1.1) }
        }
        #expect(zip(w.scalars, p).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(w.isLeaf && w.requiresGradient)
    }

    @Test func adamMatchesItsFormula() {
        var w = Tensor<Double>([0.5]).requiringGradient()
        let optimizer = Adam<Double>(learningRate: 0.1)
        var p = 0.5, m = 0.0, v = 0.0
        for t in 1...5 {
            w.zeroGradient()
            (w * w * 3).sum().backward()
            optimizer.update(&w)
            let g = 6 * p
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mh = m / (1 - Double.pow(0.9, Double(t))), vh = v / (1 - Double.pow(0.999, Double(t)))
            p -= 0.1 * mh / (vh.squareRoot() + 1e-8)
        }
        #expect(abs(w.scalar - p) < 1e-12)
        #expect(optimizer.stepCount == 5)
    }

    @Test func sgdMinimisesAQuadratic() {
        var params = [Tensor<Float>([3, -4]).requiringGradient()]
        let optimizer = SGD<Float>(learningRate: 0.1)
        for _ in 0..<200 {
            params[0].zeroGradient()
            params[0].squared().sum().backward()
            optimizer.update(&params)
        }
        #expect(params[0].scalars.allSatisfy { abs($0) < 1e-6 })
    }

    /// Issue 14's silent failure: a logistic regression whose loss stayed at log 2 because
    /// the optimiser trained copies. With `update(&model)` the model computed with is the
    /// one trained.
    @Test func logisticRegressionTrainsTheModelItComputesWith() {
        struct Logistic: Layer {
            var w = Tensor<Double>(zeros: [2, 1]).requiringGradient()
            var b = Tensor<Double>(zeros: [1]).requiringGradient()
            func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> { matmul(x, w) + b }
        }
        let x = Tensor<Double>(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor<Double>(shape: [4, 1], scalars: [0, 0, 0, 1])
        var model = Logistic()
        let optimizer = Adam<Double>(learningRate: 0.1)
        var losses: [Double] = []
        for _ in 0..<50 {
            let loss = binaryCrossEntropy(logits: model(x), targets: y)
            losses.append(loss.scalar)
            model.zeroGradient()
            loss.backward()
            optimizer.update(&model)
        }
        #expect(abs(losses[0] - 0.6931471805599453) < 1e-12)
        #expect(losses[49] < 0.3, "loss \(losses[0]) -> \(losses[49])")
        #expect(model.w.scalars.allSatisfy { $0 > 0.5 })
        #expect(model.parameterNames == ["w", "b"])
    }

    @Test func nanLearningRateIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD<Float>(learningRate: .nan)
        }
        #expect(stderrText(result).contains("SGD's learningRate is nan; it must be a finite number >= 0"))
    }

    @Test func adamBeta1OfOneIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam<Float>(beta1: 1)
        }
        #expect(stderrText(result).contains("Adam's beta1 is 1.0; it must be in [0, 1)"))
    }

    @Test func adamEpsilonOfZeroIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam<Double>(epsilon: 0)
        }
        #expect(stderrText(result).contains("Adam's epsilon is 0.0; it must be a finite number > 0"))
    }

    /// Settings are public variables; a bad one set after init is caught at the update.
    @Test func settingChangedAfterInitIsRejectedAtTheUpdate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var w = Tensor<Double>([1]).requiringGradient()
            let optimizer = Adam<Double>()
            optimizer.learningRate = .nan
            w.sum().backward()
            optimizer.update(&w)
        }
        #expect(stderrText(result).contains("Adam's learningRate is nan"))
    }

    @Test func oneOptimizerOnTwoModelsIsAnError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var a = Tensor<Double>([1, 2]).requiringGradient(), b = Tensor<Double>([1, 2, 3]).requiringGradient()
            let optimizer = Adam<Double>()
            optimizer.update(&a)
            optimizer.update(&b)
        }
        #expect(stderrText(result).contains("Adam was first used on 1 parameters of shapes [[2]], now on 1 of shapes [[3]]"))
    }

    @Test func stepWithoutParametersPointsToUpdate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            SGD<Double>(learningRate: 0.1).step()
        }
        #expect(stderrText(result).contains("call optimizer.update(&model)"))
    }
}

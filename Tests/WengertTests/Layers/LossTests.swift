import Testing
import Wengert

/// The losses against their formulas (values PyTorch prints for the same inputs) and
/// their gradients against finite differences; argmax and clamping.
@Suite("Losses", .tags(.tensor))
struct LossTests {
    let predicted = Tensor<Double>([0.5, -1.2, 3.0, 0.1])
    let expected = Tensor<Double>([0.0, 1.0, 0.5, 0.1])

    @Test func meanAbsoluteErrorIsL1Loss() {
        // torch.nn.functional.l1_loss(p, e) = (0.5 + 2.2 + 2.5 + 0) / 4
        #expect(abs(meanAbsoluteError(predicted: predicted, expected: expected).scalar - 1.3) < 1e-15)
        #expect(gradientCheck(of: { meanAbsoluteError(predicted: $0, expected: expected) }, at: predicted).passed)
    }

    @Test func huberIsQuadraticInsideDeltaAndLinearBeyond() {
        // residuals 0.5, 2.2, 2.5, 0 with δ = 1: 0.125, 1.7, 2.0, 0 → mean 0.95625 (torch.nn.functional.huber_loss).
        #expect(abs(huberLoss(predicted: predicted, expected: expected).scalar - 0.95625) < 1e-15)
        // δ = 3: all quadratic, so half the mean squared error.
        let mse = meanSquaredError(predicted: predicted, expected: expected).scalar
        #expect(abs(huberLoss(predicted: predicted, expected: expected, delta: 3).scalar - mse / 2) < 1e-15)
        #expect(gradientCheck(of: { huberLoss(predicted: $0, expected: expected, delta: 0.8) }, at: predicted).passed)
    }

    @Test func binaryCrossEntropyWithLogitsIsStableAndRight() {
        let logits = Tensor<Double>([2.0, -1.0, 0.0, 40.0, -40.0])
        let targets = Tensor<Double>([1, 0, 1, 1, 0])
        var byFormula = 0.0
        for (x, y) in zip(logits.scalars, targets.scalars) {
            let s: Double = 1 / (1 + Double.exp(-x))
            let positive: Double = y * Double.log(Swift.max(s, 1e-300))
            let negative: Double = (1 - y) * Double.log(Swift.max(1 - s, 1e-300))
            byFormula -= (positive + negative) / 5
        }
        let loss = binaryCrossEntropy(logits: logits, targets: targets)
        #expect(abs(loss.scalar - byFormula) < 1e-12)
        // Far from 0 the loss stays finite where log(sigmoid) would give -inf.
        #expect(binaryCrossEntropy(logits: Tensor<Float>([200]), targets: Tensor([0])).scalar == 200)
        let x = logits.requiringGradient()
        binaryCrossEntropy(logits: x, targets: targets).backward()
        let expectedGrad: [Double] = zip(logits.scalars, targets.scalars).map { x, y in (1 / (1 + Double.exp(-x)) - y) / 5 }
        #expect(zip(x.grad!.scalars, expectedGrad).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    @Test func negativeLogLikelihoodOfLogSoftmaxIsCrossEntropy() {
        let logits = Tensor<Double>(shape: [3, 4], scalars: [1, 2, 3, 4, 0, 0, 0, 0, -1, 5, 2, 0])
        let labels = [3, 0, 1]
        let nll = negativeLogLikelihood(logProbabilities: logSoftmax(logits), labels: labels)
        #expect(abs(nll.scalar - softmaxCrossEntropy(logits: logits, labels: labels).scalar) < 1e-14)
        #expect(gradientCheck(of: { negativeLogLikelihood(logProbabilities: logSoftmax($0), labels: labels) }, at: logits).passed)
    }

    @Test func negativeLogLikelihoodNamesTheLengths() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = negativeLogLikelihood(logProbabilities: Tensor<Float>(zeros: [3, 2]), labels: [0, 1])
        }
        #expect(stderrText(result).contains("got [3, 2] and 2 labels"))
    }

    @Test func argmaxPicksTheFirstLargest() {
        let m = Tensor<Float>(shape: [2, 3], scalars: [1, 5, 5, 7, 0, -1])
        #expect(m.argmax() == 3)
        #expect(m.argmax(alongAxis: 1) == [1, 0])
        #expect(m.argmax(alongAxis: 0) == [1, 0, 0])
        #expect(m.argmin(alongAxis: 1) == [0, 2])
        #expect(Tensor<Float>([1, .nan, 3]).argmax() == 1)
    }

    @Test func clampLimitsValuesAndPassesGradientInside() {
        let x = Tensor<Double>([-2, -1, 0, 1, 2]).requiringGradient()
        let y = x.clamped(to: -1...1)
        #expect(y.scalars == [-1, -1, 0, 1, 1])
        y.sum().backward()
        #expect(x.grad!.scalars == [0, 1, 1, 1, 0])
        #expect(Tensor<Double>([-3, 3]).clamped(min: 0).scalars == [0, 3])
        #expect(Tensor<Double>([-3, 3]).clamped(max: 0).scalars == [-3, 0])
    }
}

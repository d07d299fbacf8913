import Wengert

/// One training step's loss and gradient for a two-layer perceptron: 64 examples of
/// h features, a hidden layer of h units with tanh, 10 outputs, mean squared error.
/// The parameters are W₁ (h × h) and W₂ (h × 10), flattened into one tensor and split
/// by slicing, as a fused parameter buffer would be.
struct MLPStepObjective: TensorObjective {
    let h: Int
    let input: [Double]
    let constants: [TensorConstant]
    var parameterShape: [Int] { [h * h + h * 10] }

    init(h: Int) {
        self.h = h
        // Weights scaled by 1/√h keep the activations out of tanh's flat tails.
        let scale = 1 / Double(h).squareRoot()
        input = tensorConstant(shape: [h * h + h * 10], lower: -scale, upper: scale, seed: 41).double
        constants = [tensorConstant(shape: [64, h], seed: 42), tensorConstant(shape: [64, 10], seed: 43)]
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        let x = constants[0], y = constants[1]
        let w1 = w[0..<(h * h)].reshaped(to: [h, h])
        let w2 = w[(h * h)..<(h * h + h * 10)].reshaped(to: [h, 10])
        let hidden = tanh(matmul(x, w1))
        return meanSquaredError(predicted: matmul(hidden, w2), expected: y)
    }
}

extension Problem {
    static let mlpStep = Problem(
        name: "tensor-mlp",
        summary: "Tensor<Float>: 2-layer MLP loss, batch 64, h hidden units, 10 outputs (size h)",
        sizeMeaning: "h", defaultSizes: [64, 256], quickSizes: [16], minimumSize: 1,
        make: { h in .tensor(MLPStepObjective(h: h)) })
}

import Wengert

/// One training step at the size the tracker's issue 4 quotes: a perceptron with 784
/// inputs, 256 hidden units (tanh) and 10 outputs, softmax cross-entropy on a batch of
/// Float examples: the peers' step (PyTorch's `cross_entropy`, JAX's `log_softmax`). The
/// parameters W₁ (784 × 256), b₁ (256), W₂ (256 × 10), b₂ (10) are four tensors in
/// `train-step`, as in the peers' step and a user's model, and one flat tensor cut by
/// slicing in the modes that differentiate a function of one vector. The size is the
/// batch (64 by default); `plain` is the forward pass, `backward` forward and backward,
/// `train-step` those and an SGD step.
struct MLP784Objective: TensorObjective {
    static let (inputs, hidden, outputs) = (784, 256, 10)
    static let parameterCount = inputs * hidden + hidden + hidden * outputs + outputs
    let batch: Int
    let input: [Double]
    let constants: [TensorConstant]
    /// The examples' classes, spread evenly over the outputs.
    let labels: [Int]
    var parameterShape: [Int] { [Self.parameterCount] }
    var isTrainingStep: Bool { true }

    init(batch: Int) {
        self.batch = batch
        // Weights of about 1/√fan-in keep tanh out of its flat tails.
        let scale = 1 / Double(Self.inputs).squareRoot()
        input = tensorConstant(shape: [Self.parameterCount], lower: -scale, upper: scale, seed: 61).double
        constants = [tensorConstant(shape: [batch, Self.inputs], lower: 0, upper: 1, seed: 62)]
        labels = (0..<batch).map { $0 % Self.outputs }
    }

    var parameterParts: [[Int]]? {
        let (i, h, o) = (Self.inputs, Self.hidden, Self.outputs)
        return [[i, h], [h], [h, o], [o]]
    }

    /// The loss on the flat parameter vector: its four parts cut out by slicing.
    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        loss(parts: partLayout.map { w[$0.range].reshaped(to: $0.shape) }, constants)
    }

    func loss<S: TensorScalar>(parts: [Tensor<S>], _ constants: [Tensor<S>]) -> Tensor<S> {
        let hiddenLayer = tanh(matmul(constants[0], parts[0]) + parts[1])
        return softmaxCrossEntropy(logits: matmul(hiddenLayer, parts[2]) + parts[3], labels: labels)
    }
}

extension Problem {
    static let mlp784 = Problem(
        name: "mlp-784-256-10",
        summary: "Tensor<Float>: MLP 784-256-10 (tanh, softmax cross-entropy), one training step with SGD (size: batch)",
        sizeMeaning: "batch", defaultSizes: [64], quickSizes: [64], minimumSize: 1,
        make: { batch in .tensor(MLP784Objective(batch: batch)) })
}

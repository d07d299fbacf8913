import Wengert

/// The seeds' loss pattern on n scalars, mean((w·x + b - y)²), and the elementwise chain
/// of `tensor-elementwise`, each written as tensor operations or as a `LazyTensor`: the
/// pairs of problems show what fusing an elementwise chain into one pass saves, and from
/// which size.
struct LazyLossObjective: TensorObjective {
    enum Kind: Sendable { case seedLoss, elementwise }
    let kind: Kind
    let fused: Bool
    let input: [Double]
    let constants: [TensorConstant]
    var parameterShape: [Int] { [input.count] }

    init(kind: Kind, fused: Bool, n: Int) {
        self.kind = kind
        self.fused = fused
        input = tensorConstant(shape: [n], seed: 21).double
        constants = kind == .seedLoss ? (0..<3).map { tensorConstant(shape: [n], seed: 71 + UInt64($0)) } : []
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        switch (kind, fused) {
        case (.seedLoss, false):
            let (x, b, y) = (constants[0], constants[1], constants[2])
            return (w * x + b - y).squared().mean()
        case (.seedLoss, true):
            let (x, b, y) = (constants[0].lazy, constants[1].lazy, constants[2].lazy)
            return (w.lazy * x + b - y).squared().mean()
        case (.elementwise, false):
            return ElementwiseTensorObjective(input: input).loss(w, constants)
        case (.elementwise, true):
            let w = w.lazy
            return (sin(w) * w + exp(w * LazyTensor(0.5))).sum()
        }
    }
}

extension Problem {
    static let tensorLoss = Problem(
        name: "tensor-loss",
        summary: "Tensor<Float>: mean((w·x + b - y)²) on n scalars, tensor operations (tensor-loss-lazy: fused)",
        sizeMeaning: "n", defaultSizes: [2_000, 100_000, 4_000_000], quickSizes: [2_000], minimumSize: 1,
        make: { n in .tensor(LazyLossObjective(kind: .seedLoss, fused: false, n: n)) })

    static let tensorLossLazy = Problem(
        name: "tensor-loss-lazy",
        summary: "Tensor<Float>: tensor-loss written as a LazyTensor, one fused pass forward and one backward",
        sizeMeaning: "n", defaultSizes: [2_000, 100_000, 4_000_000], quickSizes: [2_000], minimumSize: 1,
        make: { n in .tensor(LazyLossObjective(kind: .seedLoss, fused: true, n: n)) })

    static let tensorElementwiseLazy = Problem(
        name: "tensor-elementwise-lazy",
        summary: "Tensor<Float>: tensor-elementwise's Σ sin(w)·w + exp(w/2) written as a LazyTensor",
        sizeMeaning: "n", defaultSizes: [1_000, 100_000, 1_000_000], quickSizes: [1_000], minimumSize: 1,
        make: { n in .tensor(LazyLossObjective(kind: .elementwise, fused: true, n: n)) })
}

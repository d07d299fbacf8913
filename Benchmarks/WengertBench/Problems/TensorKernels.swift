import Wengert

/// Σ sin(w)·w + exp(w/2): elementwise kernels and one full reduction.
struct ElementwiseTensorObjective: TensorObjective {
    let input: [Double]
    var parameterShape: [Int] { [input.count] }
    var constants: [TensorConstant] { [] }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        (sin(w) * w + exp(w * 0.5)).sum()
    }
}

/// Σ over rows of logsumexp along each row of 64: a reduction along an axis.
struct ReductionTensorObjective: TensorObjective {
    let input: [Double]
    var parameterShape: [Int] { [input.count / 64, 64] }
    var constants: [TensorConstant] { [] }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        w.logSumExp(alongAxes: 1).sum()
    }
}

/// mean((A·W)²) for s × s matrices: one matrix product forward, two backward.
struct MatmulTensorObjective: TensorObjective {
    let input: [Double]
    let constants: [TensorConstant]
    let s: Int
    var parameterShape: [Int] { [s, s] }

    init(s: Int) {
        self.s = s
        input = tensorConstant(shape: [s, s], seed: 31).double
        constants = [tensorConstant(shape: [s, s], seed: 32)]
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        matmul(constants[0], w).squared().mean()
    }
}

extension Problem {
    static let tensorElementwise = Problem(
        name: "tensor-elementwise",
        summary: "Tensor<Float>: Σ sin(w)·w + exp(w/2), elementwise kernels and a sum",
        sizeMeaning: "n", defaultSizes: [1_000, 100_000, 1_000_000], quickSizes: [1_000], minimumSize: 1,
        make: { n in .tensor(ElementwiseTensorObjective(input: tensorConstant(shape: [n], seed: 21).double)) })

    static let tensorReduction = Problem(
        name: "tensor-reduction",
        summary: "Tensor<Float>: Σ logsumexp of each row of 64, a reduction along an axis",
        sizeMeaning: "n", defaultSizes: [1_024, 131_072, 1_048_576], quickSizes: [1_024], minimumSize: 64,
        make: { n in
            .tensor(ReductionTensorObjective(input: tensorConstant(shape: [n / 64 * 64], lower: -3, upper: 3, seed: 22).double))
        })

    static let tensorMatmul = Problem(
        name: "tensor-matmul",
        summary: "Tensor<Float>: mean((A·W)²), s×s matrices (size s)",
        sizeMeaning: "s", defaultSizes: [64, 256, 512], quickSizes: [32], minimumSize: 1,
        make: { s in .tensor(MatmulTensorObjective(s: s)) })
}

import Wengert

/// A chain of 64 small elementwise operations, y ← y·a + b thirty-two times, then a sum:
/// kernels are trivial at n = 1 and 11, so the time is the cost of recording a tensor
/// operation and sweeping its backward rule. The `backward` mode's time divided by the
/// recorded operations (printed as "ns per tape entry") is the per-operation overhead
/// that the concurrency and tensor-speed issues quote.
struct TensorOpOverheadObjective: TensorObjective {
    /// Recorded operations per call: 64 in the chain and the sum (the leaf is not one).
    static let recordedOperations = 65

    let input: [Double]
    let constants: [TensorConstant]
    var parameterShape: [Int] { [input.count] }
    var recordedOperations: Int? { Self.recordedOperations }

    init(n: Int) {
        input = tensorConstant(shape: [n], seed: 41).double
        constants = [tensorConstant(shape: [n], lower: 0.8, upper: 1, seed: 42),
                     tensorConstant(shape: [n], lower: -0.1, upper: 0.1, seed: 43)]
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        let a = constants[0], b = constants[1]
        var y = w
        for _ in 0..<32 { y = y * a + b }
        return y.sum()
    }
}

extension Problem {
    static let tensorOpOverhead = Problem(
        name: "tensor-op-overhead",
        summary: "Tensor<Float>: 32 × (y·a + b) then Σ on n = 1 or 11 scalars: per-operation recording cost",
        sizeMeaning: "n", defaultSizes: [1, 11], quickSizes: [1], minimumSize: 1,
        make: { n in .tensor(TensorOpOverheadObjective(n: n)) })
}

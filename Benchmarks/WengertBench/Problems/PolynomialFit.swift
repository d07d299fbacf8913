import Wengert

/// The seed tutorials' polynomial fit (PyTorch's "learning PyTorch with examples"): the
/// loss Σ (a + b·x + c·x² + d·x³ - sin x)² over n points in [-π, π], as a function of
/// the four coefficients. Small parameter, many small tensor operations: the overhead of
/// a recorded tensor operation rather than kernel speed.
struct PolynomialFitObjective: TensorObjective {
    let input: [Double] = [0.1, -0.2, 0.05, 0.01]
    let constants: [TensorConstant]
    var parameterShape: [Int] { [4] }

    init(points: Int) {
        let xs = (0..<points).map { i in
            Double(Float(-Double.pi + 2 * Double.pi * Double(i) / Double(Swift.max(points - 1, 1))))
        }
        let ys = xs.map { Double(Float(sin($0))) }
        constants = [TensorConstant(xs.map { Float($0) }, xs, [points]), TensorConstant(ys.map { Float($0) }, ys, [points])]
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        let x = constants[0], y = constants[1]
        let prediction = w[0] + w[1] * x + w[2] * x * x + w[3] * x * x * x
        return (prediction - y).squared().sum()
    }
}

extension Problem {
    static let polynomialFit = Problem(
        name: "tensor-polyfit",
        summary: "Tensor<Float>: the seeds' cubic fit to sin x, Σ(a + bx + cx² + dx³ - y)², n points",
        sizeMeaning: "n", defaultSizes: [10, 2_000, 100_000], quickSizes: [10], minimumSize: 1,
        make: { n in .tensor(PolynomialFitObjective(points: n)) })
}

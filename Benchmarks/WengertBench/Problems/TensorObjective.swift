import Wengert

/// A tensor workload: a loss of one parameter tensor and some constant tensors, written
/// once, generic over the tensor scalar.
///
/// It is timed on `Float` (the precision tensor code runs in) and checked on `Double`:
/// the checker differentiates the `Double` loss by central differences, which `Float`
/// could not resolve. As with `ScalarObjective`, the concrete entry points are
/// requirements so that each conformance gets its own specialised witnesses.
protocol TensorObjective: Sendable {
    /// The parameters, flattened row-major.
    var input: [Double] { get }
    /// The parameter tensor's shape.
    var parameterShape: [Int] { get }
    /// The constant tensors, in `Float` and in `Double`, with their shapes.
    var constants: [(float: [Float], double: [Double], shape: [Int])] { get }

    /// The loss.
    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S>

    /// Whether one call is a training step (the `train-step` mode applies).
    var isTrainingStep: Bool { get }

    /// The tensor operations one loss records, where the problem counts them (the
    /// `backward` mode then reports nanoseconds per recorded operation).
    var recordedOperations: Int? { get }

    /// The loss on `Float`, not recorded.
    func plainLoss(_ parameters: [Float]) -> Float
    /// ∇loss on `Float`, by one recording and `backward()`.
    func lossGradient(_ parameters: [Float]) -> [Float]
    /// The loss on `Double`, not recorded, for the check.
    func doubleLoss(_ parameters: [Double]) -> Double
}

extension TensorObjective {
    var isTrainingStep: Bool { false }
    var recordedOperations: Int? { nil }

    func plainLoss(_ parameters: [Float]) -> Float {
        withoutGradient {
            loss(Tensor(shape: parameterShape, scalars: parameters),
                 constants.map { Tensor(shape: $0.shape, scalars: $0.float) }).scalar
        }
    }

    func lossGradient(_ parameters: [Float]) -> [Float] {
        let w = Tensor(shape: parameterShape, scalars: parameters).requiringGradient()
        loss(w, constants.map { Tensor(shape: $0.shape, scalars: $0.float) }).backward()
        return w.grad!.scalars
    }

    func doubleLoss(_ parameters: [Double]) -> Double {
        withoutGradient {
            loss(Tensor(shape: parameterShape, scalars: parameters),
                 constants.map { Tensor(shape: $0.shape, scalars: $0.double) }).scalar
        }
    }
}

/// A constant tensor's scalars in both precisions, from a seeded generator.
func tensorConstant(shape: [Int], lower: Double = -1, upper: Double = 1, seed: UInt64)
    -> (float: [Float], double: [Double], shape: [Int])
{
    // Round through Float first so both precisions hold the same numbers.
    let d = deterministicInput(count: shape.reduce(1, *), lower: lower, upper: upper, seed: seed)
        .map { Double(Float($0)) }
    return (d.map { Float($0) }, d, shape)
}

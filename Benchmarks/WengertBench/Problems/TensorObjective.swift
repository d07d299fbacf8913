import Wengert

/// A tensor workload: a loss of one parameter tensor and some constant tensors, written
/// once, generic over the tensor scalar.
///
/// It is timed on `Float` (the precision tensor code runs in), or on `Double` where the
/// problem says so (`isTimedInDouble`), and checked on `Double`: the checker
/// differentiates the `Double` loss by central differences, which `Float` could not
/// resolve. As with `ScalarObjective`, the concrete entry points are
/// requirements so that each conformance gets its own specialised witnesses.
protocol TensorObjective: Sendable {
    /// The parameters, flattened row-major.
    var input: [Double] { get }
    /// The parameter tensor's shape.
    var parameterShape: [Int] { get }
    /// The constant tensors, in `Float` and in `Double`.
    var constants: [TensorConstant] { get }

    /// The loss.
    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S>

    /// Whether one call is a training step (the `train-step` mode applies).
    var isTrainingStep: Bool { get }
    /// Whether `plain` and `backward` time the loss on `Double` rather than `Float`, for a
    /// workload its peers compute in double precision (ADBench's GMM).
    var isTimedInDouble: Bool { get }

    /// The shapes of the model's separate parameter tensors (a network's weights and
    /// biases), whose flattened concatenation is `input`; nil for one tensor of
    /// `parameterShape`. The `train-step` mode trains them as separate leaves, as a
    /// user's model (and the peers' step) holds them.
    var parameterParts: [[Int]]? { get }
    /// The loss on the parameter tensors of `parameterParts`' shapes (one tensor of
    /// `parameterShape` when it is nil).
    func loss<S: TensorScalar>(parts: [Tensor<S>], _ constants: [Tensor<S>]) -> Tensor<S>

    /// The tensor operations one loss records, where the problem counts them (the
    /// `backward` mode then reports nanoseconds per recorded operation).
    var recordedOperations: Int? { get }

    /// The loss on `Float`, not recorded.
    func plainLoss(_ parameters: [Float]) -> Float
    /// ∇loss on `Float`, by one recording and `backward()`.
    func lossGradient(_ parameters: [Float]) -> [Float]
    /// The loss on `Double`, not recorded: for the check, and timed where `isTimedInDouble`.
    func doubleLoss(_ parameters: [Double]) -> Double
    /// ∇loss on `Double`, by one recording and `backward()`.
    func doubleLossGradient(_ parameters: [Double]) -> [Double]
}

extension TensorObjective {
    var isTrainingStep: Bool { false }
    var isTimedInDouble: Bool { false }
    var recordedOperations: Int? { nil }
    var parameterParts: [[Int]]? { nil }

    func loss<S: TensorScalar>(parts: [Tensor<S>], _ constants: [Tensor<S>]) -> Tensor<S> { loss(parts[0], constants) }

    /// Each parameter tensor's shape and its range in the flat vector `input`, in order.
    var partLayout: [(shape: [Int], range: Range<Int>)] {
        var at = 0
        return (parameterParts ?? [parameterShape]).map { shape in
            let count = shape.reduce(1, *)
            defer { at += count }
            return (shape, at..<(at + count))
        }
    }

    func plainLoss(_ parameters: [Float]) -> Float {
        withoutGradient {
            loss(Tensor(shape: parameterShape, scalars: parameters),
                 constants.map(\.floatTensor)).scalar
        }
    }

    func lossGradient(_ parameters: [Float]) -> [Float] { gradient(parameters, constants.map(\.floatTensor)) }

    func doubleLossGradient(_ parameters: [Double]) -> [Double] { gradient(parameters, constants.map(\.doubleTensor)) }

    private func gradient<S: TensorScalar>(_ parameters: [S], _ constants: [Tensor<S>]) -> [S] {
        let w = Tensor(shape: parameterShape, scalars: parameters).requiringGradient()
        loss(w, constants).backward()
        return w.grad!.scalars
    }

    func doubleLoss(_ parameters: [Double]) -> Double {
        withoutGradient {
            loss(Tensor(shape: parameterShape, scalars: parameters),
                 constants.map(\.doubleTensor)).scalar
        }
    }
}

/// A constant of a tensor workload in both precisions, as arrays and as tensors made once
/// (data a training loop builds once, outside its steps, as the peers' scripts do).
struct TensorConstant: @unchecked Sendable {
    let float: [Float]
    let double: [Double]
    let shape: [Int]
    let floatTensor: Tensor<Float>
    let doubleTensor: Tensor<Double>

    init(_ float: [Float], _ double: [Double], _ shape: [Int]) {
        self.float = float
        self.double = double
        self.shape = shape
        floatTensor = Tensor(shape: shape, scalars: float)
        doubleTensor = Tensor(shape: shape, scalars: double)
    }
}

/// A constant tensor's scalars in both precisions, from a seeded generator.
func tensorConstant(shape: [Int], lower: Double = -1, upper: Double = 1, seed: UInt64) -> TensorConstant {
    // Round through Float first so both precisions hold the same numbers.
    let d = deterministicInput(count: shape.reduce(1, *), lower: lower, upper: upper, seed: seed)
        .map { Double(Float($0)) }
    return TensorConstant(d.map { Float($0) }, d, shape)
}

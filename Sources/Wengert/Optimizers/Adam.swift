// Adam (Kingma and Ba 2015), as in torch.optim.Adam (L2 weight decay added to the gradient).

/// The Adam optimiser (PyTorch's `torch.optim.Adam`).
///
/// For each parameter p with gradient g at step t: m ← β₁m + (1-β₁)g,
/// v ← β₂v + (1-β₂)g², p ← p - η·(m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε).
/// Update a model in place after each backward pass:
///
/// ```swift
/// let optimizer = Adam<Float>(learningRate: 0.01)
/// for _ in 0..<100 {
///     let loss = meanSquaredError(predicted: model(x), expected: y)
///     model.zeroGradient(); loss.backward(); optimizer.update(&model)
/// }
/// ```
///
/// Settings are checked at every update: η and λ must be finite and >= 0, β₁ and β₂ in
/// [0, 1), ε finite and > 0; anything else stops with a message naming the setting
/// (each would otherwise turn every parameter into NaN).
///
/// See <doc:TensorsAndTraining>.
public final class Adam<Scalar: TensorScalar>: Optimizer {
    /// The parameters given to the deprecated ``init(parameters:learningRate:beta1:beta2:epsilon:weightDecay:)``,
    /// which ``step()`` updates; empty for an optimiser made with ``init(learningRate:beta1:beta2:epsilon:weightDecay:)``.
    public var parameters: [Tensor<Scalar>]
    /// η.
    public var learningRate: Scalar
    /// β₁, the decay of the first moment.
    public var beta1: Scalar
    /// β₂, the decay of the second moment.
    public var beta2: Scalar
    /// ε, added to the denominator.
    public var epsilon: Scalar
    /// λ, the L2 penalty added to each gradient.
    public var weightDecay: Scalar
    /// The number of steps taken.
    public var stepCount: Int { steps }
    @usableFromInline var steps = 0
    @usableFromInline var firstMoments: [Tensor<Scalar>?] = []
    @usableFromInline var secondMoments: [Tensor<Scalar>?] = []
    @usableFromInline var shapes = OptimizerShapes()

    /// Makes the optimiser with PyTorch's defaults (η 1e-3, β 0.9 and 0.999, ε 1e-8); pass
    /// the model to ``Optimizer/update(_:)-(M)`` after each backward pass. Stops with a
    /// message naming an invalid setting (see the type's documentation).
    public init(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 0
    ) {
        self.parameters = []
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        checkSettings()
    }

    /// Makes the optimiser over copies of `parameters` that it owns and ``step()`` updates.
    @available(
        *, deprecated,
        message: "the tensors you pass are copied, so your own stay untrained; use init(learningRate:...) and optimizer.update(&model) (or update(&tensors)) after backward()"
    )
    public init(
        parameters: [Tensor<Scalar>], learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
        epsilon: Scalar = 1e-8, weightDecay: Scalar = 0
    ) {
        self.parameters = parameters.map { $0.isLeaf && $0.requiresGradient ? $0 : $0.requiringGradient() }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        checkSettings()
    }

    /// Stops naming the first invalid setting (see the type's documentation).
    public func checkSettings() {
        OptimizerSettings.requireFinite(learningRate, atLeast: 0, "learningRate", of: "Adam")
        OptimizerSettings.requireDecay(beta1, "beta1", of: "Adam")
        OptimizerSettings.requireDecay(beta2, "beta2", of: "Adam")
        OptimizerSettings.requirePositive(epsilon, "epsilon", of: "Adam")
        OptimizerSettings.requireFinite(weightDecay, atLeast: 0, "weightDecay", of: "Adam")
    }

    /// Counts the step and checks the model's shapes against the moments' (see ``Optimizer``).
    public func beginStep(shapes current: [[Int]]) {
        shapes.check(current, optimizer: "Adam")
        if firstMoments.count < current.count {
            firstMoments += Array(repeating: nil, count: current.count - firstMoments.count)
            secondMoments += Array(repeating: nil, count: current.count - secondMoments.count)
        }
        steps += 1
    }

    /// The Adam update of one parameter (see the type's documentation).
    /// - Complexity: O(parameter scalars): on the CPU one pass over the parameter, its
    ///   gradient and its moments, written in place where nothing else holds them.
    @inlinable public func updateParameter(_ parameter: inout Tensor<Scalar>, at index: Int) {
        guard var g = parameter.grad else { return }
        let c1 = 1 - Scalar.pow(beta1, Scalar(steps)), c2 = 1 - Scalar.pow(beta2, Scalar(steps))
        // One pass on the CPU (the same numbers as the operations below), in place where the
        // optimiser holds the parameter and the moments alone.
        let settings = TensorKernels.AdamSettings(
            beta1: beta1, beta2: beta2, stepSize: learningRate / c1, correction2: c2, epsilon: epsilon,
            weightDecay: weightDecay)
        if TensorKernels.adamStep(
            &parameter, gradient: g, firstMoment: &firstMoments[index], secondMoment: &secondMoments[index], settings)
        {
            return
        }
        if weightDecay != 0 { g = g + weightDecay * parameter }
        let m = (firstMoments[index] ?? Tensor(zeros: g.shape, on: g.device)) * beta1 + (1 - beta1) * g
        let v = (secondMoments[index] ?? Tensor(zeros: g.shape, on: g.device)) * beta2 + (1 - beta2) * g.squared()
        firstMoments[index] = m
        secondMoments[index] = v
        parameter -= (learningRate / c1) * m / (sqrt(v / c2) + epsilon)
    }

    /// One update of every tensor in ``parameters`` that has a gradient.
    /// - Complexity: O(total parameter size), unrecorded.
    public func step() {
        if parameters.isEmpty {
            wengertOptimizerInvalid("Adam.step() updates the parameters given to init(parameters:); this one has none: call optimizer.update(&model).")
        }
        update(&parameters)
    }

    /// Sets the gradient of every tensor in ``parameters`` to zero.
    /// - Complexity: O(total parameter size).
    public func zeroGradient() {
        if parameters.isEmpty {
            wengertOptimizerInvalid("Adam.zeroGradient() zeroes the parameters given to init(parameters:); this one has none: call model.zeroGradient().")
        }
        for p in parameters { p.zeroGradient() }
    }
}

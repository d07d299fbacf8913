// Stochastic gradient descent with momentum, weight decay and Nesterov momentum, as in
// torch.optim.SGD (Sutskever et al. 2013 for the Nesterov form).

/// Stochastic gradient descent (PyTorch's `torch.optim.SGD`).
///
/// For each parameter p with gradient g (weight decay λ, momentum μ, rate η):
/// g ← g + λp; b ← μb + g (b = g on the first step); g ← g + μb if Nesterov else b;
/// p ← p - ηg. Update a model in place after each backward pass:
///
/// ```swift
/// let optimizer = SGD<Float>(learningRate: 0.01, momentum: 0.9)
/// for _ in 0..<100 {
///     let loss = meanSquaredError(predicted: model(x), expected: y)
///     model.zeroGradient(); loss.backward(); optimizer.update(&model)
/// }
/// ```
///
/// Settings are checked at every update: a rate, momentum or weight decay that is NaN,
/// infinite or negative, or Nesterov without momentum, stops with a message naming it.
public final class SGD<Scalar: TensorScalar>: Optimizer {
    /// The parameters given to the deprecated ``init(parameters:learningRate:momentum:weightDecay:nesterov:)``,
    /// which ``step()`` updates; empty for an optimiser made with ``init(learningRate:momentum:weightDecay:nesterov:)``.
    public var parameters: [Tensor<Scalar>]
    /// η.
    public var learningRate: Scalar
    /// μ; 0 disables momentum.
    public var momentum: Scalar
    /// λ, the L2 penalty added to each gradient.
    public var weightDecay: Scalar
    /// Whether the Nesterov form of momentum is used.
    public var nesterov: Bool
    @usableFromInline var velocities: [Tensor<Scalar>?] = []
    @usableFromInline var shapes = OptimizerShapes()

    /// Makes the optimiser; pass the model to ``Optimizer/update(_:)-(M)`` after each
    /// backward pass. Stops with a message naming a setting that is not a finite number
    /// >= 0, or `nesterov` without momentum.
    public init(learningRate: Scalar, momentum: Scalar = 0, weightDecay: Scalar = 0, nesterov: Bool = false) {
        self.parameters = []
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        checkSettings()
    }

    /// Makes the optimiser over copies of `parameters` that it owns and ``step()`` updates
    /// (parameters that are not leaves requiring a gradient are made so).
    @available(
        *, deprecated,
        message: "the tensors you pass are copied, so your own stay untrained; use init(learningRate:...) and optimizer.update(&model) (or update(&tensors)) after backward()"
    )
    public init(
        parameters: [Tensor<Scalar>], learningRate: Scalar, momentum: Scalar = 0, weightDecay: Scalar = 0,
        nesterov: Bool = false
    ) {
        self.parameters = parameters.map { $0.isLeaf && $0.requiresGradient ? $0 : $0.requiringGradient() }
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        checkSettings()
    }

    /// Stops naming the first invalid setting (see the type's documentation).
    public func checkSettings() {
        OptimizerSettings.requireFinite(learningRate, atLeast: 0, "learningRate", of: "SGD")
        OptimizerSettings.requireFinite(momentum, atLeast: 0, "momentum", of: "SGD")
        OptimizerSettings.requireFinite(weightDecay, atLeast: 0, "weightDecay", of: "SGD")
        if nesterov && momentum == 0 { wengertOptimizerInvalid("SGD's nesterov needs a momentum > 0; momentum is 0.") }
    }

    /// Checks the model's shapes against the momentum buffers' (see ``Optimizer``).
    public func beginStep(shapes current: [[Int]]) {
        shapes.check(current, optimizer: "SGD")
        if velocities.count < current.count { velocities += Array(repeating: nil, count: current.count - velocities.count) }
    }

    /// The SGD update of one parameter (see the type's documentation).
    /// - Complexity: O(parameter scalars).
    @inlinable public func updateParameter(_ parameter: inout Tensor<Scalar>, at index: Int) {
        guard var g = parameter.grad else { return }
        if weightDecay != 0 { g = g + weightDecay * parameter }
        if momentum != 0 {
            let v = velocities[index].map { momentum * $0 + g } ?? g
            velocities[index] = v
            g = nesterov ? g + momentum * v : v
        }
        // p - η·g in one pass (the same numbers as `parameter -= learningRate * g`), in the
        // parameter's own buffer when nothing else holds it.
        TensorKernels.scaledAddStep(&parameter, -learningRate, g)
    }

    /// One update of every tensor in ``parameters`` that has a gradient.
    /// - Complexity: O(total parameter size), unrecorded.
    public func step() {
        if parameters.isEmpty {
            wengertOptimizerInvalid("SGD.step() updates the parameters given to init(parameters:); this one has none: call optimizer.update(&model).")
        }
        update(&parameters)
    }

    /// Sets the gradient of every tensor in ``parameters`` to zero.
    /// - Complexity: O(total parameter size).
    public func zeroGradient() {
        if parameters.isEmpty {
            wengertOptimizerInvalid("SGD.zeroGradient() zeroes the parameters given to init(parameters:); this one has none: call model.zeroGradient().")
        }
        for p in parameters { p.zeroGradient() }
    }
}

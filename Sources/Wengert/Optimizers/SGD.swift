// Stochastic gradient descent with momentum, weight decay and Nesterov momentum, as in
// torch.optim.SGD (Sutskever et al. 2013 for the Nesterov form).

/// Stochastic gradient descent over a list of parameters it owns.
///
/// For each parameter p with gradient g (weight decay λ, momentum μ, rate η):
/// g ← g + λp; b ← μb + g (b = g on the first step); g ← g + μb if Nesterov else b;
/// p ← p - ηg. Read the current parameters from ``parameters`` inside the loop:
///
/// ```swift
/// let optimizer = SGD(parameters: [w, b], learningRate: 0.01, momentum: 0.9)
/// for _ in 0..<100 {
///     let loss = model(optimizer.parameters).sum()
///     optimizer.zeroGradient(); loss.backward(); optimizer.step()
/// }
/// ```
public final class SGD<Scalar: TensorScalar> {
    /// The parameters, leaves that require a gradient; `step()` updates them in place.
    public var parameters: [Tensor<Scalar>]
    /// η.
    public var learningRate: Scalar
    /// μ; 0 disables momentum.
    public var momentum: Scalar
    /// λ, the L2 penalty added to each gradient.
    public var weightDecay: Scalar
    /// Whether the Nesterov form of momentum is used.
    public var nesterov: Bool
    @usableFromInline var velocities: [Tensor<Scalar>?]

    /// Makes the optimiser; parameters that do not require a gradient are made leaves.
    @inlinable public init(
        parameters: [Tensor<Scalar>], learningRate: Scalar, momentum: Scalar = 0, weightDecay: Scalar = 0,
        nesterov: Bool = false
    ) {
        self.parameters = parameters.map { $0.isLeaf && $0.requiresGradient ? $0 : $0.requiringGradient() }
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.velocities = Array(repeating: nil, count: parameters.count)
    }

    /// One update of every parameter that has a gradient.
    /// - Complexity: O(total parameter size), unrecorded.
    @inlinable public func step() {
        withoutGradient {
            for i in parameters.indices {
                guard var g = parameters[i].grad else { continue }
                if weightDecay != 0 { g = g + weightDecay * parameters[i] }
                if momentum != 0 {
                    let v = velocities[i].map { momentum * $0 + g } ?? g
                    velocities[i] = v
                    g = nesterov ? g + momentum * v : v
                }
                parameters[i] -= learningRate * g
            }
        }
    }

    /// Sets every parameter's gradient to zero.
    /// - Complexity: O(total parameter size).
    @inlinable public func zeroGradient() {
        for p in parameters { p.zeroGradient() }
    }
}

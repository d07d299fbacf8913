// Adam (Kingma and Ba 2015), as in torch.optim.Adam (L2 weight decay added to the gradient).

/// The Adam optimiser over a list of parameters it owns.
///
/// For each parameter p with gradient g at step t: m ← β₁m + (1-β₁)g,
/// v ← β₂v + (1-β₂)g², p ← p - η·(m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε).
public final class Adam<Scalar: TensorScalar> {
    /// The parameters, leaves that require a gradient; `step()` updates them in place.
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
    @usableFromInline var firstMoments: [Tensor<Scalar>?]
    @usableFromInline var secondMoments: [Tensor<Scalar>?]

    /// Makes the optimiser with PyTorch's defaults (η 1e-3, β 0.9 and 0.999, ε 1e-8).
    @inlinable public init(
        parameters: [Tensor<Scalar>], learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
        epsilon: Scalar = 1e-8, weightDecay: Scalar = 0
    ) {
        self.parameters = parameters.map { $0.isLeaf && $0.requiresGradient ? $0 : $0.requiringGradient() }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.firstMoments = Array(repeating: nil, count: parameters.count)
        self.secondMoments = Array(repeating: nil, count: parameters.count)
    }

    /// One update of every parameter that has a gradient.
    /// - Complexity: O(total parameter size), unrecorded.
    @inlinable public func step() {
        steps += 1
        let c1 = 1 - Scalar.pow(beta1, Scalar(steps)), c2 = 1 - Scalar.pow(beta2, Scalar(steps))
        withoutGradient {
            for i in parameters.indices {
                guard var g = parameters[i].grad else { continue }
                if weightDecay != 0 { g = g + weightDecay * parameters[i] }
                let m = (firstMoments[i] ?? Tensor(zeros: g.shape)) * beta1 + (1 - beta1) * g
                let v = (secondMoments[i] ?? Tensor(zeros: g.shape)) * beta2 + (1 - beta2) * g.squared()
                firstMoments[i] = m
                secondMoments[i] = v
                parameters[i] -= (learningRate / c1) * m / (sqrt(v / c2) + epsilon)
            }
        }
    }

    /// Sets every parameter's gradient to zero.
    /// - Complexity: O(total parameter size).
    @inlinable public func zeroGradient() {
        for p in parameters { p.zeroGradient() }
    }
}

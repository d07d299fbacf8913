// The common activations as parameterless layers, so they compose in `Sequential` like
// PyTorch's nn.ReLU(); the free functions (relu, tanh, sigmoid...) remain the way to
// call them inside a hand-written model.

/// max(x, 0) elementwise (PyTorch's `nn.ReLU`).
public struct ReLU<Scalar: TensorScalar>: Layer {
    /// Makes the layer.
    public init() {}
    /// relu(x). - Complexity: O(n) and one recorded entry.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { relu(input) }
}

/// tanh elementwise (PyTorch's `nn.Tanh`).
public struct Tanh<Scalar: TensorScalar>: Layer {
    /// Makes the layer.
    public init() {}
    /// tanh(x). - Complexity: O(n) and one recorded entry.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { tanh(input) }
}

/// 1 / (1 + e⁻ˣ) elementwise (PyTorch's `nn.Sigmoid`).
public struct Sigmoid<Scalar: TensorScalar>: Layer {
    /// Makes the layer.
    public init() {}
    /// sigmoid(x). - Complexity: O(n) and one recorded entry.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { sigmoid(input) }
}

/// log(1 + eˣ) elementwise (PyTorch's `nn.Softplus`).
public struct Softplus<Scalar: TensorScalar>: Layer {
    /// Makes the layer.
    public init() {}
    /// softplus(x). - Complexity: O(n) and one recorded entry.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { softplus(input) }
}

/// x where x > 0, else slope·x (PyTorch's `nn.LeakyReLU`, slope 0.01 by default).
public struct LeakyReLU<Scalar: TensorScalar>: Layer {
    /// The slope for negative inputs.
    public var negativeSlope: Scalar
    /// Makes the layer; the slope is a setting, not a parameter.
    public init(negativeSlope: Scalar = 0.01) { self.negativeSlope = negativeSlope }
    /// The layer has no parameters (its slope is not trained).
    public var parameterPaths: [ParameterPath<LeakyReLU>] { [] }
    /// leakyReLU(x). - Complexity: O(n) and a few recorded entries.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        leakyReLU(input, negativeSlope: negativeSlope)
    }
}

/// Softmax along the last axis (PyTorch's `nn.Softmax(dim=-1)`).
public struct Softmax<Scalar: TensorScalar>: Layer {
    /// Makes the layer.
    public init() {}
    /// softmax(x). - Complexity: O(n) and a handful of recorded entries.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { softmax(input) }
}

/// Any tensor function as a parameterless layer: `Function<Float> { gelu($0) }`.
public struct Function<Scalar: TensorScalar>: Layer {
    /// The function applied.
    public var body: (Tensor<Scalar>) -> Tensor<Scalar>
    /// Wraps `body`.
    public init(_ body: @escaping (Tensor<Scalar>) -> Tensor<Scalar>) { self.body = body }
    /// The function has no parameters.
    public var parameterPaths: [ParameterPath<Function>] { [] }
    /// body(x).
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { body(input) }
}

/// x where x > 0, else slope·x, elementwise (PyTorch's `leaky_relu`).
/// - Complexity: O(n) and a few recorded entries.
public func leakyReLU<S>(_ x: Tensor<S>, negativeSlope: S = 0.01) -> Tensor<S> {
    relu(x) - negativeSlope * relu(-x)
}

// A differentiable function with a hand-written backward (PyTorch's autograd.Function).

/// A tensor function with a user-supplied vector-Jacobian product, recorded as one entry.
///
/// ```swift
/// let p3 = CustomFunction<Float>(
///     forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
///     backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })
/// let y = p3(c + d * xs)
/// ```
///
/// `forward` receives and returns plain tensors (it runs unrecorded); `backward`
/// receives the input and the cotangent of the output and returns the input's
/// cotangent, also unrecorded. A wrong `backward` gives wrong gradients silently; check
/// it against finite differences.
public struct CustomFunction<Scalar: TensorScalar>: Sendable {
    /// The value, computed on untracked tensors.
    public let forward: @Sendable (Tensor<Scalar>) -> Tensor<Scalar>
    /// (input, upstream cotangent) -> input cotangent.
    public let backward: @Sendable (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>

    /// Makes a custom function from its value and its vector-Jacobian product.
    public init(
        forward: @escaping @Sendable (Tensor<Scalar>) -> Tensor<Scalar>,
        backward: @escaping @Sendable (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>
    ) {
        self.forward = forward
        self.backward = backward
    }

    /// Applies the function; records one `.custom` entry when `x` is tracked.
    /// - Complexity: that of `forward`, plus one recorded entry.
    @inlinable public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let out = withoutGradient { forward(x.untracked) }
        if !Tensor<Scalar>.isGradientEnabled || x.tracking == nil { return out.untracked }
        return Tensor.recordedCustom(out, self, x)
    }
}

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
/// it against finite differences (`gradientCheck`, and `hessianCheck` for second
/// derivatives).
///
/// **Second derivatives.** A backward that creates a graph (`backward(creatingGraph:
/// true)`, `hessian`, `hessianVectorProduct`) cannot see inside a plain `backward`, so by
/// default its result is recorded as opaque: first derivatives are still right, and a
/// second derivative that reaches it stops with a message naming the function. When
/// `backward` is written in tensor operations (as above), pass
/// `differentiableBackward: true`: it then runs recorded on tracked tensors during such
/// a backward, and its own derivatives come from the rule table.
public struct CustomFunction<Scalar: TensorScalar>: Sendable {
    /// The value, computed on untracked tensors.
    public let forward: @Sendable (Tensor<Scalar>) -> Tensor<Scalar>
    /// (input, upstream cotangent) -> input cotangent.
    public let backward: @Sendable (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>
    /// Whether `backward` may run recorded, on tracked tensors, when a backward pass
    /// creates a graph, so that second derivatives pass through it.
    public let differentiableBackward: Bool
    /// The name that messages about this function use: the one given to the
    /// initialiser, or where it was made ("CustomFunction made at File.swift:12").
    public let name: String

    /// Makes a custom function from its value and its vector-Jacobian product.
    ///
    /// - Parameters:
    ///   - name: how messages name the function; by default the file and line of this call.
    ///   - differentiableBackward: true when `backward` is written in tensor operations
    ///     that may be recorded, so that second derivatives can pass through it; when
    ///     false (the default) a second derivative that reaches the function stops with
    ///     a message naming it.
    ///   - forward: the value, computed on untracked tensors.
    ///   - backward: (input, upstream cotangent) -> input cotangent, of the input's shape.
    ///   - fileID: where the function is made, for the default name (leave the default).
    ///   - line: the line where the function is made, for the default name.
    public init(
        name: String? = nil, differentiableBackward: Bool = false,
        forward: @escaping @Sendable (Tensor<Scalar>) -> Tensor<Scalar>,
        backward: @escaping @Sendable (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>,
        fileID: String = #fileID, line: Int = #line
    ) {
        self.forward = forward
        self.backward = backward
        self.differentiableBackward = differentiableBackward
        self.name = name ?? "CustomFunction made at \(fileID):\(line)"
    }

    /// Applies the function; records one `.custom` entry when `x` is tracked.
    /// - Complexity: that of `forward`, plus one recorded entry.
    @inlinable public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let out = withoutGradient { forward(x.untracked) }
        if !Tensor<Scalar>.isGradientEnabled || x.tracking == nil { return out.untracked }
        return Tensor.recordedCustom(out, self, x)
    }
}

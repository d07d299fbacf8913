// The fully connected layer, initialised as torch.nn.Linear is (kaiming_uniform with
// a = √5, which comes to U(-1/√in, 1/√in) for the weight, and the same bound for the
// bias), from a seed so every run starts from the same numbers.

/// y = x·W + b: a fully connected layer (PyTorch's `nn.Linear`).
///
/// The weight is stored `[inputSize, outputSize]`, so the layer is one `matmul` with
/// no transpose (PyTorch stores the transpose, `[out, in]`). Both weight and bias start
/// uniform in ±1/√inputSize, PyTorch's default, drawn from `seed`.
///
/// ```swift
/// var layer = Linear<Float>(inputSize: 3, outputSize: 2, seed: 1)
/// layer(Tensor(shape: [4, 3], scalars: Array(repeating: 1, count: 12))).shape   // [4, 2]
/// ```
public struct Linear<Scalar: TensorScalar>: Layer {
    /// W, `[inputSize, outputSize]`, a leaf that requires a gradient.
    public var weight: Tensor<Scalar>
    /// b, `[outputSize]`, a leaf that requires a gradient (absent without bias).
    public var bias: Tensor<Scalar>?

    /// Makes the layer with PyTorch's default initialisation from `seed`.
    /// Stops with a message when a size is not positive.
    /// - Complexity: O(inputSize · outputSize).
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, seed: UInt64) {
        if inputSize <= 0 || outputSize <= 0 {
            wengertModuleInvalid("Linear(inputSize: \(inputSize), outputSize: \(outputSize)) needs positive sizes.")
        }
        let bound = 1 / Scalar.sqrt(Scalar(inputSize))
        // The bias's stream is the seed mixed (SplitMix64's increment) so that layers
        // seeded 1, 2, 3... never share a stream between one's bias and the next's weight.
        weight = Tensor(randomUniform: [inputSize, outputSize], lower: -bound, upper: bound, seed: seed)
            .requiringGradient()
        self.bias = bias
            ? Tensor(randomUniform: [outputSize], lower: -bound, upper: bound, seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
                .requiringGradient() : nil
    }

    /// Makes the layer from given tensors (made leaves that require a gradient).
    /// Stops with a message when the shapes do not fit together.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil) {
        if weight.rank != 2 || (bias.map { $0.shape != [weight.shape[1]] } ?? false) {
            wengertModuleInvalid(
                "Linear(weight:bias:) needs a weight [in, out] and a bias [out]; got \(weight.shape) and \(bias?.shape ?? []).")
        }
        self.weight = weight.requiresGradient && weight.isLeaf ? weight : weight.requiringGradient()
        self.bias = bias.map { $0.requiresGradient && $0.isLeaf ? $0 : $0.requiringGradient() }
    }

    /// The number of input features.
    public var inputSize: Int { weight.shape[0] }
    /// The number of output features.
    public var outputSize: Int { weight.shape[1] }

    /// The weight, and the bias when there is one.
    public var parameterPaths: [ParameterPath<Linear>] {
        var paths = [ParameterPath(name: "weight", keyPath: \Linear.weight)]
        if bias != nil { paths.append(ParameterPath(name: "bias", keyPath: \Linear.bias!)) }
        return paths
    }

    /// x·W + b for x of shape `[batch, inputSize]` (or `[inputSize]`, giving `[outputSize]`).
    /// Stops with a message naming both shapes when the last axis is not `inputSize`.
    /// - Complexity: one matmul, O(batch · inputSize · outputSize), and two recorded entries.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 1 || input.rank == 2, input.shape.last == inputSize else {
            wengertModuleInvalid(
                "Linear(inputSize: \(inputSize), outputSize: \(outputSize)) needs input [batch, \(inputSize)] "
                    + "or [\(inputSize)], got \(input.shape)"
                    + (input.rank == 2 && input.shape[0] == inputSize
                        ? "; its rows are features: pass input.transposed()." : "."))
        }
        if input.rank == 1 { return callAsFunction(input.unsqueezed(axis: 0)).reshaped(to: [outputSize]) }
        let product = matmul(input, weight)
        return bias.map { product + $0 } ?? product
    }
}

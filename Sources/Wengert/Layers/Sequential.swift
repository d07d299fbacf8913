// Composition: layers applied one after another, built with a result builder so a model
// reads like PyTorch's nn.Sequential but keeps every layer's concrete type (no
// existentials, no dynamic dispatch per call) and its parameters' key paths.

/// Two layers applied in turn: `second(first(x))`. ``Sequential`` builds these.
public struct Chain<First: Layer, Second: Layer>: Layer where First.Scalar == Second.Scalar {
    /// The layers' scalar type.
    public typealias Scalar = First.Scalar
    /// The layer applied first.
    public var first: First
    /// The layer applied to the first's output.
    public var second: Second

    /// Composes two layers.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    /// The number of layers in the chain, counting nested chains' layers.
    public static var layerCount: Int { ((First.self as? any ChainProtocol.Type)?.layerCount ?? 1) + 1 }

    /// The parameters named by layer position, as PyTorch's `nn.Sequential` names them:
    /// `"0.weight"`, `"0.bias"`, `"2.weight"`...
    public var parameterPaths: [ParameterPath<Self>] {
        let firstIsChain = First.self is any ChainProtocol.Type
        let firstPath: WritableKeyPath<Self, First> = \.first, secondPath: WritableKeyPath<Self, Second> = \.second
        let head = first.parameterPaths.map { p in
            let outer = p.prefixed("0", at: firstPath)
            return firstIsChain ? ParameterPath(name: p.name, read: outer.read, modify: outer.modify) : outer
        }
        return head + second.parameterPaths.map { $0.prefixed("\(Self.layerCount - 1)", at: secondPath) }
    }

    /// second(first(x)).
    /// - Complexity: the two layers'.
    public func callAsFunction(_ input: Tensor<First.Scalar>) -> Tensor<First.Scalar> { second(first(input)) }
}

/// Lets a chain count the layers of a chain nested in it.
public protocol ChainProtocol {
    /// The number of layers.
    static var layerCount: Int { get }
}

extension Chain: ChainProtocol {}

/// Builds a ``Chain`` from a list of layers.
@resultBuilder
public enum LayerBuilder {
    /// The first layer.
    public static func buildPartialBlock<L: Layer>(first: L) -> L { first }
    /// The layers so far, then the next.
    public static func buildPartialBlock<A: Layer, B: Layer>(accumulated: A, next: B) -> Chain<A, B> {
        Chain(accumulated, next)
    }
}

/// Layers applied one after another (PyTorch's `nn.Sequential`):
///
/// ```swift
/// var model = Sequential {
///     Linear<Float>(inputSize: 2, outputSize: 16, seed: 1)
///     Tanh<Float>()
///     Linear<Float>(inputSize: 16, outputSize: 2, seed: 2)
/// }
/// model.parameterNames     // ["0.weight", "0.bias", "2.weight", "2.bias"]
/// ```
public struct Sequential<Body: Layer>: Layer {
    /// The layers' scalar type.
    public typealias Scalar = Body.Scalar
    /// The composed layers.
    public var body: Body

    /// Composes the listed layers.
    public init(@LayerBuilder _ layers: () -> Body) { body = layers() }

    /// The body's parameters, named as in the body (`"0.weight"`...).
    public var parameterPaths: [ParameterPath<Self>] {
        let bodyPath: WritableKeyPath<Self, Body> = \.body
        return body.parameterPaths.map {
            let outer = $0.prefixed("", at: bodyPath)
            return ParameterPath(name: $0.name, read: outer.read, modify: outer.modify)
        }
    }

    /// The layers applied in order.
    /// - Complexity: the layers'.
    public func callAsFunction(_ input: Tensor<Body.Scalar>) -> Tensor<Body.Scalar> { body(input) }
}

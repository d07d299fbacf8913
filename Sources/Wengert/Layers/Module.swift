// Models are structs whose stored properties are tensors and other models. An optimiser
// updates a model in place through `inout` and key paths (`optimizer.update(&model)`), so
// the tensors the user computes with are the ones that change: no copy of the parameters
// can go stale (ARCHITECTURE.md, "Models and optimisers"). The parameters are found by
// reflection, once per call, unless a model lists them itself.

/// Where one trainable tensor of a model lives, with its dotted name (`"hidden.weight"`,
/// `"layers.0.bias"`), as PyTorch's `named_parameters()` names them. Read and write it
/// through ``Module/subscript(parameter:)``.
///
/// A path is a pair of accessors rather than one key path: paths of nested modules are
/// composed from their parts, and key paths that reflection produces cannot be appended
/// to (the runtime traps on them; ARCHITECTURE.md, "Models and optimisers").
public struct ParameterPath<Root: Module> {
    /// The dotted name, unique within the model: the stored property names on the way.
    public let name: String
    @usableFromInline let read: (Root) -> Tensor<Root.Scalar>
    @usableFromInline let modify: (inout Root, (inout Tensor<Root.Scalar>) -> Void) -> Void

    /// The tensor at `keyPath`, called `name` (unique within the model).
    public init(name: String, keyPath: WritableKeyPath<Root, Tensor<Root.Scalar>>) {
        self.name = name
        read = { $0[keyPath: keyPath] }
        modify = { root, body in body(&root[keyPath: keyPath]) }
    }

    /// A tensor reached by `read` and changed in place by `modify`.
    public init(
        name: String, read: @escaping (Root) -> Tensor<Root.Scalar>,
        modify: @escaping (inout Root, (inout Tensor<Root.Scalar>) -> Void) -> Void
    ) {
        self.name = name
        self.read = read
        self.modify = modify
    }

    /// This path seen from an outer model that holds `Root` at `outer`, named `prefix.name`.
    public func prefixed<Outer: Module>(_ prefix: String, at outer: WritableKeyPath<Outer, Root>) -> ParameterPath<Outer>
    where Outer.Scalar == Root.Scalar {
        let read = self.read, modify = self.modify
        return ParameterPath<Outer>(
            name: prefix + "." + name, read: { read($0[keyPath: outer]) },
            modify: { root, body in modify(&root[keyPath: outer], body) })
    }
}

/// A value with trainable tensors: a layer, or a model made of layers (PyTorch's
/// `nn.Module`). Conform a struct and its parameters are found for you:
///
/// ```swift
/// struct Classifier: Layer {
///     var hidden = Linear<Float>(inputSize: 2, outputSize: 16, seed: 1)
///     var output = Linear<Float>(inputSize: 16, outputSize: 2, seed: 2)
///     func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { output(tanh(hidden(x))) }
/// }
/// var model = Classifier()
/// model.parameterNames          // ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
/// optimizer.update(&model)      // after loss.backward()
/// ```
///
/// The default ``parameterPaths`` walks the stored properties in declaration order: every
/// `Tensor<Scalar>` is a parameter, every `Module` of the same scalar type (and every
/// array of them, or of tensors) contributes its own, prefixed with the property name.
/// A model that keeps constant tensors among its properties, or is a class, lists its
/// parameters itself by implementing ``parameterPaths``.
public protocol Module {
    /// The scalar type of the model's tensors.
    associatedtype Scalar: TensorScalar

    /// Every trainable tensor, in a fixed order, with its name.
    /// - Complexity: the default is O(stored properties, recursively), by reflection.
    var parameterPaths: [ParameterPath<Self>] { get }
}

/// A module that maps a tensor to a tensor: the building block of ``Sequential`` chains.
///
/// See <doc:TensorsAndTraining>.
public protocol Layer: Module {
    /// The scalar type, restated so that a conforming type's `callAsFunction` infers it
    /// (inference does not look into a refining protocol's requirements otherwise).
    associatedtype Scalar
    /// Applies the layer (PyTorch's `forward`).
    func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}

extension Module {
    /// The stored tensors and modules, found by reflection (see ``Module``).
    public var parameterPaths: [ParameterPath<Self>] { ModuleReflection.parameterPaths(of: self) }

    /// The trainable tensors, in ``parameterPaths`` order (copies share each leaf's
    /// identity and `grad`; to change a parameter, change the model).
    /// - Complexity: O(parameters) plus the reflection of ``parameterPaths``.
    public var parameters: [Tensor<Scalar>] { parameterPaths.map { self[parameter: $0] } }

    /// The parameter at `path`; setting it replaces the tensor (keep its shape, and make
    /// it a leaf that requires a gradient if it should train).
    /// - Complexity: O(1) plus the path's depth.
    public subscript(parameter path: ParameterPath<Self>) -> Tensor<Scalar> {
        get { path.read(self) }
        set { path.modify(&self) { $0 = newValue } }
    }

    /// The dotted names of the trainable tensors, in ``parameterPaths`` order.
    public var parameterNames: [String] { parameterPaths.map(\.name) }

    /// The number of trainable scalars (PyTorch's `sum(p.numel() for p in parameters())`).
    public var parameterScalarCount: Int { parameters.reduce(0) { $0 + $1.scalarCount } }

    /// Sets every parameter's gradient to zero (PyTorch's `model.zero_grad()`).
    /// - Complexity: O(parameter scalars).
    public func zeroGradient() {
        for p in parameters { p.zeroGradient() }
    }

    /// This model with every parameter copied to `device` (PyTorch's `model.to(device)`):
    /// a parameter that requires a gradient becomes a new leaf there, whose `grad` the
    /// backward passes of the model's outputs fill on that device. Make an optimizer for
    /// the moved model (its moments live beside the parameters).
    /// - Complexity: one transfer per parameter; stops with the device's error if one fails.
    public func moved(to device: Device) -> Self {
        var copy = self
        for path in parameterPaths {
            let parameter = copy[parameter: path]
            let moved = parameter.untracked.moved(to: device)
            copy[parameter: path] = parameter.requiresGradient ? moved.requiringGradient() : moved
        }
        return copy
    }
}

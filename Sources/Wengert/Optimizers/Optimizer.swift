// What SGD and Adam share: updating a model in place through its key paths, the check
// that an optimiser's per-parameter state still fits the model it is given, and the
// check of its settings (issue 10: a NaN rate or beta1 = 1 must not silently turn every
// parameter into NaN).

/// An optimiser that updates a model's parameters in place from their gradients.
///
/// ```swift
/// var model = Linear<Float>(inputSize: 3, outputSize: 1, seed: 1)
/// let optimizer = Adam<Float>(learningRate: 0.01)
/// for _ in 0..<100 {
///     let loss = meanSquaredError(predicted: model(x), expected: y)
///     model.zeroGradient()
///     loss.backward()
///     optimizer.update(&model)       // model's tensors are the ones that change
/// }
/// ```
///
/// The optimiser holds no copy of the parameters, only its state (momenta) by position
/// in ``Module/parameterPaths``; the model passed `inout` is the one updated, so the
/// tensors the loop computes with are always the trained ones. One optimiser serves one
/// model: a later call with a different number or shape of parameters stops with a
/// message.
public protocol Optimizer: AnyObject {
    /// The scalar type of the parameters.
    associatedtype Scalar: TensorScalar

    /// Updates `parameter`, the parameter at `index` of the model, from its `grad`;
    /// parameters without a gradient are left alone. Called inside `withoutGradient`.
    func updateParameter(_ parameter: inout Tensor<Scalar>, at index: Int)

    /// Stops with a message naming the first setting that would make the update NaN.
    func checkSettings()

    /// Called once per ``update(_:)-(M)`` with the parameters' shapes, before any update.
    func beginStep(shapes: [[Int]])
}

extension Optimizer {
    /// One step on every parameter of `model` that has a gradient (PyTorch's
    /// `optimizer.step()`), writing the new values into `model`.
    /// - Complexity: O(parameter scalars), unrecorded, plus the model's reflection.
    public func update<M: Module>(_ model: inout M) where M.Scalar == Scalar {
        let paths = model.parameterPaths
        checkSettings()
        beginStep(shapes: paths.map { model[parameter: $0].shape })
        withoutGradient {
            for (index, path) in paths.enumerated() { path.modify(&model) { updateParameter(&$0, at: index) } }
        }
    }

    /// One step on each tensor of `parameters` that has a gradient, in place.
    /// - Complexity: O(parameter scalars), unrecorded.
    public func update(_ parameters: inout [Tensor<Scalar>]) {
        checkSettings()
        beginStep(shapes: parameters.map(\.shape))
        withoutGradient {
            for index in parameters.indices { updateParameter(&parameters[index], at: index) }
        }
    }

    /// One step on `parameter` if it has a gradient, in place.
    /// - Complexity: O(parameter scalars), unrecorded.
    public func update(_ parameter: inout Tensor<Scalar>) {
        checkSettings()
        beginStep(shapes: [parameter.shape])
        withoutGradient { updateParameter(&parameter, at: 0) }
    }
}

/// The shapes an optimiser's state was made for; a model of other shapes is an error.
@usableFromInline
struct OptimizerShapes {
    @usableFromInline var shapes: [[Int]]? = nil

    @inlinable init() {}

    /// Records `shapes` on the first step; stops naming the difference afterwards.
    @inlinable mutating func check(_ current: [[Int]], optimizer: StaticString) {
        guard let known = shapes else {
            shapes = current
            return
        }
        if known != current {
            wengertOptimizerInvalid(
                "\(optimizer) was first used on \(known.count) parameters of shapes \(known), now on "
                    + "\(current.count) of shapes \(current); make one optimiser per model.")
        }
    }
}

/// Settings checks shared by the optimisers; each names the setting and its value.
@usableFromInline
enum OptimizerSettings {
    @inlinable static func requireFinite<S: TensorScalar>(
        _ value: S, atLeast lower: S, _ name: StaticString, of optimizer: StaticString
    ) {
        if !value.isFinite || value < lower {
            wengertOptimizerInvalid("\(optimizer)'s \(name) is \(value); it must be a finite number >= \(lower).")
        }
    }

    @inlinable static func requireDecay<S: TensorScalar>(_ value: S, _ name: StaticString, of optimizer: StaticString) {
        if !(value >= 0 && value < 1) {
            wengertOptimizerInvalid(
                "\(optimizer)'s \(name) is \(value); it must be in [0, 1) (at 1 the bias correction divides by "
                    + "1 - \(name)^t = 0 and every parameter becomes NaN).")
        }
    }

    @inlinable static func requirePositive<S: TensorScalar>(_ value: S, _ name: StaticString, of optimizer: StaticString) {
        if !(value > 0 && value.isFinite) {
            wengertOptimizerInvalid(
                "\(optimizer)'s \(name) is \(value); it must be a finite number > 0 (with 0, a parameter whose "
                    + "gradient is 0 becomes 0 / 0 = NaN).")
        }
    }
}

@inline(never) @usableFromInline
func wengertOptimizerInvalid(_ message: String) -> Never {
    fatalError("Wengert: \(message)")
}

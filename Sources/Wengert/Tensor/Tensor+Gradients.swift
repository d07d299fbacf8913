// The functional form of backward: gradients returned as tensors, no `grad` touched
// (PyTorch's torch.autograd.grad, JAX's grad).

/// The gradient of the one-scalar tensor `output` with respect to each of `inputs`
/// (leaves or interior tensors it was computed from), returned in order; zeros of an
/// input's shape where `output` does not depend on it. Leaves' and retained tensors'
/// `grad` are left untouched. Afterwards frees the saved tensors of the operations it
/// went through, as `backward()` does, unless `retainingGraph`.
///
/// ```swift
/// let x = Tensor<Double>([1, 2]).requiringGradient()
/// let y = (x * x).sum()
/// gradients(of: y, withRespectTo: [x])[0]   // [2, 4]; x.grad is still nil
/// ```
///
/// With `creatingGraph` the gradients are recorded functions of the inputs (tracked
/// tensors), which can be differentiated again (PyTorch's `create_graph=True`): a
/// gradient penalty, a Hessian-vector product. The graph is then kept whatever
/// `retainingGraph` says.
///
/// ```swift
/// let gx = gradients(of: y, withRespectTo: [x], creatingGraph: true)[0]
/// let hv = gradients(of: gx, withRespectTo: [x], seed: v)[0]   // H·v
/// ```
///
/// Stops with a message when `output` has more than one scalar (pass `seed:`) or does
/// not require a gradient, or when its recording was already freed.
/// - Complexity: one backward sweep, as `backward()`; with `creatingGraph` it also
///   records two or three entries per operation swept.
@inlinable
public func gradients<Scalar: TensorScalar>(
    of output: Tensor<Scalar>, withRespectTo inputs: [Tensor<Scalar>], seed: Tensor<Scalar>? = nil,
    retainingGraph: Bool = false, creatingGraph: Bool = false
) -> [Tensor<Scalar>] {
    let seed = seed ?? {
        if output.scalarCount != 1 { wengertTensorNotScalar(output.dimensions, operation: "gradients(of:withRespectTo:)") }
        return Tensor(repeating: 1, shape: output.shape, on: output.placement)
    }()
    guard let broadcast = TensorShape.broadcast(output.dimensions, seed.dimensions), broadcast == output.dimensions else {
        wengertTensorShapeMismatch(output.dimensions, seed.dimensions, operation: "gradients(of:withRespectTo:seed:)")
    }
    let expanded = TensorKernels.expand(seed.untracked, to: output.dimensions)
    var found: [Tensor<Scalar>?]
    guard let tracking = output.tracking else {
        wengertTensorInvalid(
            "gradients(of:withRespectTo:) of a tensor that does not require a gradient; "
                + "call requiringGradient() on its inputs.")
    }
    if let recording = tracking.recording(Scalar.self) {
        found = TensorRecording.gradients(
            from: recording, tracking.index, seed: expanded, inputs: inputs, retainingGraph: retainingGraph,
            creatingGraph: creatingGraph)
    } else {
        let box = tracking.leafBox(Scalar.self)!
        found = inputs.map { input in
            if let other = input.tracking?.leafBox(Scalar.self), other === box { return expanded }
            return nil
        }
    }
    return zip(inputs, found).map { input, gradient in
        gradient ?? Tensor(zeros: input.shape, on: input.placement)
    }
}

// The adjoint's one coupling to the recording's internals, kept in this file: a
// vector-Jacobian product of the dynamics taken by the tensor layer's own reverse mode
// on a recording of its own. The adjoint's backward runs inside the outer backward
// sweep, where recording is switched off and the thread's current recording is the one
// being swept; evaluating the dynamics there would record into that recording (and its
// backward would sweep and free it). So each evaluation switches recording back on and
// installs a private recording as the thread's current one, and restores both after.

import CWengert

extension TensorRecording {
    /// f(y, p) and the cotangents aᵀ·∂f/∂y and aᵀ·∂f/∂pᵢ, computed by recording
    /// `body` on this recording (emptied first) and sweeping it backwards from `a`.
    /// A cotangent is nil where f does not depend on that input. Stops when `body`
    /// returns a shape other than `y`'s.
    /// - Complexity: one evaluation of `body` recorded, and one backward sweep over it.
    @inlinable func odeVectorJacobianProduct(
        _ y: Tensor<Scalar>, _ parameters: [Tensor<Scalar>], cotangent a: Tensor<Scalar>,
        _ body: (Tensor<Scalar>, [Tensor<Scalar>]) -> Tensor<Scalar>
    ) -> (value: Tensor<Scalar>, state: Tensor<Scalar>?, parameters: [Tensor<Scalar>?]) {
        let state = TensorThreadState.current
        let previous = Scalar._recording(in: state)
        let depth = wengert_thread_slot(2)
        reset()
        Scalar._setRecording(self, in: state)
        wengert_set_thread_slot(2, nil)
        defer {
            wengert_set_thread_slot(2, depth)
            if let previous { Scalar._setRecording(previous, in: state) }
        }
        let yLeaf = y.requiringGradient()
        let parameterLeaves = parameters.map { $0.requiringGradient() }
        let value = body(yLeaf, parameterLeaves)
        if value.dimensions != y.dimensions {
            wengertODEInvalid(
                "the dynamics returned shape \(value.dimensions) for a state of shape \(y.dimensions); "
                    + "dy/dt must have the state's shape.")
        }
        guard value.tracking != nil else { return (value, nil, parameters.map { _ in nil }) }
        value.backward(seed: a)
        return (value.untracked, yLeaf.grad, parameterLeaves.map { $0.grad })
    }
}

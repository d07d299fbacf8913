// The adjoint's one coupling to the recording's internals, kept in this file: a
// vector-Jacobian product of the dynamics taken by the tensor layer's own reverse mode
// on a recording of its own. The adjoint's backward runs inside the outer backward
// sweep, where recording is switched off; an evaluation on fresh leaves would start in
// the thread's current recording, which is where the outer computation lives, and grow
// it by every evaluation of the backward solve. So each evaluation switches recording
// back on and installs a private recording (emptied first) as the thread's current one,
// and restores both after: memory stays that of one evaluation.

import CWengert

extension TensorRecording {
    /// Makes `recording` the calling thread's current recording of this scalar type and
    /// returns the one it replaces (nil when there was none).
    @inlinable static func odeSwapCurrent(_ recording: TensorRecording?) -> TensorRecording? {
        let state = TensorThreadState.current
        if Scalar.self == Float.self {
            let previous = state.float
            state.float = unsafeBitCast(recording, to: TensorRecording<Float>?.self)
            return unsafeBitCast(previous, to: TensorRecording?.self)
        }
        let previous = state.double
        state.double = unsafeBitCast(recording, to: TensorRecording<Double>?.self)
        return unsafeBitCast(previous, to: TensorRecording?.self)
    }

    /// f(y, p) and the cotangents aᵀ·∂f/∂y and aᵀ·∂f/∂pᵢ, computed by recording
    /// `body` on this recording (emptied first) and sweeping it backwards from `a`.
    /// A cotangent is nil where f does not depend on that input. Stops when `body`
    /// returns a shape other than `y`'s.
    /// - Complexity: one evaluation of `body` recorded, and one backward sweep over it.
    @inlinable func odeVectorJacobianProduct(
        _ y: Tensor<Scalar>, _ parameters: [Tensor<Scalar>], cotangent a: Tensor<Scalar>,
        _ body: (Tensor<Scalar>, [Tensor<Scalar>]) -> Tensor<Scalar>
    ) -> (value: Tensor<Scalar>, state: Tensor<Scalar>?, parameters: [Tensor<Scalar>?]) {
        lock()
        reset()
        unlock()
        let previous = Self.odeSwapCurrent(self)
        let depth = wengert_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH)
        wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, nil)
        defer {
            wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, depth)
            _ = Self.odeSwapCurrent(previous)
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

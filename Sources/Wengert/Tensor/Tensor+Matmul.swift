// Matrix products through the register-blocked C GEMM (AVX-512 where present).

/// The matrix product of `a` [..., m, k] and `b` [..., k, n], batched over leading axes
/// that broadcast (NumPy's matmul for rank >= 2). Stops naming both shapes when the
/// inner dimensions differ.
///
/// Backward: ∂a = g·bᵀ, ∂b = aᵀ·g, each summed over broadcast batch axes.
/// - Complexity: O(batch·m·n·k) and one recorded entry.
@inlinable public func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
    Tensor.recorded(TensorKernels.matmul(a, b), .matmul, a, b, saving: a, b)
}

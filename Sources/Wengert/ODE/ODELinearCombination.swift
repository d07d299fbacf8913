// The one vector operation the solvers need: Σ cᵢ·xᵢ over states of one shape. When
// nothing in it is recorded (the adjoint's solves, a solve without gradients) it is one
// fused pass over the scalars, so a Dormand–Prince stage costs one pass instead of a
// dozen tensor operations; otherwise it is written with recorded tensor operations so
// that `.backpropagation` differentiates every step.

extension Tensor {
    /// Σ cᵢ·xᵢ; all `xᵢ` have one shape (the state's). Zero coefficients are skipped.
    /// - Complexity: O(n · terms); one recorded entry per non-trivial term when tracked.
    @inlinable static func odeCombination(_ terms: [(Scalar, Tensor)]) -> Tensor {
        let first = terms[0].1
        let tracked = isGradientEnabled && terms.contains { $0.1.tracking != nil }
        if tracked || first.placement != .cpu {
            var total: Tensor?
            for (c, x) in terms where c != 0 {
                let term = c == 1 ? x : x * c
                total = total.map { $0 + term } ?? term
            }
            return total ?? Tensor(zeros: first.shape, on: first.placement)
        }
        let n = first.scalarCount
        var out = [Scalar](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            for (c, x) in terms where c != 0 {
                x.withHostScalars { xs in
                    for i in 0..<n { o[i] += c * xs[i] }
                }
            }
        }
        return Tensor(uncheckedStorage: out, shape: first.shape, device: first.placement)
    }
}

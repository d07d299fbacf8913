// The steps of the backward rules that are not public tensor operations (summing a
// cotangent back to its operand's shape, broadcasting it out, scattering a gather's
// cotangent, the transposing products of the matmul rule, the chain rule's product),
// each as a recorded operation. A rule calls them whether or not it is building a graph:
// on untracked tensors (a first-order backward) `recorded` returns the kernel's result
// at once, so the rule runs the same raw kernel as before; on tracked ones (a backward
// that creates a graph) each step records one entry whose own rule is in the table, so
// the rules' results can be differentiated again, to any order.

extension Tensor {
    /// The same scalars under `shape`, which must hold as many (not checked: the rules'
    /// shapes come from the recording).
    /// - Complexity: O(1) and one recorded entry.
    @inlinable func reshapedUnchecked(to shape: TensorDimensions) -> Tensor {
        if dimensions == shape { return self }
        var out = untracked
        out.dimensions = shape
        return Tensor.recorded(out, .reshape, self)
    }

    /// `reshapedUnchecked(to:)` with the shape as an array.
    @inlinable func reshapedUnchecked(to shape: [Int]) -> Tensor { reshapedUnchecked(to: TensorDimensions(shape)) }

    /// This tensor summed back to `shape`, the shape it was broadcast from (NumPy's
    /// unbroadcast); itself when the shapes agree. Recorded as a sum over the broadcast
    /// axes, whose rule broadcasts again.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable func summed(toShape shape: TensorDimensions) -> Tensor {
        if dimensions == shape { return self }
        let out = TensorKernels.sum(self, toShape: shape)
        if tracking == nil { return out }
        return Tensor.recorded(out, .sum, self, arguments: TensorKernels.broadcastAxes(dimensions.array, shape.array))
    }

    /// This tensor repeated along axes of extent 1 (and new leading axes) to `shape`.
    /// Its rule is the identity: the sweep sums every cotangent back to its operand's
    /// shape.
    /// - Complexity: O(size of `shape`) and one recorded entry.
    @inlinable func expanded(to shape: TensorDimensions) -> Tensor {
        if dimensions == shape { return self }
        return Tensor.recorded(TensorKernels.expand(self, to: shape), .expand, self)
    }

    /// A zero tensor whose extent along `axis` is `size`, with the slices of this tensor
    /// added at `indices` along it (repeated indices add up): the adjoint of
    /// `gathering(along:indices:)`, whose own rule is that gather.
    /// - Complexity: O(size of the result) and one recorded entry.
    @inlinable func scattering(along axis: Int, size: Int, indices: [Int]) -> Tensor {
        var shape = dimensions
        shape[axis] = size
        let inner = TensorShape.count(shape[(axis + 1)...])
        let outer = TensorShape.count(shape[..<axis])
        TensorKernels.requireConsistent(self, operation: "backward of gathering")
        var result: Tensor
        if placement.kind == .cpu {
            let total = TensorShape.count(shape), pg = hostBase
            result = Tensor.host(shape: shape, count: total) { out in
                out.initialize(repeating: 0, count: total)
                var source = 0
                for o in 0..<outer {
                    for i in indices {
                        let base = (o * size + i) * inner
                        for j in 0..<inner { out[base + j] += pg[source + j] }
                        source += inner
                    }
                }
            }
        } else {
            // A device has no scatter-add kernel; the scatter is the product with the
            // [size, count] one-hot matrix of the indices, batched over the outer axes.
            var selector = [Scalar](repeating: 0, count: size * indices.count)
            for (s, i) in indices.enumerated() { selector[i * indices.count + s] = 1 }
            result = TensorKernels.matmul(
                Tensor(uncheckedStorage: selector, shape: [size, indices.count], device: placement),
                Tensor(buffer: storage, shape: [outer, indices.count, inner], device: placement))
            result.dimensions = shape
        }
        return Tensor.recorded(result, .scatter, self, arguments: [axis, size] + indices)
    }

    /// g · p elementwise with broadcasting, with the chain rule's convention of the
    /// scalar modes: 0 where either factor is 0, even against an infinite or NaN one
    /// (ARCHITECTURE.md). A backward rule's cotangent times its partial, recorded.
    ///
    /// With `overwriting` (a first-order rule that owns g's buffer and reads g no more,
    /// `TensorPullbacks.pullback`'s `reuse`), the product of an untracked CPU `p` of g's
    /// shape is written over g (the kernel call `arithmetic` makes, the same bits), and
    /// no buffer is made. Only the shape is compared: `arithmeticInPlace`'s general test
    /// cost some 140 instructions, as much as the buffer it saved.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable static func chained(_ g: Tensor, _ p: Tensor, overwriting: Bool = false) -> Tensor {
        if overwriting && !p.isTracked, let out = TensorKernels.overwriting(g, with: p, { pg, pp, n in
            Scalar._binaryKernel(TensorArithmetic.chain.rawValue, pg, 1, pp, 1, pg, n)
        }) {
            return out
        }
        let out = TensorKernels.arithmetic(.chain, g, p, operation: "backward")
        // A first-order backward's case, decided before `recorded`'s optional
        // arguments are made (copies of g and p, retained and released).
        if !g.isTracked && !p.isTracked { return out }
        return recorded(out, .chain, g, p, saving: g, p)
    }
}

/// op(a)·op(b), op a transpose of the last two axes where asked, read in place by the
/// GEMM (no transposed copy), recorded with the flags as its arguments: the matmul
/// rule's products g·bᵀ and aᵀ·g, which are matmuls themselves.
/// - Complexity: O(batch·m·n·k) and one recorded entry.
@inlinable func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool, transposeB: Bool) -> Tensor<S> {
    let out = TensorKernels.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
    if a.tracking == nil && b.tracking == nil { return out }
    let flags = transposeA || transposeB ? [transposeA ? 1 : 0, transposeB ? 1 : 0] : []
    return Tensor.recorded(out, .matmul, a, b, saving: a, b, arguments: flags)
}

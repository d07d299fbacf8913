// Reductions over all axes or chosen ones: sum, mean, max, min, logSumExp.

extension Tensor {
    /// Sorted, distinct, non-negative axes; all axes when `axes` is empty.
    @inlinable func normalizedAxes(_ axes: [Int], operation: StaticString) -> [Int] {
        if axes.isEmpty { return TensorShape.allAxes(rank) }
        return Set(axes.map { TensorShape.normalize(axis: $0, rank: rank, operation: operation) }).sorted()
    }

    /// The shape after reducing `axes`, kept with extent 1 or removed.
    @inlinable func reducedShape(_ axes: [Int], keeping: Bool) -> [Int] {
        // A loss reduces every axis: no arrays built to find that out.
        if !keeping && axes.count == rank { return [] }
        if keeping { return dimensions.enumerated().map { axes.contains($0.offset) ? 1 : $0.element } }
        return dimensions.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Σ of all scalars, as a 0-d tensor.
    /// - Complexity: O(n), vectorised, and one recorded entry.
    @inlinable public func sum() -> Tensor { sum(axes: [], keepingDimensions: false) }

    /// Σ along the given axes (negative counts from the end), removing them unless
    /// `keepingDimensions`.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func sum(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        sum(axes: axes, keepingDimensions: keepingDimensions)
    }

    @inlinable func sum(axes: [Int], keepingDimensions: Bool) -> Tensor {
        if axes.isEmpty && !keepingDimensions, let total = wholeSum() {
            return Tensor.recorded(Tensor.scalar0d(total), .sum, self, arguments: TensorShape.allAxes(rank))
        }
        let axes = normalizedAxes(axes, operation: "sum")
        var out = TensorKernels.sum(self, axes: axes)
        out.dimensions = TensorDimensions(reducedShape(axes, keeping: keepingDimensions))
        return Tensor.recorded(out, .sum, self, arguments: axes)
    }

    /// The arithmetic mean of all scalars, as a 0-d tensor; NaN for an empty tensor (0/0,
    /// as PyTorch and NumPy).
    /// - Complexity: O(n) and one recorded entry (`grad_fn` "MeanBackward", as in PyTorch).
    @inlinable public func mean() -> Tensor { mean(axes: [], keepingDimensions: false) }

    /// The mean along the given axes; NaN where they are empty (as PyTorch and NumPy).
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func mean(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        mean(axes: axes, keepingDimensions: keepingDimensions)
    }

    @inlinable func mean(axes: [Int], keepingDimensions: Bool) -> Tensor {
        if axes.isEmpty && !keepingDimensions, let total = wholeSum() {
            let n = Scalar(scalarCount)
            return Tensor.recorded(Tensor.scalar0d(total / n), .mean, self, arguments: TensorShape.allAxes(rank))
        }
        let axes = normalizedAxes(axes, operation: "mean")
        var reduced = 1  // scalars per mean; no overflow, as it divides the tensor's count
        for axis in axes { reduced &*= dimensions[axis] }
        let n = Scalar(reduced)
        var out = TensorKernels.sum(self, axes: axes)
        // On the CPU the sums are divided where they lie when nothing else holds their
        // buffer (the sum of a 0-d tensor may be the tensor itself), else in one pass into
        // a new one; a device divides by a 0-d constant.
        if placement.kind != .cpu {
            out = TensorKernels.arithmetic(.divide, out, Tensor(n), operation: "mean")
        } else if out.storage.owner == nil && isKnownUniquelyReferenced(&out.storage) {
            let p = out.hostBase
            for i in 0..<out.scalarCount { p[i] = p[i] / n }
        } else {
            out = TensorKernels.map(out) { $0 / n }
        }
        out.dimensions = TensorDimensions(reducedShape(axes, keeping: keepingDimensions))
        return Tensor.recorded(out, .mean, self, arguments: axes)
    }

    /// Σ of all scalars of a non-empty CPU tensor, by one pass of the sum kernel; nil
    /// for an empty tensor or another device, which take the general path. Every
    /// whole-tensor sum goes through here (`sum()`, `mean()`, `TensorKernels.reduce` over
    /// every axis, a cotangent summed to one scalar), so they add in the same order and
    /// agree to the bit. A loss reduces every axis to a 0-d tensor: this way it builds no
    /// axes, no shape of ones and no second shape, about 400 instructions of a
    /// 1,200-instruction `mean()` on 11 scalars.
    @inlinable func wholeSum() -> Scalar? {
        if placement.kind != .cpu || scalarCount == 0 { return nil }
        TensorKernels.requireConsistent(self, operation: "reduction")
        return Scalar._sumKernel(hostBase, scalarCount)
    }

    @inlinable func extremum(axes: [Int], keepingDimensions: Bool, largest: Bool) -> Tensor {
        let axes = normalizedAxes(axes, operation: largest ? "max" : "min")
        // Only an empty reduced axis leaves a result without a candidate (PyTorch's rule);
        // an empty kept axis just gives an empty result.
        for axis in axes where dimensions[axis] == 0 {
            wengertTensorInvalid(
                "\(largest ? "max" : "min") along axis \(axis) of shape \(dimensions): the axis is empty, "
                    + "so there is no \(largest ? "largest" : "smallest") scalar.")
        }
        // NaN wins wherever it is (IEEE maximum, PyTorch, NumPy; the reduction's combine):
        // `Swift.max` would keep or drop it by position.
        let kept = TensorKernels.reduce(largest ? .maximum : .minimum, self, axes: axes)
        var out = kept
        out.dimensions = TensorDimensions(reducedShape(axes, keeping: keepingDimensions))
        return Tensor.recorded(out, largest ? .maximumAlongAxes : .minimumAlongAxes, self, saving: self, kept, arguments: axes)
    }

    /// The largest scalar, as a 0-d tensor; NaN if any scalar is NaN. Ties share the
    /// gradient equally (so do the NaNs, when the result is NaN).
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func max() -> Tensor { extremum(axes: [], keepingDimensions: false, largest: true) }
    /// The largest scalars along the given axes.
    @inlinable public func max(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        extremum(axes: axes, keepingDimensions: keepingDimensions, largest: true)
    }
    /// The smallest scalar, as a 0-d tensor; NaN if any scalar is NaN. Ties share the
    /// gradient equally (so do the NaNs, when the result is NaN).
    @inlinable public func min() -> Tensor { extremum(axes: [], keepingDimensions: false, largest: false) }
    /// The smallest scalars along the given axes.
    @inlinable public func min(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        extremum(axes: axes, keepingDimensions: keepingDimensions, largest: false)
    }

    /// log Σ eˣ along the given axes (all when none), computed as m + log Σ e^(x-m) with
    /// m the (constant) maximum so it cannot overflow. Gradient: softmax along the axes.
    /// - Complexity: O(n) and about five recorded entries.
    @inlinable public func logSumExp(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        let normalized = normalizedAxes(axes, operation: "logSumExp")
        // Over an empty axis the sum is 0 and the result -∞ (PyTorch), so softmax of an
        // empty axis is empty; there is no maximum to shift by, and none is needed.
        let shift =
            normalized.contains(where: { dimensions[$0] == 0 })
            ? Tensor(zeros: reducedShape(normalized, keeping: true), on: placement)
            : withoutGradient { extremum(axes: normalized, keepingDimensions: true, largest: true) }
        let kept = log(exp(self - shift).sum(axes: normalized, keepingDimensions: true)) + shift
        return keepingDimensions ? kept : kept.reshaped(to: reducedShape(normalized, keeping: false))
    }
}

// Reductions over all axes or chosen ones: sum, mean, max, min, logSumExp.

extension Tensor {
    /// Sorted, distinct, non-negative axes; all axes when `axes` is empty.
    @inlinable func normalizedAxes(_ axes: [Int], operation: StaticString) -> [Int] {
        if axes.isEmpty { return Array(0..<rank) }
        return Set(axes.map { TensorShape.normalize(axis: $0, rank: rank, operation: operation) }).sorted()
    }

    /// The shape after reducing `axes`, kept with extent 1 or removed.
    @inlinable func reducedShape(_ axes: [Int], keeping: Bool) -> [Int] {
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
        let axes = normalizedAxes(axes, operation: "sum")
        var out = TensorKernels.sum(self, axes: axes)
        out.dimensions = reducedShape(axes, keeping: keepingDimensions)
        return Tensor.recorded(out, .sum, self, arguments: axes)
    }

    /// The arithmetic mean of all scalars, as a 0-d tensor.
    /// - Complexity: O(n) and two recorded entries.
    @inlinable public func mean() -> Tensor { sum() / Scalar(Swift.max(scalarCount, 1)) }

    /// The mean along the given axes.
    /// - Complexity: O(n) and two recorded entries.
    @inlinable public func mean(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        let normalized = normalizedAxes(axes, operation: "mean")
        let n = normalized.reduce(1) { $0 * dimensions[$1] }
        return sum(axes: normalized, keepingDimensions: keepingDimensions) / Scalar(Swift.max(n, 1))
    }

    @inlinable func extremum(axes: [Int], keepingDimensions: Bool, largest: Bool) -> Tensor {
        let axes = normalizedAxes(axes, operation: largest ? "max" : "min")
        if scalarCount == 0 { wengertTensorInvalid("\(largest ? "max" : "min") of an empty tensor of shape \(dimensions).") }
        var values = storage, shape = dimensions
        for axis in axes {
            values = TensorKernels.reduce(values, shape: shape, axis: axis, largest ? { Swift.max($0, $1) } : { Swift.min($0, $1) })
            shape[axis] = 1
        }
        let kept = Tensor(uncheckedStorage: values, shape: shape, device: placement)
        var out = kept
        out.dimensions = reducedShape(axes, keeping: keepingDimensions)
        return Tensor.recorded(out, largest ? .maximumAlongAxes : .minimumAlongAxes, self, saving: self, kept, arguments: axes)
    }

    /// The largest scalar, as a 0-d tensor; ties share the gradient equally.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func max() -> Tensor { extremum(axes: [], keepingDimensions: false, largest: true) }
    /// The largest scalars along the given axes.
    @inlinable public func max(alongAxes axes: Int..., keepingDimensions: Bool = false) -> Tensor {
        extremum(axes: axes, keepingDimensions: keepingDimensions, largest: true)
    }
    /// The smallest scalar, as a 0-d tensor; ties share the gradient equally.
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
        let shift = withoutGradient { extremum(axes: normalized, keepingDimensions: true, largest: true) }
        let kept = log(exp(self - shift).sum(axes: normalized, keepingDimensions: true)) + shift
        return keepingDimensions ? kept : kept.reshaped(to: reducedShape(normalized, keeping: false))
    }
}

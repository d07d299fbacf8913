// argmax/argmin (indices, never tracked) and clamping (tracked).

extension Tensor {
    /// The index of the largest scalar in row-major order (the first at a tie; NaN
    /// counts as largest, as in NumPy). Stops with a message for an empty tensor.
    /// - Complexity: O(n).
    public func argmax() -> Int {
        if scalarCount == 0 { wengertTensorInvalid("argmax of an empty tensor of shape \(shape).") }
        return Tensor.argExtremum(scalars[...], largest: true)
    }

    /// The index of the largest scalar along `axis` for each position of the other axes,
    /// in row-major order of those (PyTorch's `argmax(dim=axis)`): for logits
    /// `[batch, classes]`, `argmax(alongAxis: 1)` is the predicted class of each row.
    /// - Complexity: O(n).
    public func argmax(alongAxis axis: Int) -> [Int] { argExtremum(alongAxis: axis, largest: true) }

    /// The index of the smallest scalar along `axis` for each position of the other axes.
    /// - Complexity: O(n).
    public func argmin(alongAxis axis: Int) -> [Int] { argExtremum(alongAxis: axis, largest: false) }

    func argExtremum(alongAxis axis: Int, largest: Bool) -> [Int] {
        let axis = TensorShape.normalize(axis: axis, rank: rank, operation: largest ? "argmax" : "argmin")
        let extent = shape[axis]
        if extent == 0 { wengertTensorInvalid("\(largest ? "argmax" : "argmin") along an empty axis \(axis) of shape \(shape).") }
        let inner = shape[(axis + 1)...].reduce(1, *), outer = shape[..<axis].reduce(1, *)
        let values = scalars
        var result = [Int]()
        result.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0, bestValue = values[o * extent * inner + i]
                for k in 1..<extent {
                    let v = values[(o * extent + k) * inner + i]
                    if bestValue.isNaN { break }
                    if v.isNaN || (largest ? v > bestValue : v < bestValue) { best = k; bestValue = v }
                }
                result.append(best)
            }
        }
        return result
    }

    static func argExtremum(_ values: ArraySlice<Scalar>, largest: Bool) -> Int {
        var best = values.startIndex
        for k in values.indices where !values[best].isNaN {
            if values[k].isNaN || (largest ? values[k] > values[best] : values[k] < values[best]) { best = k }
        }
        return best - values.startIndex
    }

    /// Each scalar limited to `range` (PyTorch's `clamp(min, max)`); the gradient is 1
    /// inside the range, bounds included, and 0 outside.
    /// - Complexity: O(n) and two recorded entries.
    public func clamped(to range: ClosedRange<Scalar>) -> Tensor {
        Wengert.max(Wengert.min(self, Tensor(range.upperBound)), Tensor(range.lowerBound))
    }

    /// Each scalar at least `lower` and at most `upper` (either may be nil, PyTorch's
    /// `clamp(min=, max=)`). Stops with a message when `lower > upper`.
    /// - Complexity: O(n) and up to two recorded entries.
    public func clamped(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        if let lower, let upper, lower > upper {
            wengertTensorInvalid("clamped(min: \(lower), max: \(upper)): min is larger than max.")
        }
        var out = self
        if let upper { out = Wengert.min(out, Tensor(upper)) }
        if let lower { out = Wengert.max(out, Tensor(lower)) }
        return out
    }
}

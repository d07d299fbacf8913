// Comparisons, selection, softmax and losses.

extension Tensor {
    /// 1 where the comparison holds, else 0; broadcasting; never tracked.
    @inlinable static func compare(_ a: Tensor, _ b: Tensor, _ name: StaticString, _ code: ComparisonOperation) -> Tensor {
        TensorKernels.zip(a, b, operation: name, code: .compare(code)) { code.holds($0, $1) ? 1 : 0 }
    }
    /// 1 where a < b, else 0 (a constant mask). - Complexity: O(n).
    @inlinable public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".<", .less) }
    /// 1 where a <= b, else 0. - Complexity: O(n).
    @inlinable public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".<=", .lessOrEqual) }
    /// 1 where a > b, else 0. - Complexity: O(n).
    @inlinable public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".>", .greater) }
    /// 1 where a >= b, else 0. - Complexity: O(n).
    @inlinable public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".>=", .greaterOrEqual) }
    /// 1 where a == b, else 0. - Complexity: O(n).
    @inlinable public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".==", .equal) }
    /// 1 where a != b, else 0. - Complexity: O(n).
    @inlinable public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".!=", .notEqual) }

    /// `other` where `mask` is non-zero, else `self` (NumPy's `where(mask, other, self)`),
    /// broadcasting all three. The gradient flows to whichever side was chosen.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func replacing(with other: Tensor, where mask: Tensor) -> Tensor {
        let shape = TensorKernels.broadcastShape(self, other, operation: "replacing(with:where:)")
        guard let full = TensorShape.broadcast(shape, mask.dimensions) else {
            wengertTensorShapeMismatch(shape, mask.dimensions, operation: "replacing(with:where:)")
        }
        let m = TensorKernels.expand(mask.untracked, to: full)
        let a = TensorKernels.expand(untracked, to: full), b = TensorKernels.expand(other.untracked, to: full)
        let result = TensorKernels.onDevice(placement, "replacing(with:where:)") { backend in
            let out: Tensor = try TensorKernels.deviceOutput(backend, full)
            try backend.select(m.contiguousView, b.contiguousView, a.contiguousView, into: out.contiguousView)
            return out
        }
        return Tensor.recorded(result, .select, self, other, saving: m)
    }
}

/// e^(x - max) / Σ e^(x - max) along `axis` (default the last): probabilities that sum to 1.
/// - Complexity: O(n) and a handful of recorded entries.
@inlinable public func softmax<S>(_ x: Tensor<S>, alongAxis axis: Int = -1) -> Tensor<S> {
    exp(logSoftmax(x, alongAxis: axis))
}

/// x - logSumExp(x) along `axis` (default the last), stable for large inputs.
/// - Complexity: O(n) and a handful of recorded entries.
@inlinable public func logSoftmax<S>(_ x: Tensor<S>, alongAxis axis: Int = -1) -> Tensor<S> {
    x - x.logSumExp(alongAxes: axis, keepingDimensions: true)
}

/// mean((predicted - expected)²), broadcasting, as a 0-d tensor.
/// - Complexity: O(n) and three recorded entries.
@inlinable public func meanSquaredError<S>(predicted: Tensor<S>, expected: Tensor<S>) -> Tensor<S> {
    (predicted - expected).squared().mean()
}

/// The mean cross-entropy of `logits` [batch, classes] against class `labels`, computed
/// from logits through log-softmax (PyTorch's `cross_entropy`). Stops naming the
/// lengths when `labels.count` differs from the batch, or a label is out of range.
/// - Complexity: O(batch·classes) and a handful of recorded entries.
@inlinable public func softmaxCrossEntropy<S>(logits: Tensor<S>, labels: [Int]) -> Tensor<S> {
    if logits.rank != 2 || logits.shape[0] != labels.count {
        wengertTensorInvalid("softmaxCrossEntropy needs logits [batch, classes] and one label per row; got logits \(logits.shape) and \(labels.count) labels.")
    }
    let classes = logits.shape[1]
    for l in labels where l < 0 || l >= classes { wengertTensorIndexOutOfRange(l, axis: 1, size: classes) }
    let picked = logSoftmax(logits).reshaped(to: [-1]).gathering(along: 0, indices: labels.enumerated().map { $0.offset * classes + $0.element })
    return -picked.mean()
}

// Losses beyond meanSquaredError and softmaxCrossEntropy (Tensor+NeuralNetwork.swift),
// named after what they compute, with PyTorch's name in each doc comment. Each is a mean
// over all elements (PyTorch's reduction='mean') and built from recorded operations, so
// its gradient needs no rule of its own.

/// mean(|predicted - expected|), broadcasting, as a 0-d tensor (PyTorch's `l1_loss`).
/// The gradient at a zero residual is 0 (abs's convention).
/// - Complexity: O(n) and three recorded entries.
public func meanAbsoluteError<S>(predicted: Tensor<S>, expected: Tensor<S>) -> Tensor<S> {
    abs(predicted - expected).mean()
}

/// The Huber loss (PyTorch's `huber_loss`): for each residual r, r²/2 where |r| <= δ and
/// δ(|r| - δ/2) beyond, averaged. Quadratic near 0, linear in the tails, so outliers pull
/// with a force of at most δ. Stops with a message when δ is not positive and finite.
/// - Complexity: O(n) and about seven recorded entries.
public func huberLoss<S>(predicted: Tensor<S>, expected: Tensor<S>, delta: S = 1) -> Tensor<S> {
    if !(delta > 0 && delta.isFinite) { wengertTensorInvalid("huberLoss's delta is \(delta); it must be a finite number > 0.") }
    let residual = abs(predicted - expected)
    // q = min(|r|, δ): the loss is q²/2 + δ(|r| - q), which is both branches at once.
    let quadratic = min(residual, Tensor(delta))
    return (0.5 * quadratic.squared() + delta * (residual - quadratic)).mean()
}

/// The binary cross-entropy of `logits` against `targets` in [0, 1], broadcasting
/// (PyTorch's `binary_cross_entropy_with_logits`): mean(softplus(x) - x·y), which is
/// -y·log σ(x) - (1-y)·log(1-σ(x)) without ever forming σ(x), so it stays finite for large
/// logits. Its gradient in x is σ(x) - y.
/// - Complexity: O(n) and about four recorded entries.
public func binaryCrossEntropy<S>(logits: Tensor<S>, targets: Tensor<S>) -> Tensor<S> {
    (softplus(logits) - logits * targets).mean()
}

/// The mean negative log-likelihood of class `labels` under `logProbabilities`
/// [batch, classes] (PyTorch's `nll_loss`, taking log-softmax output): -mean of the
/// picked entries. Stops naming the lengths when `labels.count` differs from the batch,
/// or naming the label when one is out of range.
/// - Complexity: O(batch) and a few recorded entries.
public func negativeLogLikelihood<S>(logProbabilities: Tensor<S>, labels: [Int]) -> Tensor<S> {
    if logProbabilities.rank != 2 || logProbabilities.shape[0] != labels.count {
        wengertTensorInvalid(
            "negativeLogLikelihood needs logProbabilities [batch, classes] and one label per row; got "
                + "\(logProbabilities.shape) and \(labels.count) labels.")
    }
    let classes = logProbabilities.shape[1]
    for l in labels where l < 0 || l >= classes { wengertTensorIndexOutOfRange(l, axis: 1, size: classes) }
    let flat = logProbabilities.reshaped(to: [-1])
    return -flat.gathering(along: 0, indices: labels.enumerated().map { $0.offset * classes + $0.element }).mean()
}

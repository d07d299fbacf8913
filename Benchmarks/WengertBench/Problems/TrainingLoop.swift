import Wengert

/// A whole training loop of the seed tutorials, timed per loop: the figure a user of
/// the seeds sees, fixed per-step overheads included.
///
/// `plain` runs the loop with gradients written by hand on unrecorded `Tensor<Float>`
/// operations, `autograd` the same loop recorded and differentiated by `backward()`,
/// `fused` that loop with its loss a `LazyTensor` (one fused pass forward, one backward).
/// Both return the final parameters followed by the last loss, which `check` compares
/// with the same loop computed in `Double` on plain arrays (and, where the seed prints
/// them, the seed's published figures).
protocol TrainingLoop: Sendable {
    /// The number of trained parameters.
    var parameterCount: Int { get }
    /// The loop with hand-written gradients: final parameters, then the last loss.
    func handWritten() -> [Float]
    /// The loop by recording and `backward()`: final parameters, then the last loss.
    func autograd() -> [Float]
    /// `autograd()` with the loss a `LazyTensor`, one fused entry a step.
    func fused() -> [Float]
    /// The same loop in `Double` on arrays, the reference of the check.
    func reference() -> [Double]
    /// Figures the result must also match at the seed's own length (relative 1e-3), if any.
    var publishedFigures: [Double]? { get }
}

extension TrainingLoop {
    /// nil when `result` agrees with the reference (and the published figures);
    /// otherwise what is wrong.
    func check(_ result: [Double]) -> String? {
        let expected = reference()
        guard result.count == expected.count else { return "\(result.count) figures, expected \(expected.count)" }
        // Float against Double over thousands of steps: relative 2e-3 of each figure,
        // with a floor of 1e-3 of the largest for figures near zero.
        let scale = expected.reduce(0) { Swift.max($0, Swift.abs($1)) }
        for i in result.indices {
            guard result[i].isFinite else { return "figure \(i) is \(result[i])" }
            if Swift.abs(result[i] - expected[i]) > 2e-3 * Swift.max(Swift.abs(expected[i]), 1e-3 * scale) {
                return "figure \(i) is \(result[i]), the Double loop gives \(expected[i])"
            }
        }
        if let published = publishedFigures {
            for i in published.indices where Swift.abs(result[i] - published[i]) > 1e-3 * Swift.abs(published[i]) {
                return "figure \(i) is \(result[i]), the seed prints \(published[i])"
            }
        }
        return nil
    }
}

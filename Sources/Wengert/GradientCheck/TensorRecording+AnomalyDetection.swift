// Anomaly detection for tensor backward passes (PyTorch's `detect_anomaly`): inside
// `withAnomalyDetection { }`, the first backward rule that turns a finite upstream
// cotangent into a non-finite one for an operand is reported with the rule's name
// ("SqrtBackward") and the tensors the rule saved, which are its inputs. Called from
// the backward loop only when the per-thread anomaly slot is set.

extension TensorRecording {
    /// Checks one backward rule's results (anomaly mode only).
    @usableFromInline @inline(never)
    func checkBackwardAnomaly(_ index: Int, _ entry: TensorEntry, upstream g: Tensor<Scalar>,
                              results: [Tensor<Scalar>?]) {
        guard let state = AnomalyState.current, state.first == nil,
              g.scalars.allSatisfy({ $0.isFinite }) else { return }
        for result in results {
            guard let result, let bad = result.scalars.first(where: { !$0.isFinite }) else { continue }
            let savedRange = Int(entry.savedStart)..<Int(entry.savedStart + entry.savedCount)
            // The saved tensors are the rule's inputs; the first few values name the culprit.
            let inputs = saved[savedRange].flatMap { $0.scalars.prefix(8).map { Double($0) } }
            state.record(Anomaly(phase: .backward, operation: entry.operation.backwardName,
                                 operands: Array(inputs.prefix(16)), result: Double(bad), slot: index,
                                 adjoint: g.scalars.first.map { Double($0) }, partials: []))
            return
        }
    }
}

// Anomaly detection for tensor backward passes (PyTorch's `detect_anomaly`): inside
// `withAnomalyDetection { }`, the first backward rule that turns a finite upstream
// cotangent into a non-finite one for an operand is reported with the rule's name
// ("SqrtBackward") and the tensors the rule saved, which are its inputs. It plugs into
// the tensor sweep's one hook (Tensor/TensorSweepObserver.swift), installed by
// `AnomalyState.enter` and removed by `leave`.

extension AnomalyState: TensorSweepObserver {
    func backwardRuleDidRun<S: TensorScalar>(
        _ name: String, index: Int, saved: ArraySlice<Tensor<S>>, upstream g: Tensor<S>, results: [Tensor<S>?]
    ) {
        guard first == nil, g.scalars.allSatisfy({ $0.isFinite }) else { return }
        for result in results {
            guard let result, let bad = result.scalars.first(where: { !$0.isFinite }) else { continue }
            // The saved tensors are the rule's inputs; the first few values name the culprit.
            let inputs = saved.flatMap { $0.scalars.prefix(8).map { Double($0) } }
            record(Anomaly(phase: .backward, operation: name, operands: Array(inputs.prefix(16)), result: Double(bad),
                           slot: index, adjoint: g.scalars.first.map { Double($0) }, partials: []))
            return
        }
    }
}

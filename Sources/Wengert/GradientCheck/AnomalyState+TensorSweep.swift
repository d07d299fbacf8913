// Anomaly detection for tensors (PyTorch's `detect_anomaly`, with forward values checked
// too): inside `withAnomalyDetection { }`, the first recorded operation whose result holds
// a NaN or infinity is reported, and so is the first backward rule that turns a finite
// upstream cotangent into a non-finite one for an operand. Both report the operation, its
// inputs' shapes, the first bad value, its element and the input values there. It plugs
// into the tensor core's hooks (Tensor/TensorSweepObserver.swift), installed by
// `AnomalyState.enter` and removed by `leave`.

extension AnomalyState: TensorSweepObserver {
    func operationWasRecorded<S: TensorScalar>(_ name: String, index: Int, operands: [Tensor<S>], result: Tensor<S>) {
        guard first == nil, let element = result.scalars.firstIndex(where: { !$0.isFinite }) else { return }
        record(Anomaly(
            phase: .forward, operation: name,
            operands: Self.values(at: element, of: result.shape, in: operands[...]),
            result: Double(result.scalars[element]), slot: index, adjoint: nil, partials: [],
            inputShapes: operands.map(\.shape), element: element))
    }

    func backwardRuleDidRun<S: TensorScalar>(
        _ name: String, index: Int, saved: ArraySlice<Tensor<S>>, operandShapes: ArraySlice<[Int]>,
        upstream g: Tensor<S>, results: [Tensor<S>?]
    ) {
        guard first == nil, g.scalars.allSatisfy({ $0.isFinite }) else { return }
        for (k, result) in results.enumerated() {
            guard let result, let element = result.scalars.firstIndex(where: { !$0.isFinite }) else { continue }
            let incoming = g.dimensions == result.dimensions ? g.scalars[element] : g.scalars.first
            record(Anomaly(
                phase: .backward, operation: name,
                // Rules save their inputs first (then, for some, their output).
                operands: Self.values(at: element, of: result.shape, in: saved.prefix(operandShapes.count)),
                result: Double(result.scalars[element]), slot: index, adjoint: incoming.map { Double($0) }, partials: [],
                inputShapes: Array(operandShapes), element: element, operand: k + 1))
            return
        }
    }

    /// The values of `tensors` at flat index `element` of a result of shape `shape`: each
    /// tensor of that shape gives its value there, a one-scalar tensor its only value;
    /// others (broadcast or reduced inputs) are left out, since no single value lines up.
    static func values<S: TensorScalar>(at element: Int, of shape: [Int], in tensors: ArraySlice<Tensor<S>>) -> [Double] {
        tensors.compactMap { t in
            if t.shape == shape { return Double(t.scalars[element]) }
            return t.scalars.count == 1 ? Double(t.scalars[0]) : nil
        }
    }
}

// How a tensor operation reaches the recording: `recorded` appends one entry when an
// operand is tracked and gradients are enabled, and tags the result with its entry.

import CWengert

extension Tensor {
    /// This tensor without its place in a recording (saved tensors must not keep the
    /// recording alive through themselves).
    @inlinable var untracked: Tensor {
        var copy = self
        copy.tracking = nil
        return copy
    }

    /// Records `operation` with `result` as its output if gradients are enabled and an
    /// operand is tracked; otherwise returns `result` untouched.
    @inlinable static func recorded(
        _ result: Tensor, _ operation: TensorOperation, _ a: Tensor, _ b: Tensor? = nil, saving s0: Tensor? = nil,
        _ s1: Tensor? = nil, _ s2: Tensor? = nil, arguments: [Int] = []
    ) -> Tensor {
        if a.tracking == nil && b?.tracking == nil { return result }
        if !isGradientEnabled { return result }
        var output = result
        let recording = recordingFor(a, b)
        let id = recording.append(operation, a, b, saving: s0, s1, s2, arguments: arguments)
        output.tracking = .interior(recording, id)
        return output
    }

    /// The recording an operation on `a` and `b` goes to: an operand's own live
    /// recording if it has one, else the thread's.
    @inlinable static func recordingFor(_ a: Tensor, _ b: Tensor?) -> TensorRecording<Scalar> {
        if case .interior(let r, _) = a.tracking, !r.isFreed { return r }
        if case .interior(let r, _) = b?.tracking, !r.isFreed { return r }
        return .current
    }

    /// `recorded` for any number of operands.
    @inlinable static func recorded(_ result: Tensor, _ operation: TensorOperation, operands: [Tensor], arguments: [Int]) -> Tensor {
        if !operands.contains(where: { $0.tracking != nil }) || !isGradientEnabled { return result }
        var output = result
        let live = operands.first { if case .interior(let r, _) = $0.tracking { !r.isFreed } else { false } }
        let recording = recordingFor(live ?? operands[0], nil)
        let id = recording.append(operation, operands: operands, arguments: arguments)
        output.tracking = .interior(recording, id)
        return output
    }

    /// Whether operations are recorded on this thread (false inside `withoutGradient`).
    @inlinable static var isGradientEnabled: Bool { wengert_thread_slot(2) == nil }
}

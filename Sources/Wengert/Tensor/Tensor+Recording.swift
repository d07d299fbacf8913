// How a tensor operation reaches the recording: `recorded` appends one entry when an
// operand is tracked and gradients are enabled, and tags the result with its entry. An
// installed observer (Tensor/TensorSweepObserver.swift: anomaly detection) is told of each
// recorded result; without one this costs one per-thread slot load per recorded operation.

import CWengert

extension Tensor {
    /// This tensor without its place in a recording (saved tensors must not keep the
    /// recording alive through themselves). Made afresh rather than copied and cleared,
    /// which would retain and release the owner it drops.
    @inlinable var untracked: Tensor { Tensor(buffer: storage, shape: dimensions, device: placement) }

    /// Records `operation` with `result` as its output if gradients are enabled and an
    /// operand is tracked; otherwise returns `result` untouched. `savedOutput` is the
    /// position of `result` among the saved tensors, if it is one of them.
    ///
    /// The optional tensors are read through `switch`, never `if let` or `?.`: this
    /// compiler copies a payload that `if let` binds (a retain and a release of its
    /// buffer and owner around each use, eight per recorded product), while a `switch`
    /// binds it in place. `result` is taken (`consuming`), so that the output is it,
    /// moved, rather than a copy (a retain of its buffer and owner here, their release
    /// by the caller).
    ///
    /// `factorsOnly` is the product's: `saving` is [a, b], and each factor's cotangent
    /// reads only the other one, so with one factor constant only that factor is saved
    /// (PyTorch saves what the rule reads): one saved tensor fewer for `w * x`, its
    /// retain, slot and release. Anomaly detection reports the inputs a rule saved, so
    /// under an observer both stay. Decided here, past the untracked return: in the
    /// operator it made every untracked product about 40 instructions longer.
    @inlinable static func recorded(
        _ result: consuming Tensor, _ operation: TensorOperation, _ a: Tensor, _ b: Tensor? = nil, saving s0: Tensor? = nil,
        _ s1: Tensor? = nil, _ s2: Tensor? = nil, savedOutput: Int = -1, arguments: [Int] = [], factorsOnly: Bool = false
    ) -> Tensor {
        var isTracked = a.isTracked
        switch b {
        case .some(let b): isTracked = isTracked || b.isTracked
        case .none: break
        }
        if !isTracked || !isGradientEnabled { return result }
        let recording = TensorRecording<Scalar>.lockedTarget(a, b)
        let id: Int
        switch b {
        case .some(let b) where factorsOnly && a.isTracked != b.isTracked && tensorSweepObserver == nil:
            id = recording.append(operation, a, b, saving: a.isTracked ? b : a, nil, nil, arguments: arguments)
        default:
            id = recording.append(operation, a, b, saving: s0, s1, s2, savedOutput: savedOutput, arguments: arguments)
        }
        recording.unlock()
        // `result` is changed where it lies and the recording moved into it: a copy
        // (`var output = result`) and an assignment of `recording` cost a retain and a
        // release of the result's buffer and of the recording on every recorded operation.
        result.trackingOwner = consume recording
        result.trackingIndex = id
        if let observer = tensorSweepObserver {
            observer.operationWasRecorded("\(operation)", index: id, operands: b.map { [a, $0] } ?? [a], result: result)
        }
        return result
    }

    /// `a[index]` of a tracked rank-1 CPU tensor `a` whose scalar there is `value`, with
    /// recording on and no observer: the slice entry `recorded` makes, and the 0-d result
    /// made with its place in the recording. Through `recorded`, the result was made as a
    /// constant and copied into the output (retains of its buffer and of the constant
    /// owner, released again) and the arguments' array destroyed through the runtime's
    /// array deinit: a parameter's index cost 1,162 instructions, now about 700.
    @inlinable static func recordedIndex(_ value: Scalar, of a: Tensor, at index: Int) -> Tensor {
        let buffer = TensorStorage.hostBuffer(Scalar.self, count: 1)
        buffer.block.assumingMemoryBound(to: Scalar.self).initialize(to: value)
        // A leaf (a parameter) records into the thread's current recording: `lockedTarget`'s
        // look for an interior operand's recording is skipped.
        let recording = a.trackingIndex == -1 ? TensorRecording<Scalar>.lockedCurrent() : TensorRecording<Scalar>.lockedTarget(a, nil)
        let id = recording.append(.slice, a, nil, saving: nil, nil, nil, arguments: [0, index, index + 1])
        recording.unlock()
        return Tensor(buffer: buffer, shape: TensorDimensions(), device: .cpu, owner: recording, index: id)
    }

    /// `recorded` for any number of operands, saved too when `savingOperands`, with
    /// `extra` (untracked) saved after them.
    @inlinable static func recorded(
        _ result: Tensor, _ operation: TensorOperation, operands: [Tensor], arguments: @autoclosure () -> [Int],
        savingOperands: Bool = false, extra: Tensor? = nil
    ) -> Tensor {
        if !operands.contains(where: { $0.isTracked }) || !isGradientEnabled { return result }
        var output = result
        let recording = TensorRecording<Scalar>.lockedTarget(operands: operands)
        let id = recording.append(
            operation, operands: operands, arguments: arguments(), savingOperands: savingOperands, extra: extra)
        recording.unlock()
        output.tracking = .interior(recording, id)
        if let observer = tensorSweepObserver {
            observer.operationWasRecorded("\(operation)", index: id, operands: operands, result: output)
        }
        return output
    }

    /// Records a custom function's application to `x` (tracked) with result `out`.
    @inlinable static func recordedCustom(_ out: Tensor, _ function: CustomFunction<Scalar>, _ x: Tensor) -> Tensor {
        let recording = TensorRecording<Scalar>.lockedTarget(x, nil)
        let function = recording.appendCustomFunction(function)
        let id = recording.append(.custom, x, nil, saving: x, nil, nil, arguments: [function])
        recording.unlock()
        var result = out.untracked
        result.tracking = .interior(recording, id)
        if let observer = tensorSweepObserver {
            observer.operationWasRecorded("custom", index: id, operands: [x], result: result)
        }
        return result
    }

    /// Records the cotangent `out` that `function`'s plain backward gave for input `x`
    /// and upstream `g` during a backward that creates a graph: an entry whose rule
    /// stops with the function's name, since a second derivative through it is unknown.
    @inlinable static func recordedCustomBackward(_ out: Tensor, _ function: CustomFunction<Scalar>, _ x: Tensor, _ g: Tensor) -> Tensor {
        if !isGradientEnabled || (!x.isTracked && !g.isTracked) { return out }
        let recording = TensorRecording<Scalar>.lockedTarget(x, g)
        let function = recording.appendCustomFunction(function)
        let id = recording.append(.customBackward, x, g, saving: nil, nil, nil, arguments: [function])
        recording.unlock()
        var result = out.untracked
        result.tracking = .interior(recording, id)
        return result
    }

    /// The recording of an interior tensor (not resolved through joins), nil for leaves
    /// and constants; unretained, for a caller that holds the tensor while it compares
    /// recordings (`TensorRecording.lockedTarget`).
    @inlinable var interiorRecording: Unmanaged<TensorRecording<Scalar>>? {
        trackingIndex >= 0 ? .passUnretained(unsafeDowncast(trackingOwner, to: TensorRecording<Scalar>.self)) : nil
    }

    /// Whether operations are recorded on this thread (false inside `withoutGradient`).
    @inlinable static var isGradientEnabled: Bool { wengert_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH) == nil }

    /// For an interior tensor, its recording (resolved through joins), locked, and its
    /// entry there; nil for leaves and constants.
    @inlinable func lockedEntry() -> (TensorRecording<Scalar>, Int)? {
        guard let tracking, let recording = tracking.recording(Scalar.self) else { return nil }
        return TensorRecording.lockedResolved(recording, tracking.index)
    }

    /// The entries of this tensor's recording that a backward pass could still sweep;
    /// 0 for leaves and constants. For tests and memory measurements.
    /// - Complexity: O(1).
    var recordingLiveEntryCount: Int {
        guard let (recording, _) = lockedEntry() else { return 0 }
        defer { recording.unlock() }
        return recording.liveCount
    }

    /// The entries of the calling thread's current recording of this scalar type that a
    /// backward pass could still sweep: 0 when none is alive (all freed by `backward()`,
    /// or no tensor refers to it). For tests and memory measurements.
    /// - Complexity: O(1).
    static var recordedEntryCount: Int {
        let state = TensorThreadState.current
        func count<S>(_ slot: inout TensorRecording<S>?) -> Int {
            if isKnownUniquelyReferenced(&slot) { return 0 }
            guard let live = slot else { return 0 }
            live.lock()
            defer { live.unlock() }
            return live.isStub ? 0 : live.liveCount
        }
        if Scalar.self == Float.self { return count(&state.float) }
        return count(&state.double)
    }
}

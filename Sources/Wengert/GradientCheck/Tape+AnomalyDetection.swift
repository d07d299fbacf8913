// The tape side of anomaly detection: noting inputs, re-running a recording forward to
// find the first non-finite value, and a sweep that watches its adjoints. The tape
// knows none of this: `AnomalyState` is its `TapeMonitor` (Reverse/TapeMonitor.swift),
// installed in the monitor slot for the scope of `withAnomalyDetection`, and the
// forward re-run is the tape's own interpreter (`Tape.evaluate`), the one replay uses.

extension AnomalyState: TapeMonitor {
    /// Notes an input value for the forward check.
    func tape<T: DifferentiableScalar>(_ tape: Tape<T>, recordedInput value: T) {
        let key = UnsafeMutableRawPointer(tape.header)
        let epoch = tape.header.pointee.epoch
        if let log = inputLogs[key] as? AnomalyInputLog<T>, log.epoch == epoch {
            log.values.append(value)
        } else {
            let log = AnomalyInputLog<T>(epoch: epoch)
            log.values.append(value)
            inputLogs[key] = log
        }
    }

    func tape<T: DifferentiableScalar>(_ tape: Tape<T>, sweep adj: UnsafeMutablePointer<T>, from top: UInt32) {
        tape.anomalyCheckedSweep(adj, from: top, self)
    }
}

extension Tape {
    /// The sweep of anomaly mode: the forward check, then the same accumulation as
    /// `plainSweep(_:from:)` with every contribution checked.
    func anomalyCheckedSweep(_ adj: UnsafeMutablePointer<T>, from top: UInt32, _ state: AnomalyState) {
        let values = forwardValues(upTo: Int(top), state)
        if let values { checkForward(values, state) }
        let entries = header.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        var i = Int(top)
        while i > 0 {
            let a = adj[i]
            if !isExactlyZero(a) {
                let e = entries[i]
                var l = e.lhsPartial * a, r = e.rhsPartial * a
                // The plain sweep's convention: a zero partial passes nothing (0 · ∞ = 0).
                if !a.doubleValue.isFinite {
                    if isExactlyZero(e.lhsPartial) { l = 0 }
                    if isExactlyZero(e.rhsPartial) { r = 0 }
                }
                adj[Int(e.lhsSlot)] += l
                let lhsBad = !adj[Int(e.lhsSlot)].doubleValue.isFinite
                var rhsBad = false
                if Int(e.rhsSlot) != i {
                    adj[Int(e.rhsSlot)] += r
                    rhsBad = !adj[Int(e.rhsSlot)].doubleValue.isFinite
                }
                if ReverseOpcode.isMultiplyAdd(header.pointee.opcodes.unsafelyUnwrapped[i]) {
                    // The third operand of x · y + z: the entry before, with partial 1.
                    adj[i - 1] += a
                    rhsBad = rhsBad || !adj[i - 1].doubleValue.isFinite
                }
                if state.first == nil && a.doubleValue.isFinite && (lhsBad || rhsBad) {
                    state.record(Anomaly(
                        phase: .backward, operation: opcodeName(i), operands: operandValues(i, values),
                        result: (lhsBad ? l : r).doubleValue, slot: i, adjoint: a.doubleValue,
                        partials: Int(e.rhsSlot) == i ? [e.lhsPartial.doubleValue]
                                                       : [e.lhsPartial.doubleValue, e.rhsPartial.doubleValue]))
                }
            }
            i &-= 1
        }
    }

    /// Reports the first entry up to the end of `values` whose value is not finite.
    func checkForward(_ values: [T], _ state: AnomalyState) {
        guard state.first == nil else { return }
        for i in 1..<values.count where !values[i].doubleValue.isFinite {
            state.record(Anomaly(phase: .forward, operation: opcodeName(i), operands: operandValues(i, values),
                                 result: values[i].doubleValue, slot: i, adjoint: nil, partials: []))
            return
        }
    }

    /// Every entry's value up to `top`, recomputed from the noted inputs by the tape's
    /// interpreter (or taken from the latest replay); shorter when a custom rule stops
    /// the recomputation, nil when the inputs were not noted.
    func forwardValues(upTo top: Int, _ state: AnomalyState) -> [T]? {
        let h = header
        if hasReplayedValues {
            return Array(UnsafeBufferPointer(start: valueStorage.unsafelyUnwrapped, count: top + 1))
        }
        guard let log = state.inputLogs[UnsafeMutableRawPointer(h)] as? AnomalyInputLog<T>,
              log.epoch == h.pointee.epoch, log.values.count == h.pointee.inputCount else { return nil }
        return log.values.withUnsafeBufferPointer { inputs in
            [T](unsafeUninitializedCapacity: top + 1) { buffer, initialized in
                let end = evaluate(inputs: inputs.baseAddress, into: buffer.baseAddress.unsafelyUnwrapped,
                                   upTo: top + 1, updatingPartials: false, checkingGuards: false)
                if case .customRule(let i) = end { initialized = i } else { initialized = top + 1 }
            }
        }
    }

    func opcodeName(_ i: Int) -> String {
        // The interior of a `dot` run is a multiplyAdd to the user.
        ReverseOpcode(rawValue: header.pointee.opcodes.unsafelyUnwrapped[i]).map { $0.isMultiplyAdd ? "multiplyAdd" : "\($0)" } ?? "?"
    }

    /// The values of entry i's operands, when known.
    func operandValues(_ i: Int, _ values: [T]?) -> [Double] {
        guard let values else { return [] }
        let e = header.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)[i]
        let op = ReverseOpcode(rawValue: header.pointee.opcodes.unsafelyUnwrapped[i])
        if op == .input || op == .constant || op == .null { return [] }
        var slots = [Int(e.lhsSlot)]
        if op?.isBinary == true { slots.append(Int(e.rhsSlot)) }
        if op?.isMultiplyAdd == true { slots.append(i - 1) }
        return slots.compactMap { $0 < values.count ? values[$0].doubleValue : nil }
    }
}

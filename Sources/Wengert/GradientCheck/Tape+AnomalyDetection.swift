// The tape side of anomaly detection: noting inputs, re-running a recording forward to
// find the first non-finite value, and a sweep that watches its adjoints. Called from
// `Tape.variable(_:)` and `Tape.sweep(_:from:)` only when the per-thread anomaly slot
// is set, so the ordinary paths stay as they are.

extension Tape {
    /// Notes an input value for the forward check (anomaly mode only).
    @usableFromInline @inline(never)
    func noteAnomalyInput(_ value: T) {
        guard let state = AnomalyState.current else { return }
        let key = UnsafeMutableRawPointer(header)
        let epoch = header.pointee.epoch
        if let log = state.inputLogs[key] as? AnomalyInputLog<T>, log.epoch == epoch {
            log.values.append(value)
        } else {
            let log = AnomalyInputLog<T>(epoch: epoch)
            log.values.append(value)
            state.inputLogs[key] = log
        }
    }

    /// The sweep of anomaly mode: the forward check, then the same accumulation as
    /// `sweep(_:from:)` with every contribution checked.
    @usableFromInline @inline(never)
    func anomalyCheckedSweep(_ adj: UnsafeMutablePointer<T>, from top: UInt32) {
        guard let state = AnomalyState.current else { return }
        let values = forwardValues(upTo: Int(top))
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

    /// Every entry's value up to `top`, recomputed from the noted inputs (or taken from
    /// the latest replay); shorter when a custom rule stops the recomputation, nil when
    /// the inputs were not noted.
    func forwardValues(upTo top: Int) -> [T]? {
        let h = header
        if hasReplayedValues {
            return Array(UnsafeBufferPointer(start: valueStorage.unsafelyUnwrapped, count: top + 1))
        }
        guard let log = AnomalyState.current?.inputLogs[UnsafeMutableRawPointer(h)] as? AnomalyInputLog<T>,
              log.epoch == h.pointee.epoch, log.values.count == h.pointee.inputCount else { return nil }
        let entries = h.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        let opcodes = h.pointee.opcodes.unsafelyUnwrapped
        var values: [T] = [0]
        var nextInput = 0, nextConstant = 0
        for i in stride(from: 1, through: top, by: 1) {
            let op = ReverseOpcode(rawValue: opcodes[i]).unsafelyUnwrapped
            let e = entries[i]
            switch op {
            case .input:
                values.append(log.values[nextInput])
                nextInput += 1
            case .constant:
                values.append(h.pointee.constants.load(nextConstant, as: T.self))
                nextConstant += 1
            case .custom, .null:
                return values
            default:
                if op.isBinary {
                    values.append(ReverseRule<T>.binary(op, values[Int(e.lhsSlot)], values[Int(e.rhsSlot)]).value)
                } else {
                    let c = e.constant(op, stream: h.pointee.constants, next: &nextConstant)
                    values.append(ReverseRule<T>.unary(op, values[Int(e.lhsSlot)], c).value)
                }
            }
        }
        return values
    }

    func opcodeName(_ i: Int) -> String {
        ReverseOpcode(rawValue: header.pointee.opcodes.unsafelyUnwrapped[i]).map { "\($0)" } ?? "?"
    }

    /// The values of entry i's operands, when known.
    func operandValues(_ i: Int, _ values: [T]?) -> [Double] {
        guard let values else { return [] }
        let e = header.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)[i]
        let op = ReverseOpcode(rawValue: header.pointee.opcodes.unsafelyUnwrapped[i])
        if op == .input || op == .constant || op == .null { return [] }
        var slots = [Int(e.lhsSlot)]
        if op?.isBinary == true { slots.append(Int(e.rhsSlot)) }
        return slots.compactMap { $0 < values.count ? values[$0].doubleValue : nil }
    }
}

// Anomaly detection for tape recordings (PyTorch's `detect_anomaly`, JAX's
// `debug_nans`): inside `withAnomalyDetection { }` every backward sweep first re-runs
// the recording forward from its inputs and reports the first operation whose value is
// NaN or infinite, then sweeps while watching for the first adjoint that turns
// non-finite. Zero cost when off: recording is untouched; `Tape.variable(_:)` and the
// sweep each read one per-thread slot (WENGERT_SLOT_ANOMALY) per call, not per entry.

import CWengert

/// The first NaN or infinity that a computation produced inside `withAnomalyDetection`,
/// with the operation that produced it and the values it was applied to.
///
/// ```swift
/// do {
///     _ = try withAnomalyDetection { gradient(of: { x in sqrt(x[0] - x[0]) * x[1] }, at: [1.0, 3.0]) }
/// } catch let anomaly as Anomaly {
///     print(anomaly)   // Wengert anomaly, backward: sqrt(0.0) at slot 4: adjoint 3.0 × partials [inf] gives inf
/// }
/// ```
public struct Anomaly: Error, Sendable, CustomStringConvertible {
    /// Where the non-finite number appeared.
    public enum Phase: String, Sendable {
        /// A value of the recording (found by re-running it forward from its inputs).
        case forward
        /// An adjoint of the backward sweep.
        case backward
    }

    /// Forward (a value) or backward (an adjoint).
    public var phase: Phase
    /// The operation's name as the tape records it: `"log"`, `"divide"`, `"constantOver"`,
    /// `"input"`, `"custom"`.
    public var operation: String
    /// The values of the operation's operands (and its constant, if it has one).
    public var operands: [Double]
    /// Forward: the non-finite value. Backward: the non-finite contribution to an operand's adjoint.
    public var result: Double
    /// The tape slot of the offending entry.
    public var slot: Int
    /// Backward only: the (finite) adjoint that reached the entry.
    public var adjoint: Double?
    /// Backward only: the entry's partial derivatives.
    public var partials: [Double]

    /// One line naming the phase, the operation, its operands and what went wrong.
    public var description: String {
        // NaN's sign is noise; print it one way.
        func text(_ x: Double) -> String { x.isNaN ? "nan" : "\(x)" }
        let args = operands.map(text).joined(separator: ", ")
        switch phase {
        case .forward:
            return "Wengert anomaly, forward: \(operation)(\(args)) = \(text(result)) at slot \(slot)"
        case .backward:
            return "Wengert anomaly, backward: \(operation)(\(args)) at slot \(slot): adjoint \(text(adjoint ?? .nan)) "
                + "× partials [\(partials.map(text).joined(separator: ", "))] gives \(text(result))"
        }
    }
}

/// Runs `body` with anomaly detection on for the calling thread's tapes, and throws the
/// first `Anomaly` found by any backward sweep in it (forward values and adjoints).
/// Errors thrown by `body` propagate unchanged. Scopes nest; detection ends with the
/// outermost.
///
/// ```swift
/// let g = try withAnomalyDetection { gradient(of: f, at: x) }   // throws Anomaly on NaN/∞
/// ```
///
/// Tensor backward passes are watched too: the first backward rule that turns a finite
/// cotangent into a non-finite one is reported by its name (`"SqrtBackward"`) with the
/// first values of the tensors it saved (its inputs); tensor forward values are not checked.
///
/// Values read out of `Var`s and used as plain numbers, and work on other threads, are
/// not watched. Forward values are checked for recordings whose inputs were created
/// inside the scope (otherwise only adjoints); a custom rule ends the forward check,
/// because the tape cannot re-run it.
///
/// - Complexity: each sweep inside the scope adds one forward evaluation of the
///   recording (an array of its values) and a finiteness check per entry; each tensor
///   backward rule, a scan of its results. Outside the scope a sweep and a
///   `Tape.variable(_:)` call each read one per-thread slot, nothing per entry.
public func withAnomalyDetection<R>(_ body: () throws -> R) throws -> R {
    let state = AnomalyState.enter()
    defer { AnomalyState.leave(state) }
    let result = try body()
    if let anomaly = state.first {
        state.first = nil
        throw anomaly
    }
    return result
}

/// Whether anomaly detection is on for the calling thread: one load.
@inlinable @inline(__always)
var anomalyDetectionIsOn: Bool { wengert_thread_slot(WENGERT_SLOT_ANOMALY) != nil }

/// The per-thread state of anomaly mode: nesting depth, the first anomaly, and the
/// input values of recordings made in the scope (keyed by tape header).
final class AnomalyState {
    var depth = 0
    var first: Anomaly?
    var inputLogs: [UnsafeMutableRawPointer: AnyObject] = [:]

    static var current: AnomalyState? {
        wengert_thread_slot(WENGERT_SLOT_ANOMALY).map { Unmanaged<AnomalyState>.fromOpaque($0).takeUnretainedValue() }
    }

    static func enter() -> AnomalyState {
        if let state = current {
            state.depth += 1
            return state
        }
        let state = AnomalyState()
        state.depth = 1
        wengert_set_thread_slot(WENGERT_SLOT_ANOMALY, Unmanaged.passRetained(state).toOpaque())
        // Kept alive by the retain above until `leave` removes both.
        _ = installTensorSweepObserver(state)
        return state
    }

    static func leave(_ state: AnomalyState) {
        state.depth -= 1
        if state.depth == 0 {
            _ = installTensorSweepObserver(nil)
            wengert_set_thread_slot(WENGERT_SLOT_ANOMALY, nil)
            Unmanaged.passUnretained(state).release()
        }
    }

    func record(_ anomaly: Anomaly) {
        if first == nil { first = anomaly }
    }
}

/// The input values of one recording, noted as `Tape.variable(_:)` creates them.
final class AnomalyInputLog<T> {
    let epoch: UInt32
    var values: [T] = []
    init(epoch: UInt32) { self.epoch = epoch }
}

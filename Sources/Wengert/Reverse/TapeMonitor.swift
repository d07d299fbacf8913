// The one hook the scalar tape offers to code above it. The core (Reverse/) knows
// only this protocol; anomaly detection (GradientCheck/Tape+AnomalyDetection.swift)
// implements it and installs itself in the calling thread's monitor slot. With no
// monitor installed, `Tape.variable(_:)` and the sweep each pay one per-thread load
// per call, nothing per entry.

import CWengert

/// Something that watches the calling thread's tapes: told of every input recorded,
/// and given every sweep to perform in the tape's place (so that it can check what it
/// wants while the adjoints accumulate).
@usableFromInline
protocol TapeMonitor: AnyObject {
    /// `tape` recorded an input variable with this value.
    func tape<T: DifferentiableScalar>(_ tape: Tape<T>, recordedInput value: T)
    /// Performs `tape.plainSweep(adj, from: top)`'s accumulation, watching it.
    func tape<T: DifferentiableScalar>(_ tape: Tape<T>, sweep adj: UnsafeMutablePointer<T>, from top: UInt32)
}

/// The per-thread slot (CWengert.h) that holds the calling thread's monitor, retained,
/// or null: the anomaly slot, whose object (`AnomalyState`) is the only monitor.
@inlinable @inline(__always) var tapeMonitorSlot: Int32 { WENGERT_SLOT_ANOMALY }

/// Whether a monitor is installed for the calling thread: one load.
@inlinable @inline(__always)
var tapeMonitorIsInstalled: Bool { wengert_thread_slot(tapeMonitorSlot) != nil }

/// The calling thread's monitor, if the object in its slot is one.
@usableFromInline
func installedTapeMonitor() -> (any TapeMonitor)? {
    guard let raw = wengert_thread_slot(tapeMonitorSlot) else { return nil }
    return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? any TapeMonitor
}

// The per-thread state of the tensor layer, in CWengert's thread slots: slot 1 holds
// this object (the current recordings), slot 2 the depth of withoutGradient scopes.
// Read through CWengert's static inline accessor, one load (docs/measurements.md).

import CWengert

/// The per-thread holder of the live recordings (one per scalar type), in CWengert slot 1.
///
/// It holds them strongly and recognises a recording that no tensor refers to any more
/// by its reference count (`isKnownUniquelyReferenced`): such a recording is cleared
/// at the next recorded operation and its buffers reused, like Stan's arena. A weak
/// reference would say the same, but it moves the recording's reference count to a side
/// table and made every retain and release on the hot path take the slow path.
public final class TensorThreadState {
    /// The thread's `Float` recording.
    @exclusivity(unchecked) @usableFromInline var float: TensorRecording<Float>?
    /// The thread's `Double` recording.
    @exclusivity(unchecked) @usableFromInline var double: TensorRecording<Double>?
    @inlinable init() {}

    /// The calling thread's state.
    @inlinable static var current: TensorThreadState {
        if let raw = wengert_thread_slot(1) {
            return Unmanaged<TensorThreadState>.fromOpaque(raw).takeUnretainedValue()
        }
        return makeCurrent()
    }

    @inline(never) @usableFromInline
    static func makeCurrent() -> TensorThreadState {
        let state = TensorThreadState()
        let retained = Unmanaged.passRetained(state).toOpaque()
        wengert_set_thread_slot(1, retained)
        // Balanced when the thread exits, so short-lived threads do not leak recordings.
        wengert_tensor_register_thread_state(retained) { pointer in
            if let pointer { Unmanaged<TensorThreadState>.fromOpaque(pointer).release() }
        }
        return state
    }
}

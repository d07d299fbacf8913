// The per-thread state of the tensor layer: a cache of one current recording per
// scalar type, in CWengert's slot WENGERT_SLOT_TENSOR_STATE, read through its static
// inline accessor (one load). It is a cache, not an owner: recordings belong to their
// computations (ARCHITECTURE.md, "Tensor recordings").

import CWengert

/// The per-thread holder of the current recordings (one per scalar type).
///
/// It holds them strongly and recognises a recording that no tensor refers to any more
/// by its reference count (`isKnownUniquelyReferenced`): such a recording is cleared at
/// the next recorded operation and its buffers reused, like Stan's arena. A weak
/// reference would say the same, but it moves the recording's reference count to a side
/// table and made every retain and release on the hot path take the slow path.
/// Never shared between threads (not Sendable).
@usableFromInline
final class TensorThreadState {
    /// The thread's current `Float` recording.
    @exclusivity(unchecked) @usableFromInline var float: TensorRecording<Float>?
    /// The thread's current `Double` recording.
    @exclusivity(unchecked) @usableFromInline var double: TensorRecording<Double>?
    /// The backward sweep's scratch memory, kept between passes (TensorSweepMemory), and
    /// its size in bytes; nil while a sweep holds it.
    @exclusivity(unchecked) @usableFromInline var sweepBlock: UnsafeMutableRawPointer?
    @exclusivity(unchecked) @usableFromInline var sweepBlockBytes = 0
    /// The sweep's list of pending slice cotangents, empty, kept for its capacity.
    @exclusivity(unchecked) @usableFromInline var sweepSlices: [TensorKernels.SliceCotangent] = []
    @inlinable init() {}

    deinit { sweepBlock?.deallocate() }

    /// The calling thread's state.
    @inlinable static var current: TensorThreadState { currentUnmanaged.takeUnretainedValue() }

    /// The calling thread's state, unretained: its slot owns it until the thread exits,
    /// so a caller on this thread may borrow it (`_withUnsafeGuaranteedRef`) without
    /// the retain and release that `current` costs.
    @inlinable static var currentUnmanaged: Unmanaged<TensorThreadState> {
        if let raw = wengert_thread_slot(WENGERT_SLOT_TENSOR_STATE) { return Unmanaged.fromOpaque(raw) }
        return Unmanaged.passUnretained(makeCurrent())
    }

    @inline(never) @usableFromInline
    static func makeCurrent() -> TensorThreadState {
        let state = TensorThreadState()
        wengert_set_thread_slot(WENGERT_SLOT_TENSOR_STATE, Unmanaged.passRetained(state).toOpaque())
        // Balanced when the thread exits, so short-lived threads do not leak recordings.
        wengert_thread_slot_release_at_exit(WENGERT_SLOT_TENSOR_STATE) { pointer in
            if let pointer { Unmanaged<TensorThreadState>.fromOpaque(pointer).release() }
        }
        return state
    }

    /// The recording in `slot`, locked: reset when only the slot refers to it, replaced
    /// when a backward pass freed part of it or it was joined into another.
    @inlinable
    static func lockedCurrent<S>(_ slot: inout TensorRecording<S>?) -> TensorRecording<S> {
        if isKnownUniquelyReferenced(&slot), let recording = slot {
            // No tensor refers to it: whatever it holds is unreachable, so start over in
            // the same buffers (locked, to see the writes of threads that used it).
            recording.lock()
            if recording.storage.entries.count != 0 || recording.isStub { recording.reset() }
            return recording
        }
        if let recording = slot {
            recording.lock()
            if recording.freedCount == 0 && !recording.isStub { return recording }
            recording.unlock()
        }
        let fresh = TensorRecording<S>()
        slot = fresh
        fresh.lock()
        return fresh
    }
}

/// The process-lifetime object `global` gives (the shared host arena, the constant
/// owner), read from the calling thread's slot `slot`: one load, where the global's
/// accessor and `swift_once` cost more on every tensor an operation makes. The first
/// read on a thread caches it there, unretained (the global keeps it alive).
@inlinable @inline(__always)
func threadCachedGlobal<Object: AnyObject>(_ slot: Int32, _ global: () -> Object) -> Unmanaged<Object> {
    if let raw = wengert_thread_slot(slot) { return Unmanaged.fromOpaque(raw) }
    return cacheInThreadSlot(slot, global())
}

/// Puts `object` in the calling thread's slot `slot`, unretained, and returns it.
@usableFromInline @inline(never)
func cacheInThreadSlot<Object: AnyObject>(_ slot: Int32, _ object: Object) -> Unmanaged<Object> {
    let cached = Unmanaged.passUnretained(object)
    wengert_set_thread_slot(slot, cached.toOpaque())
    return cached
}

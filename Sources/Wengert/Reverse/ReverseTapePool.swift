// Per-thread tapes for the convenience functions. A tape is taken out of the calling
// thread's pool for one call and put back afterwards, so a nested call (a gradient
// inside a function being differentiated) takes a different tape, and a steady-state
// call reuses the memory of the previous one. The pool lives in CWengert's per-thread
// slot WENGERT_SLOT_TAPE_POOL (one load; docs/measurements.md) and is released when its thread exits.

import CWengert

/// The calling thread's idle tapes, of any scalar type.
@usableFromInline
final class ReverseTapePool {
    /// Idle tapes; few, so a linear scan for the right scalar type is cheapest.
    var idle: [AnyObject] = []
    /// Idle tapes kept at most; more are freed when given back.
    static let maximumIdle = 8

    /// A tape for `T` from the calling thread's pool, or a new one.
    @usableFromInline
    static func take<T: DifferentiableScalar>(_ type: T.Type) -> Tape<T> {
        let pool = current()
        var i = pool.idle.count - 1
        while i >= 0 {
            if let tape = pool.idle[i] as? Tape<T> {
                pool.idle.swapAt(i, pool.idle.count - 1)
                pool.idle.removeLast()
                return tape
            }
            i -= 1
        }
        return Tape<T>()
    }

    /// Resets `tape` and keeps it for the next call on this thread.
    @usableFromInline
    static func giveBack<T>(_ tape: Tape<T>) {
        tape.reset()
        let pool = current()
        if pool.idle.count < maximumIdle { pool.idle.append(tape) }
    }

    private static func current() -> ReverseTapePool {
        if let raw = wengert_thread_slot(WENGERT_SLOT_TAPE_POOL) {
            return Unmanaged<ReverseTapePool>.fromOpaque(raw).takeUnretainedValue()
        }
        let pool = ReverseTapePool()
        wengert_set_thread_slot(WENGERT_SLOT_TAPE_POOL, Unmanaged.passRetained(pool).toOpaque())
        wengert_thread_slot_release_at_exit(WENGERT_SLOT_TAPE_POOL) { raw in
            if let raw { Unmanaged<ReverseTapePool>.fromOpaque(raw).release() }
        }
        return pool
    }
}

// Per-thread tapes for the convenience functions. A tape is taken out of the calling
// thread's pool for one call and put back afterwards, so a nested call (a gradient
// inside a function being differentiated) takes a different tape, and a steady-state
// call reuses the memory of the previous one. The pool lives in CWengert's per-thread
// slot WENGERT_SLOT_TAPE_POOL (one load; docs/measurements.md) and is released when its thread exits.
//
// Taking and giving back are inlined into the caller and specialised for its scalar
// type: a tape is told apart by its class pointer (Tape is final), the idle tapes sit in
// raw memory, and the pool is borrowed from its slot without retaining it. The generic
// form that this replaced (an `[AnyObject]` scanned with `as? Tape<T>`, the pool
// retained, `reset()` unspecialised) cost about 2,250 instructions per gradient call,
// a fifth of a whole gradient of the elementary-heavy benchmark at n = 8 (callgrind).

import CWengert

/// The calling thread's idle tapes, of any scalar type.
@usableFromInline
final class ReverseTapePool {
    /// Idle tapes kept at most; more are freed when given back.
    @inlinable static var maximumIdle: Int { 8 }
    /// The idle tapes, `idle[0..<count]`, each retained once by the pool. Raw memory
    /// rather than an array: no uniqueness or exclusivity check per take and give-back.
    @usableFromInline let idle: UnsafeMutablePointer<Unmanaged<AnyObject>>
    /// Only its own thread touches a pool, so no access can overlap another.
    @exclusivity(unchecked) @usableFromInline var count = 0

    init() { idle = .allocate(capacity: ReverseTapePool.maximumIdle) }

    deinit {
        for k in 0..<count { idle[k].release() }
        idle.deallocate()
    }

    /// A tape for `T` from the calling thread's pool, or a new one.
    @inlinable
    static func take<T: DifferentiableScalar>(_ type: T.Type) -> Tape<T> {
        withCurrent { $0.take(type) }
    }

    /// Resets `tape` and keeps it for the next call on this thread.
    @inlinable
    static func giveBack<T>(_ tape: Tape<T>) {
        tape.reset()
        withCurrent { $0.keep(tape) }
    }

    /// The most recently kept idle tape for `T` (the one the previous call used), or a
    /// new tape.
    @inlinable
    func take<T: DifferentiableScalar>(_: T.Type) -> Tape<T> {
        let wanted = ObjectIdentifier(Tape<T>.self)
        var i = count &- 1
        while i >= 0 {
            if ObjectIdentifier(type(of: idle[i].takeUnretainedValue())) == wanted {
                // The pool's retain passes to the caller.
                let tape = unsafeDowncast(idle[i].takeRetainedValue(), to: Tape<T>.self)
                count &-= 1
                idle[i] = idle[count]
                return tape
            }
            i &-= 1
        }
        return Tape<T>()
    }

    @inlinable
    func keep<T>(_ tape: Tape<T>) {
        guard count < ReverseTapePool.maximumIdle else { return }
        idle[count] = Unmanaged.passRetained(tape)
        count &+= 1
    }

    /// Runs `body` with the calling thread's pool, borrowed from its slot (created on
    /// first use).
    @inlinable @inline(__always)
    static func withCurrent<R>(_ body: (ReverseTapePool) -> R) -> R {
        let raw = wengert_thread_slot(WENGERT_SLOT_TAPE_POOL) ?? makeCurrent()
        return Unmanaged<ReverseTapePool>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }

    /// Creates the calling thread's pool, released when the thread exits.
    @usableFromInline @inline(never)
    static func makeCurrent() -> UnsafeMutableRawPointer {
        let raw = Unmanaged.passRetained(ReverseTapePool()).toOpaque()
        wengert_set_thread_slot(WENGERT_SLOT_TAPE_POOL, raw)
        wengert_thread_slot_release_at_exit(WENGERT_SLOT_TAPE_POOL) { raw in
            if let raw { Unmanaged<ReverseTapePool>.fromOpaque(raw).release() }
        }
        return raw
    }
}

// The identity of a leaf tensor and the gradient that backward passes accumulate into
// it. Copies of a leaf share one box, and so may tasks on other threads: two
// computations that use the same parameters at once both accumulate into it.

import Synchronization

/// The identity and accumulated gradient of a leaf tensor (or of an interior tensor
/// that retains its gradient), shared by its copies.
///
/// Sendable by its lock, not by assertion: `storedGradient` and `zeroed` are read and
/// written only inside `mutex.withLock` (the standard library's mutex: an atomic
/// compare-and-exchange when free, inlined, and a futex wait when another thread holds
/// it, as when that thread's backward pass adds a large gradient), and `cachedEntry` is
/// atomic.
@usableFromInline
final class TensorLeaf<Scalar: TensorScalar>: TensorTrackingOwner, @unchecked Sendable {
    @exclusivity(unchecked) @usableFromInline var storedGradient: Tensor<Scalar>?
    /// Set by ``zero(shape:device:)`` while `storedGradient` is nil: the gradient is zeros of
    /// this shape and device, made only if it is read before a backward pass replaces it
    /// (a training loop's zeroing then costs no pass over memory, and its next backward
    /// no addition of zeros).
    @exclusivity(unchecked) @usableFromInline var zeroed: (shape: TensorDimensions, device: Device)?
    /// The leaf's entry in the recording it was last used in: a hint, checked against
    /// the recording before it is used (a leaf used by two recordings at once only
    /// makes the hint miss).
    @usableFromInline let cachedEntry = Atomic<Int>(-1)

    /// Guards `storedGradient` and `zeroed`. It was one of CWengert's striped pthread
    /// mutexes: two calls into C and about 80 instructions per lock and unlock, and a
    /// seed's optimiser step takes it twice per parameter (`grad`, `zeroGradient()`).
    @usableFromInline let mutex = Mutex<Void>(())

    @inlinable override init() {}

    /// The accumulated gradient; nil before the first backward pass reaches the leaf.
    @inlinable var gradient: Tensor<Scalar>? {
        get {
            mutex.withLock { _ in gradientLocked() }
        }
        set {
            mutex.withLock { _ in
                storedGradient = newValue
                zeroed = nil
            }
        }
    }

    /// `gradient`'s read, under the lock.
    @inlinable func gradientLocked() -> Tensor<Scalar>? {
        // Taken out (a move), put back (a move), and the caller's copy made field by
        // field. Any copy of the optional itself (`switch` or `if let` on the stored
        // property, `?.`, `== nil`, or the returned `g`, whose copy the optimiser sinks
        // to the return) went through the runtime's generic value witness: about 190
        // instructions per read, and a seed's optimiser step reads one per parameter.
        // The slot holds nil after `take()`, which owns nothing, so it is initialised,
        // not assigned: an assignment would destroy that nil through the same witnesses.
        switch storedGradient.take() {
        case .some(let g):
            let copy = Tensor(copyingFieldsOf: g)
            withUnsafeMutablePointer(to: &storedGradient) { $0.initialize(to: g) }
            return copy
        case .none: break
        }
        guard let zeroed else { return nil }
        let g = Tensor<Scalar>(zeros: zeroed.shape.array, on: zeroed.device)
        storedGradient = g
        self.zeroed = nil
        return g
    }

    /// Sets the gradient to zeros of `shape` on `device`, made when first read.
    @inlinable func zero(shape: TensorDimensions, device: Device) {
        mutex.withLock { _ in
            // The old gradient taken out and dropped as a tensor (two releases):
            // `storedGradient = nil` destroyed the optional through the runtime's value
            // witnesses, about 100 instructions per training step.
            switch storedGradient.take() {
            case .some(let old): _ = consume old
            case .none: break
            }
            zeroed = (shape, device)
        }
    }

    /// Adds `g` to the gradient; with `recording` (a backward that creates a graph) the
    /// sum is recorded, so the gradient stays a differentiable function of the inputs.
    @inlinable func accumulate(_ g: Tensor<Scalar>, recording: Bool = false) {
        mutex.withLock { _ in
            guard let old = storedGradient else {
                // Zeros plus g is g (but for the sign of a zero).
                storedGradient = g
                zeroed = nil
                return
            }
            storedGradient = recording ? old + g : withoutGradient { old + g }
        }
    }
}

extension Tensor {
    /// A copy of `t`, made field by field: a retain of its buffer and of its tracking
    /// owner, where a copy of an optional tensor goes through the runtime's value
    /// witnesses (``TensorLeaf/gradientLocked()``).
    @inlinable init(copyingFieldsOf t: Tensor) {
        storage = t.storage
        dimensions = t.dimensions
        placement = t.placement
        trackingOwner = t.trackingOwner
        trackingIndex = t.trackingIndex
    }
}

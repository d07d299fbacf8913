// The identity of a leaf tensor and the gradient that backward passes accumulate into
// it. Copies of a leaf share one box, and so may tasks on other threads: two
// computations that use the same parameters at once both accumulate into it.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The identity and accumulated gradient of a leaf tensor (or of an interior tensor
/// that retains its gradient), shared by its copies.
///
/// Sendable by its lock, not by assertion: `storedGradient` and `zeroed` are read and
/// written only between ``lock()`` and ``unlock()`` (a spin lock on one atomic byte of the
/// box, so no lock is allocated per leaf), and `cachedEntry` is atomic.
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

    /// Whether a thread holds the box's lock.
    @usableFromInline let held = Atomic<Bool>(false)

    @inlinable override init() {}

    /// One atomic exchange when free. It was one of CWengert's striped pthread mutexes:
    /// two calls into C and about 80 instructions per lock and unlock, and a seed's
    /// optimiser step takes it twice per parameter (`grad`, `zeroGradient()`).
    @inlinable func lock() { if held.exchange(true, ordering: .acquiring) { lockContended() } }
    @inlinable func unlock() { held.store(false, ordering: .releasing) }

    /// Waits for the holder: spins briefly, then yields the processor, since the holder
    /// may be adding a large gradient (a backward pass accumulating from another task)
    /// and, on a machine of few cores, may be waiting for this one's.
    @usableFromInline func lockContended() {
        var spins = 0
        while held.load(ordering: .relaxed) || held.exchange(true, ordering: .acquiring) {
            spins += 1
            if spins > 64 { sched_yield() }
        }
    }

    /// The accumulated gradient; nil before the first backward pass reaches the leaf.
    @inlinable var gradient: Tensor<Scalar>? {
        get {
            lock()
            defer { unlock() }
            // `switch` binds the stored tensor in place; `== nil` and the return of the
            // optional copied and destroyed it through its value witnesses (about 460
            // instructions per read, a seed's optimiser step reads one per parameter).
            switch storedGradient {
            case .some(let g): return g
            case .none:
                guard let zeroed else { return nil }
                let g = Tensor<Scalar>(zeros: zeroed.shape.array, on: zeroed.device)
                storedGradient = g
                self.zeroed = nil
                return g
            }
        }
        set {
            lock()
            defer { unlock() }
            storedGradient = newValue
            zeroed = nil
        }
    }

    /// Sets the gradient to zeros of `shape` on `device`, made when first read.
    @inlinable func zero(shape: TensorDimensions, device: Device) {
        lock()
        defer { unlock() }
        storedGradient = nil
        zeroed = (shape, device)
    }

    /// Adds `g` to the gradient; with `recording` (a backward that creates a graph) the
    /// sum is recorded, so the gradient stays a differentiable function of the inputs.
    @inlinable func accumulate(_ g: Tensor<Scalar>, recording: Bool = false) {
        lock()
        defer { unlock() }
        guard let old = storedGradient else {
            // Zeros plus g is g (but for the sign of a zero).
            storedGradient = g
            zeroed = nil
            return
        }
        storedGradient = recording ? old + g : withoutGradient { old + g }
    }
}

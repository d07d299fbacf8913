// Reverse mode on every core: the rows of a Jacobian, and gradients at many points,
// handed out in small chunks to whichever thread is free (Dispatch's
// global pool, whose worker threads persist, so each keeps its per-thread tape pool
// across calls). Chunks rather than one contiguous block per thread because the
// items' costs differ: row r of a Jacobian sweeps the recording from its output's
// slot down, so later rows cost more, and with two blocks the second took three
// quarters of jacobian-wide's work (1.34x on two cores). Each result is computed by
// exactly the operations one thread would perform, in the same order, so the results
// are bitwise those of the one-thread functions whichever thread computes them.

import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Reverse {
    /// The gradients ∇f(xₖ) at each point xₖ, computed on several threads at once; the
    /// same numbers as `gradient(of:at:)` at each point.
    ///
    /// ```swift
    /// let gs = Reverse.gradients(of: rosenbrock, atEach: points)   // gs[k] = ∇f(points[k])
    /// ```
    ///
    /// Each thread records and sweeps its block of points on its own tape from its
    /// per-thread pool, so f is called from several threads at the same time: it must
    /// not share mutable state (hence `@Sendable`).
    ///
    /// - Parameters:
    ///   - f: the function; called concurrently, once per point.
    ///   - points: the points, each of the length f takes.
    ///   - threads: threads to use at most, at least 1; nil for one per core (at most
    ///     one per point). The calling thread starts at once and the others join as
    ///     they wake (about 15 to 20 µs), so a batch shorter than that stays on the
    ///     calling thread alone.
    /// - Complexity: the sum of the gradients' costs, divided among the threads.
    @inlinable
    public static func gradients<T: DifferentiableScalar>(
        of f: @Sendable ([Var<T>]) -> Var<T>, atEach points: [[T]], threads: Int? = nil
    ) -> [[T]] {
        var results = [[T]](repeating: [], count: points.count)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            runSplit(points.count, threads: threads) { next in
                while let range = next() {
                    for k in range { out[k] = gradient(of: f, at: points[k]) }
                }
            }
        }
        return results
    }

    /// The Jacobian of f: ℝⁿ → ℝᵐ at x, with its m rows swept on several threads: one
    /// recording on the calling thread, read by every thread, each sweeping its block
    /// of rows into an adjoint buffer of its own. The same numbers as
    /// `jacobian(of:at:)`.
    ///
    /// Inside `withAnomalyDetection` the rows are swept on the calling thread only, so
    /// that the anomaly check sees every sweep.
    ///
    /// - Parameters:
    ///   - f: the function ℝⁿ → ℝᵐ; called once, on the calling thread.
    ///   - x: the point.
    ///   - threads: threads to use at most, at least 1; nil for one per core (at most
    ///     one per row). The calling thread starts at once and the others join as they
    ///     wake, so rows it finishes first are swept on it alone.
    /// - Complexity: one recording of f and m sweeps, each O(entries), the sweeps
    ///   divided among the threads; each thread allocates and zeroes one adjoint buffer.
    @inlinable
    public static func jacobian<T: DifferentiableScalar>(
        of f: ([Var<T>]) -> [Var<T>], at x: [T], threads: Int?
    ) -> [[T]] {
        let tape = ReverseTapePool.take(T.self)
        defer { ReverseTapePool.giveBack(tape) }
        let ys = f(tape.recordInputs(x))
        for y in ys { tape.check(y, "function's result") }
        let count = Int(tape.header.pointee.count), n = x.count
        let watched = tapeMonitorIsInstalled
        var rows = [[T]](repeating: [], count: ys.count)
        rows.withUnsafeMutableBufferPointer { out in
            let out = out
            runSplit(ys.count, threads: watched ? 1 : threads) { next in
                let adj = UnsafeMutablePointer<T>.allocate(capacity: count)
                adj.initialize(repeating: 0, count: count)
                defer { adj.deallocate() }
                while let range = next() {
                  for r in range {
                    // The input sweep leaves the buffer zero behind it, so a row costs its
                    // sweep alone, not also an O(entries) clearing pass (a monitor's sweep,
                    // on the calling thread alone, does not clear).
                    if watched { adj.update(repeating: 0, count: count) }
                    out[r] = [T](unsafeUninitializedCapacity: n) { row, initialized in
                        tape.inputGradient(of: ys[r], adjoints: adj, into: row, skippingZeros: true)
                        initialized = n
                    }
                  }
                }
            }
        }
        return rows
    }
}

/// The number of blocks to split `count` items into: `threads` (or one per core), at
/// most `count`, at least 1. Traps on `threads` < 1.
@usableFromInline
func threadBlocks(_ count: Int, threads: Int?) -> Int {
    if let threads, threads < 1 {
        fatalError("Wengert: threads must be at least 1 (or nil for one per core); got \(threads).")
    }
    let cores = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    return Swift.max(1, Swift.min(threads ?? cores, count))
}

/// Runs `work` on up to `threadBlocks(count, threads:)` threads (on the calling thread
/// alone when that is one); each call of `work` asks `next` for ranges of `0..<count`
/// until it returns nil, and every item is handed out exactly once. Each item is
/// computed by the same code whichever thread takes it, so the results do not depend
/// on the split.
///
/// The calling thread starts on the items at once; the other threads are *offered* the
/// work (queued on Dispatch's global pool) and take ranges only once awake. Waking one
/// costs about 15 to 20 µs here, so a batch the calling thread finishes first stays on
/// it alone, and a helper that wakes to find the offer withdrawn leaves without
/// touching `work`. A helper that wakes while the calling thread is still at work
/// joins only if the items left look worth it at the rate the calling thread has gone
/// so far (``SplitOffer/joinNanoseconds``): joining a batch of tiny items to take the
/// last one or two made the caller wait for its semaphore and doubled 8 gradients of
/// a 10-variable Rosenbrock. No item of a large batch waits for another (timing the
/// first item alone before splitting capped 8 gradients at 8 / 4.5 = 1.78x on two
/// cores; docs/measurements.md).
///
/// `work` is not `@Sendable`: the callers above make it safe to run concurrently (a
/// `@Sendable` f, a recording only read, each item writing its own result slot), which
/// the type system cannot see through the buffer pointers they capture.
@inlinable
func runSplit(_ count: Int, threads: Int?, _ work: (_ next: () -> Range<Int>?) -> Void) {
    let blocks = threadBlocks(count, threads: threads)
    if blocks <= 1 {
        var rest = count > 0
        work {
            defer { rest = false }
            return rest ? 0..<count : nil
        }
        return
    }
    withoutActuallyEscaping(work) { work in
        withUnsafePointer(to: work) { work in
            let split = SplitOffer(count: count, blocks: blocks, work: UnsafeRawPointer(work))
            for _ in 1..<blocks {
                DispatchQueue.global().async { split.helperArrives() }
            }
            work.pointee(split.next)
            split.withdraw()
        }
    }
}

/// The state `runSplit` shares with the helpers it offers work to (a class: an
/// `Atomic` cannot be captured by the closures that share it).
@usableFromInline
final class SplitOffer: @unchecked Sendable {
    /// The first item not yet handed out.
    @usableFromInline let first: Atomic<Int>
    /// Helpers that have taken up the offer, or -1 once the calling thread withdrew it.
    @usableFromInline let gate = Atomic<Int>(0)
    /// Signalled by each helper that took up the offer, when it is done.
    @usableFromInline let finished = DispatchSemaphore(value: 0)
    @usableFromInline let count: Int
    @usableFromInline let blocks: Int
    /// The caller's `work` closure, valid until `withdraw` returns: held as a pointer so
    /// that a helper still queued when the call returns keeps no reference to it.
    @usableFromInline let work: UnsafeRawPointer
    /// When the offer was made (`DispatchTime`'s uptime nanoseconds).
    @usableFromInline let started: UInt64

    /// The least time the items left must promise, at the calling thread's rate so
    /// far, for a waking helper to join: below it, the semaphore the caller then waits
    /// on (a futex wake) and the helper's cold start cost more than they save.
    @usableFromInline static var joinNanoseconds: UInt64 { 20_000 }

    @inlinable init(count: Int, blocks: Int, work: UnsafeRawPointer) {
        first = Atomic(0)
        self.count = count
        self.blocks = blocks
        self.work = work
        started = DispatchTime.now().uptimeNanoseconds
    }

    /// Whether the items not yet handed out would take the calling thread at least
    /// `joinNanoseconds` more at its rate so far (the items handed out count as done,
    /// so a long item still in progress makes the estimate low, never high: a batch of
    /// slow items is joined at once).
    @inlinable var worthJoining: Bool {
        let handed = first.load(ordering: .relaxed)
        if handed >= count { return false }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let left = UInt64(count - handed)
        let (product, overflow) = elapsed.multipliedReportingOverflow(by: left)
        return overflow || product / UInt64(Swift.max(handed, 1)) >= Self.joinNanoseconds
    }

    /// The next range of items, or nil when all are handed out. Guided sizes: an eighth
    /// of each thread's share of what is left, at least one item, so the first claims
    /// cost one atomic operation per many items and the last ones, a single item each,
    /// even the threads out (a Jacobian's later rows cost more than its earlier ones).
    @inlinable func next() -> Range<Int>? {
        var start = first.load(ordering: .relaxed)
        while start < count {
            let end = start + Swift.max(1, (count - start) / (blocks * 8))
            let (exchanged, original) = first.compareExchange(
                expected: start, desired: end, ordering: .relaxed)
            if exchanged { return start..<end }
            start = original
        }
        return nil
    }

    /// Run by a helper thread: takes up the offer unless it was withdrawn or the items
    /// left are too few to be worth it, works until the items run out, then signals.
    @inlinable func helperArrives() {
        guard worthJoining else { return }
        var taken = gate.load(ordering: .acquiring)
        while taken >= 0 {
            let (exchanged, original) = gate.compareExchange(
                expected: taken, desired: taken + 1, ordering: .acquiring)
            if exchanged {
                typealias Work = (_ next: () -> Range<Int>?) -> Void
                work.assumingMemoryBound(to: Work.self).pointee(next)
                finished.signal()
                return
            }
            taken = original
        }
    }

    /// Run by the calling thread once it finds no items left: closes the offer to
    /// helpers not yet awake and waits for those at work.
    @inlinable func withdraw() {
        let taken = gate.exchange(-1, ordering: .acquiringAndReleasing)
        for _ in 0..<taken { finished.wait() }
    }
}

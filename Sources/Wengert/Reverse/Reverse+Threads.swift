// Reverse mode on every core: the rows of a Jacobian, and gradients at many points,
// handed out in small chunks to whichever thread is free (Dispatch's
// `concurrentPerform`, whose worker threads persist, so each keeps its per-thread tape
// pool across calls). Chunks rather than one contiguous block per thread because the
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
    ///   - threads: threads to use, at least 1; nil for one per core (at most one per
    ///     point), or the calling thread alone when the whole batch would take less
    ///     than about 50 µs (judged from the first point's time), too little to pay for
    ///     waking another thread.
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
    ///   - threads: threads to use, at least 1; nil for one per core (at most one per
    ///     row), or the calling thread alone when all the rows would take less than
    ///     about 50 µs (judged from the first row's time).
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
                        tape.inputGradient(of: ys[r], adjoints: adj, into: row)
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

/// Work below which `threads: nil` stays on the calling thread: waking a second thread
/// through Dispatch cost about 15 to 20 µs here (harness: `batch-threads` at Rosenbrock
/// n = 10 took 25.7 µs where one thread took 19.1), so splitting pays only above about
/// twice that.
@usableFromInline let smallBatchNanoseconds: UInt64 = 50_000

/// Runs `work` on `threadBlocks(count, threads:)` threads at once (on the calling
/// thread alone when that is one); each call of `work` asks `next` for ranges of
/// `0..<count` until it returns nil, and every item is handed out exactly once. With
/// `threads` nil it first runs item 0 alone on the calling thread and times it; if
/// `count` items at that pace would take less than `smallBatchNanoseconds`, the rest
/// stays on the calling thread too. Each item is computed by the same code either way,
/// so the results do not depend on the split.
///
/// `work` is not `@Sendable`: the callers above make it safe to run concurrently (a
/// `@Sendable` f, a recording only read, each item writing its own result slot), which
/// the type system cannot see through the buffer pointers they capture.
@inlinable
func runSplit(_ count: Int, threads: Int?, _ work: (_ next: () -> Range<Int>?) -> Void) {
    var blocks = threadBlocks(count, threads: threads)
    var done = 0
    if threads == nil && blocks > 1 {
        let start = DispatchTime.now().uptimeNanoseconds
        var first = true
        work {
            defer { first = false }
            return first ? 0..<1 : nil
        }
        done = 1
        if (DispatchTime.now().uptimeNanoseconds &- start) &* UInt64(count) < smallBatchNanoseconds { blocks = 1 }
    }
    if blocks <= 1 {
        var rest = done < count
        work {
            defer { rest = false }
            return rest ? done..<count : nil
        }
        return
    }
    // About eight chunks per thread: few enough that claiming one (an atomic add) costs
    // nothing next to an item, small enough that the last chunks even out the threads.
    let chunk = Swift.max(1, (count - done) / (blocks * 8))
    let claimed = ChunkCounter(done)
    withoutActuallyEscaping(work) { work in
        let shared = UncheckedSendable(work)
        DispatchQueue.concurrentPerform(iterations: blocks) { _ in
            shared.value {
                let start = claimed.next.wrappingAdd(chunk, ordering: .relaxed).oldValue
                return start < count ? start..<Swift.min(start + chunk, count) : nil
            }
        }
    }
}

/// The first item not yet handed out by `runSplit`, shared by its threads (a class:
/// an `Atomic` cannot be captured by the closures that share it).
@usableFromInline
final class ChunkCounter: Sendable {
    @usableFromInline let next: Atomic<Int>
    @inlinable init(_ start: Int) { next = Atomic(start) }
}

/// A value handed to other threads under a guarantee the compiler cannot check (see
/// `runSplit`).
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}

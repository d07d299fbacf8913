// Reverse mode on every core: the rows of a Jacobian, and gradients at many points,
// split into one contiguous block per thread (Dispatch's `concurrentPerform`, whose
// worker threads persist, so each keeps its per-thread tape pool across calls). Each
// result is computed by exactly the operations one thread would perform, in the same
// order, so the results are bitwise those of the one-thread functions.

import Dispatch
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
    ///     point).
    /// - Complexity: the sum of the gradients' costs, divided among the threads.
    @inlinable
    public static func gradients<T: DifferentiableScalar>(
        of f: @Sendable ([Var<T>]) -> Var<T>, atEach points: [[T]], threads: Int? = nil
    ) -> [[T]] {
        var results = [[T]](repeating: [], count: points.count)
        let blocks = threadBlocks(points.count, threads: threads)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            runBlocks(blocks, count: points.count) { range in
                for k in range { out[k] = gradient(of: f, at: points[k]) }
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
    ///     row).
    /// - Complexity: one recording of f and m sweeps, each O(entries), the sweeps
    ///   divided among the threads; each thread allocates one adjoint buffer.
    @inlinable
    public static func jacobian<T: DifferentiableScalar>(
        of f: ([Var<T>]) -> [Var<T>], at x: [T], threads: Int?
    ) -> [[T]] {
        let tape = ReverseTapePool.take(T.self)
        defer { ReverseTapePool.giveBack(tape) }
        let ys = f(tape.recordInputs(x))
        for y in ys { tape.check(y, "function's result") }
        let count = Int(tape.header.pointee.count)
        let watched = tapeMonitorIsInstalled
        var rows = [[T]](repeating: [], count: ys.count)
        let blocks = watched ? 1 : threadBlocks(ys.count, threads: threads)
        rows.withUnsafeMutableBufferPointer { out in
            let out = out
            runBlocks(blocks, count: ys.count) { range in
                let adj = UnsafeMutablePointer<T>.allocate(capacity: count)
                defer { adj.deallocate() }
                for r in range {
                    adj.initialize(repeating: 0, count: count)
                    let y = ys[r]
                    if y.slot != 0 {
                        adj[Int(y.slot)] = 1
                        tape.sweep(adj, from: y.slot)
                    }
                    out[r] = tape.inputAdjoints(adj, count: x.count)
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

/// Runs `body` on `blocks` contiguous, near-equal ranges covering `0..<count`, one per
/// thread (on the calling thread alone when there is one block).
///
/// `body` is not `@Sendable`: the callers above make it safe to run concurrently (a
/// `@Sendable` f, a recording only read, each block writing its own result slots), which
/// the type system cannot see through the buffer pointers they capture.
@inlinable
func runBlocks(_ blocks: Int, count: Int, _ body: (Range<Int>) -> Void) {
    if blocks <= 1 { return body(0..<count) }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            shared.value((b * count / blocks)..<((b + 1) * count / blocks))
        }
    }
}

/// A value handed to other threads under a guarantee the compiler cannot check (see
/// `runBlocks`).
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}

// Timing primitives. The optimiser hoists a pure function out of a timing loop unless
// its input passes through an opaque call and its output is consumed (docs/measurements.md: a whole
// Rosenbrock "took" 0.5 ns without these), so every timed call goes through `opaque` and
// every result into `sink`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds on the monotonic clock.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Returns its argument through a call the optimiser cannot see into, so a value it
/// knows at compile time becomes unknown at run time.
@inline(never) @_optimize(none)
func opaque<T>(_ value: T) -> T { value }

/// Consumes a value through a call the optimiser cannot see into, so the computation
/// that produced it cannot be removed.
@inline(never) @_optimize(none)
func sink<T>(_ value: T) { _ = value }

import Testing
@testable import Wengert

/// Sweeps over recordings beyond the caches prefetch their entries (`Tape.prefetches`):
/// a loop of its own, so it is checked on a recording large enough to take it.
@Suite("Sweeps over large recordings", .tags(.reverseMode))
struct ReverseLargeTapeSweepTests {
    /// Σ x[i]·x[i+1]: ∂/∂x[i] = x[i−1] + x[i+1], two products added once, so exact.
    static func chain<T: DifferentiableScalar>(_ x: [T]) -> T {
        var s: T = 0
        for i in 0..<(x.count - 1) { s += x[i] * x[i + 1] }
        return s
    }

    @Test func aGradientOverAPrefetchedSweepIsExact() {
        let n = 500_000
        let x = (0..<n).map { Double($0 % 1000) / 7 - 50 }
        // Two entries a term above the n inputs: 32 MB of entries and adjoints.
        #expect(Tape<Double>.prefetches(from: n + 2 * (n - 1), to: n))
        let expected = (0..<n).map { i in
            (i > 0 ? x[i - 1] : 0) + (i < n - 1 ? x[i + 1] : 0)
        }
        // Compared first: on a mismatch, an expectation on the arrays themselves would
        // spend minutes describing the difference of half a million elements.
        let reversed = gradient(of: { Self.chain($0) }, at: x) == expected
        #expect(reversed)
        // The keeping sweep over the same recording, down to the inputs' own entries.
        let tape = Tape<Double>()
        let vars = tape.variables(x)
        let kept = tape.gradient(of: Self.chain(vars))[vars] == expected
        #expect(kept)
    }
}

import Testing
@testable import Wengert

/// The sweep enters a `dot` run's loop only for a finite, non-zero adjoint, tested on
/// the bits (`isFiniteAndNonzero`): every class of value must get the answer of the
/// two plain tests, or a run would pass 0 · ∞ as NaN, or skip its terms' fast path.
@Suite("The sweep's finite and non-zero test", .tags(.reverseMode))
struct ReverseFiniteNonzeroTests {
    static func plain(_ x: Double) -> Bool { x != 0 && x.isFinite }

    @Test func doubleMatchesThePlainTests() {
        let values: [Double] = [
            0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
            1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity,
            .nan, -.nan, .signalingNaN,
        ]
        for x in values { #expect(isFiniteAndNonzero(x) == Self.plain(x), "\(x)") }
        for x in values.map(Float.init) {
            #expect(isFiniteAndNonzero(x) == Self.plain(Double(x)), "Float \(x)")
        }
        #expect(isFiniteAndNonzero(Float.leastNonzeroMagnitude))
        #expect(isFiniteAndNonzero(-Float.greatestFiniteMagnitude))
        for x in [0.0, 2.0, .infinity] {
            #expect(isFiniteAndNonzero(Dual(x, derivative: 0)) == Self.plain(x), "Dual \(x)")
        }
    }
}

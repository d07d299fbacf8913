import Testing
import Wengert

/// `DualNumber` holds the forward rules once; these check that both conforming types get
/// the same rules through it, and that generic code over the protocol works.
@Suite("DualNumber: one forward implementation", .tags(.forwardMode))
struct DualNumberTests {
    /// x·sin(x)/(1 + x²) - 3/x, written once over any dual type.
    static func f<D: DualNumber>(_ x: D) -> D { x * D.sin(x) / (1 + x * x) - 3 / x }

    @Test("generic code over DualNumber gives Dual's derivative and MultiDual's lanes alike")
    func genericCode() {
        let d = Self.f(Dual(0.7, derivative: 1))
        let m = Self.f(MultiDual<SIMD4<Double>>(0.7, partials: [1, 0, -2, 0.5]))
        // f′(x) = (sin x + x cos x)/(1 + x²) - 2x² sin x/(1 + x²)² + 3/x²
        let x = 0.7, s = sin(x), c = cos(x), q = 1 + x * x
        let exact = (s + x * c) / q - 2 * x * x * s / (q * q) + 3 / (x * x)
        #expect(abs(d.derivative - exact) < 1e-13)
        #expect(d.value == m.value)
        #expect(m.partials == SIMD4(d.derivative, 0, -2 * d.derivative, 0.5 * d.derivative))
    }

    @Test("the tangent is the derivative of Dual and the partials of MultiDual")
    func tangentNames() {
        var d = Dual(2.0, derivative: 3)
        d.tangent = 5
        #expect(d.derivative == 5)
        var m = MultiDual<SIMD2<Float>>(1, partials: [1, 2])
        m.tangent = [3, 4]
        #expect(m.partials == [3, 4])
    }

    @Test("scaling by a constant keeps a zero tangent zero, even by an infinite constant")
    func constantScaling() {
        let zero = Dual(1.0, derivative: 0) * Double.infinity
        #expect(zero.value == .infinity && zero.derivative == 0)
        let lanes = MultiDual<SIMD2<Double>>(1, partials: [0, 1]) * Double.infinity
        #expect(lanes.partials[0] == 0 && lanes.partials[1] == .infinity)
        #expect((Dual(2.0, derivative: 0) / 0.0).derivative == 0)
    }
}

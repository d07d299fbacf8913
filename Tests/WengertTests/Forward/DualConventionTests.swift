import Foundation
import Testing
import Wengert

/// The documented conventions at kinks and boundaries, and the value semantics of duals.
@Suite("Dual conventions and value semantics", .tags(.forwardMode))
struct DualConventionTests {
    @Test("Kinks: abs and relu have derivative 0 at 0; max/min follow the first argument at a tie")
    func kinks() {
        #expect(derivative(of: { abs($0) }, at: 0.0) == 0)
        #expect(derivative(of: { relu($0) }, at: 0.0) == 0)
        #expect(derivative(of: { x in max(x, Dual(0.0)) }, at: 0.0) == 1)
        #expect(derivative(of: { x in max(Dual(0.0), x) }, at: 0.0) == 0)
        #expect(derivative(of: { x in min(x, Dual(0.0)) }, at: 0.0) == 1)
        #expect(max(Dual(1.0), Dual(Double.nan)).value.isNaN && min(Dual(Double.nan), Dual(1.0)).value.isNaN)
    }

    @Test("Boundaries: sqrt and cbrt have derivative +∞ at 0, and a constant stays constant")
    func boundaries() {
        #expect(derivative(of: { sqrt($0) }, at: 0.0) == .infinity)
        #expect(derivative(of: { cbrt($0) }, at: 0.0) == .infinity)
        #expect(derivative(of: { asin($0) }, at: 1.0) == .infinity)
        // Along a zero tangent the infinite partial does not turn into NaN.
        let constant = sqrt(Dual(0.0, derivative: 0))
        #expect(constant.value == 0 && constant.derivative == 0)
        let atOrigin = hypot(Dual(0.0, derivative: 1), Dual(0.0, derivative: 1))
        #expect(atOrigin.derivative == 0)
        #expect(atan2(Dual(0.0, derivative: 1), Dual(0.0, derivative: 1)).derivative == 0)
    }

    @Test("pow with a zero base or a zero exponent", arguments: [0.5, 1, 2, 3])
    func powAtZero(_ exponent: Double) {
        // ∂/∂x xʸ at x = 0 is y·0^(y-1): +∞ for y < 1, 1 for y = 1, 0 for y > 1.
        let dx = derivative(of: { x in pow(x, Dual(exponent)) }, at: 0.0)
        #expect(dx == (exponent < 1 ? .infinity : (exponent == 1 ? 1 : 0)))
        // ∂/∂y 0ʸ is taken as 0 (the limit from the right), not 0 · -∞ = NaN.
        #expect(derivative(of: { y in pow(Dual(0.0), y) }, at: exponent) == 0)
        // ∂/∂x x⁰ is 0 everywhere, 0 included.
        #expect(derivative(of: { x in pow(x, Dual(0.0)) }, at: exponent - 1) == 0)
        // A negative base with a constant integer exponent: partial in y unused, no NaN.
        #expect(derivative(of: { x in pow(x, Dual(3.0)) }, at: -2.0) == 12)
    }

    @Test("sigmoid keeps relative accuracy in its tails", arguments: [-40.0, -10, 10, 40])
    func sigmoidTails(_ x: Double) {
        let exact = exp(-Swift.abs(x)) / ((1 + exp(-Swift.abs(x))) * (1 + exp(-Swift.abs(x))))
        #expect(Swift.abs(derivative(of: { sigmoid($0) }, at: x) / exact - 1) < 1e-14)
        let second = derivative(of: { x in derivative(of: { y in sigmoid(y) }, at: x) }, at: 0.0)
        #expect(Swift.abs(second) < 1e-16)  // σ″(0) = 0
        let secondAt1 = derivative(of: { x in derivative(of: { y in sigmoid(y) }, at: x) }, at: 1.0)
        let s = 1 / (1 + exp(-1.0))
        #expect(Swift.abs(secondAt1 - s * (1 - s) * (1 - 2 * s)) < 1e-15)
    }

    @Test("Equality and hashing look at the value only")
    func hashable() {
        let a = Dual(2.0, derivative: 1), b = Dual(2.0, derivative: 5)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(Set([a, b, Dual(3.0)]).count == 2)
        #expect(Dual(1.0) < Dual(2.0, derivative: -9))
        let m = MultiDual<SIMD4<Double>>(2, partials: [1, 2, 3, 4])
        #expect(m == MultiDual(2) && m.hashValue == MultiDual<SIMD4<Double>>(2).hashValue)
    }

    @Test("Descriptions: plain, nested with numbered infinitesimals, multi-lane")
    func descriptions() {
        #expect(Dual(3.0, derivative: 1).description == "3.0 + 1.0ε")
        let nested = Dual(Dual(3.0, derivative: 1), derivative: Dual(1.0))
        #expect(nested.description == "(3.0 + 1.0ε₁) + (1.0 + 0.0ε₁)ε₂")
        #expect(MultiDual<SIMD2<Double>>(1, partials: [0, 1]).description == "1.0 + (0.0, 1.0)ε")
    }

    @Test("Codable round trip keeps value and derivative, drops the tag")
    func codable() throws {
        let tagged = Dual(1.5, derivative: -2, tag: .fresh())
        let back = try JSONDecoder().decode(Dual<Double>.self, from: JSONEncoder().encode(tagged))
        #expect(back.value == 1.5 && back.derivative == -2 && back.tag == .untagged)
        let m = MultiDual<SIMD2<Float>>(1, partials: [2, 3])
        let mBack = try JSONDecoder().decode(MultiDual<SIMD2<Float>>.self, from: JSONEncoder().encode(m))
        #expect(mBack.value == 1 && mBack.partials == [2, 3])
    }

    @Test("A long literal polynomial type-checks and differentiates")
    func polynomialLiterals() {
        let x = Dual(2.0, derivative: 1)
        let p = 3 * x * x * x - 2 * x + 7 + 0.5 * x * x - x / 4 + 1
        #expect(p.value == 29.5 && p.derivative == 35.75)
    }
}

import Testing
import Wengert

/// `pow(x, n:)` on tensors: square-and-multiply from the lowest bit of n, each product
/// rounded on its own, so every element equals the scalar `pow(_:n:)`, the same products
/// in the same order, to the bit; and its gradient is n·xⁿ⁻¹.
@Suite("Tensor integer powers", .tags(.tensor))
struct TensorIntegerPowerTests {
    @Test func everyExponentEqualsTheScalarProductsToTheBit() {
        let values: [Float] = [-2.5, -1, -0.0, 0, 0.3, 1.1, 3, 1e-20, 1e20, .infinity, .nan]
        let x = Tensor<Float>(values)
        for n in -6...13 {
            let got = pow(x, n: n).scalars
            for (k, v) in values.enumerated() {
                let want = pow(v, n: n)  // the scalar power, the same products in the same order
                #expect(got[k].bitPattern == want.bitPattern || (got[k].isNaN && want.isNaN), "x = \(v), n = \(n)")
            }
        }
    }

    @Test func theGradientIsNTimesTheNextLowerPower() {
        for n in [1, 2, 3, 6, -3] {
            let x = Tensor<Double>([1.5, -0.5]).requiringGradient()
            pow(x, n: n).sum().backward()
            let expected = [1.5, -0.5].map { Double(n) * Double.pow($0, Double(n - 1)) }
            for (g, e) in zip(x.grad!.scalars, expected) { #expect(abs(g - e) <= 1e-12 * Swift.max(1, abs(e)), "n = \(n)") }
        }
    }
}

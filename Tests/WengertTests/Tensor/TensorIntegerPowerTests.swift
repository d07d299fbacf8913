import Testing
import Wengert

/// `pow(x, n:)` on tensors: square-and-multiply from the lowest bit of n, each product
/// rounded on its own, so every element equals the same products of scalars in the same
/// order, to the bit; and its gradient is n·xⁿ⁻¹.
@Suite("Tensor integer powers", .tags(.tensor))
struct TensorIntegerPowerTests {
    /// The scalar reference: the squares of x, multiplied into the result where n has a bit.
    static func reference(_ x: Float, _ n: Int) -> Float {
        if n == 0 { return 1 }
        var base = x, e = n.magnitude, result: Float? = nil
        while true {
            if e & 1 == 1 { result = result.map { $0 * base } ?? base }
            e >>= 1
            if e == 0 { break }
            base = base * base
        }
        return n < 0 ? 1 / result! : result!
    }

    @Test func everyExponentEqualsTheScalarProductsToTheBit() {
        let values: [Float] = [-2.5, -1, -0.0, 0, 0.3, 1.1, 3, 1e-20, 1e20, .infinity, .nan]
        let x = Tensor<Float>(values)
        for n in -6...13 {
            let got = pow(x, n: n).scalars
            for (k, v) in values.enumerated() {
                let want = Self.reference(v, n)
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

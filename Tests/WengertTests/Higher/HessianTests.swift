import Testing
import Wengert

/// f(x, y, z) = x²y + sin(z)·x + eʸᶻ, with its Hessian by hand.
func cubicMix<T: DifferentiableScalar>(_ v: [T]) -> T {
    let x = v[0], y = v[1], z = v[2]
    return x * x * y + sin(z) * x + exp(y * z)
}

func cubicMixHessian(_ v: [Double]) -> [[Double]] {
    let x = v[0], y = v[1], z = v[2], e = Double.exp(y * z)
    return [[2 * y, 2 * x, Double.cos(z)],
            [2 * x, z * z * e, e + y * z * e],
            [Double.cos(z), e + y * z * e, -Double.sin(z) * x + y * y * e]]
}

@Suite("Hessians by forward over reverse", .tags(.reverseMode, .higherOrder))
struct HessianTests {
    static let points: [[Double]] = [[0.5, -1.0, 0.3], [1.2, 0.4, -0.7], [0, 0, 0]]

    @Test(arguments: points)
    func hessianMatchesAnalytic(_ x: [Double]) {
        let h = hessian(of: cubicMix, at: x)
        let want = cubicMixHessian(x)
        #expect(h.count == 3)
        for (row, w) in zip(h, want) { #expect(close(row, w), "\(row) vs \(w)") }
    }

    @Test(arguments: points)
    func hessianVectorProductIsHTimesV(_ x: [Double]) {
        let v = [0.3, -1.2, 2.0]
        let hv = hessianVectorProduct(of: cubicMix, at: x, along: v)
        let h = cubicMixHessian(x)
        #expect(close(hv, h.map { row in zip(row, v).map(*).reduce(0, +) }))
    }

    @Test func rosenbrockHessianIsSymmetricAndMatchesTheGradientsDifferences() {
        let x = [0.5, 0.6, 0.7, -0.4]
        let h = hessian(of: rosenbrock, at: x)
        for i in 0..<4 { for j in 0..<4 { #expect(Swift.abs(h[i][j] - h[j][i]) <= 1e-12) } }
        // Central differences of the reverse gradient, column by column.
        let eps = 1e-6
        for j in 0..<4 {
            var xp = x, xm = x
            xp[j] += eps
            xm[j] -= eps
            let gp = gradient(of: rosenbrock, at: xp), gm = gradient(of: rosenbrock, at: xm)
            let column = (0..<4).map { (gp[$0] - gm[$0]) / (2 * eps) }
            #expect(close(column, h.map { $0[j] }, tolerance: 1e-6), "column \(j)")
        }
        // The known entries: ∂²f/∂x₀² = 1200x₀² - 400x₁ + 2, ∂²f/∂x₀∂x₁ = -400x₀.
        #expect(Swift.abs(h[0][0] - (1200 * 0.25 - 400 * 0.6 + 2)) <= 1e-9)
        #expect(h[0][1] == -400 * 0.5)
    }

    @Test func secondDerivativeThroughSingularPartialStaysFinite() {
        // sqrt(x)·0 contributes nothing; its infinite partials at 0 must not make NaN.
        let h = hessian(of: { (v: [Var<Dual<Double>>]) in sqrt(v[0]) * 0 + v[1] * v[1] }, at: [0.0, 3.0])
        #expect(h == [[0, 0], [0, 2]])
    }

    @Test func wrongDirectionLength() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = hessianVectorProduct(of: { (v: [Var<Dual<Double>>]) in v[0] * v[1] }, at: [1.0, 2.0], along: [1.0])
        }
        #expect(stderrText(result).contains("hessianVectorProduct: the point (x) has 2 elements but direction (along) has 1"))
    }
}

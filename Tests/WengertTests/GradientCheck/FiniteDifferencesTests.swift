import Testing
import Wengert

@Suite("FiniteDifferences")
struct FiniteDifferencesTests {
    /// ∂/∂xᵢ of the Rosenbrock function, written out by hand.
    static func rosenbrockGradient(_ x: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            g[i] += -400 * x[i] * a - 2 * (1 - x[i])
            g[i + 1] += 200 * a
        }
        return g
    }

    @Test("derivative of elementary functions matches the exact derivative",
          arguments: [-2.5, -0.3, 0.0, 0.7, 3.0, 12.0])
    func derivativeOfElementary(x: Double) {
        let d = FiniteDifferences.derivative(of: { t in sin(t) * exp(t / (1 + t * t)) }, at: x)
        let q = 1 + x * x
        let exact = cos(x) * exp(x / q) + sin(x) * exp(x / q) * (1 - x * x) / (q * q)
        #expect(abs(d - exact) <= 1e-7 * max(1, abs(exact)))
    }

    @Test("gradient of Rosenbrock matches the hand-written gradient",
          arguments: [2, 3, 10, 50])
    func rosenbrockGradient(n: Int) {
        let x: [Double] = (0..<n).map { i in
            let wobble: Double = 0.1 * Double(i % 7)
            return 0.5 + wobble - 0.03 * Double(i)
        }
        let g = FiniteDifferences.gradient(of: { (v: [Double]) in rosenbrock(v) }, at: x)
        let exact = Self.rosenbrockGradient(x)
        #expect(g.count == n)
        for i in 0..<n { #expect(abs(g[i] - exact[i]) <= 1e-6 * max(1, abs(exact[i])), "entry \(i)") }
    }

    @Test("the step scales with the entry's magnitude")
    func stepScales() {
        let small = FiniteDifferences.step(at: 1e-8), unit = FiniteDifferences.step(at: 1.0)
        let large = FiniteDifferences.step(at: -1e6)
        #expect(small == unit)
        #expect(abs(large / unit - 1e6) < 1e-6)
        #expect(abs(unit - 6.055454452393343e-06) < 1e-18)
        // Relative accuracy holds far from the origin, where an absolute step would vanish.
        let d = FiniteDifferences.derivative(of: { x in x * x }, at: 1e6)
        #expect(abs(d - 2e6) <= 1e-6 * 2e6)
    }

    @Test("Float works with a coarser step")
    func floatPrecision() {
        let g = FiniteDifferences.gradient(of: { (x: [Float]) in x[0] * x[0] * x[1] }, at: [2, 3])
        #expect(abs(g[0] - 12) < 1e-2 && abs(g[1] - 4) < 1e-2)
    }

    @Test("Jacobian of a map R^3 -> R^2 matches the exact Jacobian; input unchanged")
    func jacobian() {
        let x = [0.5, -1.25, 2.0]
        let copy = x
        let J = FiniteDifferences.jacobian(of: { v in [v[0] * v[1], sin(v[2]) + v[0]] }, at: x)
        let exact: [[Double]] = [[-1.25, 0.5, 0], [1, 0, cos(2.0)]]
        #expect(J.count == 2 && J.allSatisfy { $0.count == 3 })
        for i in 0..<2 { for j in 0..<3 { #expect(abs(J[i][j] - exact[i][j]) < 1e-8, "J[\(i)][\(j)]") } }
        #expect(x == copy)
    }

    @Test("empty input gives an empty gradient and empty Jacobian rows")
    func emptyInput() {
        var calls = 0
        let g = FiniteDifferences.gradient(of: { (_: [Double]) -> Double in calls += 1; return 1 }, at: [])
        #expect(g.isEmpty && calls == 0)
        let J = FiniteDifferences.jacobian(of: { (_: [Double]) in [1.0, 2.0] }, at: [])
        #expect(J.count == 2 && J.allSatisfy(\.isEmpty))
    }

    @Test("a Jacobian whose output length changes stops with both lengths named")
    func lengthChangeTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = FiniteDifferences.jacobian(of: { v in v[0] > 1 ? [v[0], v[0]] : [v[0]] }, at: [1.0])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("returned 1 values at the input point but 2 when entry 0 was moved"))
    }
}

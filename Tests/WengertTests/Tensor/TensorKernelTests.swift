import Testing
import Wengert

/// The vectorised kernels against plain reference loops, on sizes that hit every edge
/// of the register blocking (4 rows by 32 Float or 16 Double columns).
@Suite("Tensor kernels", .tags(.tensor))
struct TensorKernelTests {
    static func referenceMatmul(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    @Test(arguments: [(1, 1, 1), (4, 32, 3), (5, 33, 7), (9, 70, 17), (64, 10, 256)])
    func matmulMatchesReference(_ size: (Int, Int, Int)) {
        let (m, n, k) = size
        let a = Tensor<Double>(randomNormal: [m, k], seed: 1), b = Tensor<Double>(randomNormal: [k, n], seed: 2)
        let expected = Self.referenceMatmul(a.scalars, b.scalars, m: m, n: n, k: k)
        let got = matmul(a, b).scalars
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-12 * Double(k) + 1e-12 })
        let af = Tensor<Float>(shape: [m, k], scalars: a.scalars.map(Float.init))
        let bf = Tensor<Float>(shape: [k, n], scalars: b.scalars.map(Float.init))
        let gotF = matmul(af, bf).scalars
        #expect(zip(gotF, expected).allSatisfy { abs(Double($0) - $1) < 1e-4 * Double(k) })
    }

    @Test func batchedMatmulBroadcastsBatchAxes() {
        let a = Tensor<Double>(randomNormal: [2, 3, 4], seed: 3), b = Tensor<Double>(randomNormal: [4, 5], seed: 4)
        let c = matmul(a, b)
        #expect(c.shape == [2, 3, 5])
        #expect(c[1].scalars == matmul(a[1], b).scalars)
    }

    @Test(arguments: [1, 7, 16, 1000, 4099])
    func arithmeticMatchesScalarLoops(_ n: Int) {
        let a = Tensor<Float>(randomNormal: [n], seed: 5), b = Tensor<Float>(randomUniform: [n], lower: 1, upper: 2, seed: 6)
        #expect((a + b).scalars == zip(a.scalars, b.scalars).map { $0 + $1 })
        #expect((a - b).scalars == zip(a.scalars, b.scalars).map { $0 - $1 })
        #expect((a * b).scalars == zip(a.scalars, b.scalars).map { $0 * $1 })
        #expect((a / b).scalars == zip(a.scalars, b.scalars).map { $0 / $1 })
        #expect((a * 3).scalars == a.scalars.map { $0 * 3 })
        #expect((3 - a).scalars == a.scalars.map { 3 - $0 })
        let total = a.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(a.sum().scalar) - total) < 1e-4)
    }

    @Test func broadcastingFollowsNumPy() {
        let a = Tensor<Double>(shape: [2, 1], scalars: [1, 2]), b = Tensor<Double>([10, 20, 30])
        let c = a + b
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [11, 21, 31, 12, 22, 32])
        #expect((Tensor<Double>(shape: [3, 1, 2], scalars: [1, 2, 3, 4, 5, 6]) * Tensor<Double>(shape: [2, 1], scalars: [1, 10])).shape == [3, 2, 2])
    }

    @Test func reductionsAndShapes() {
        let m = Tensor<Double>(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(m.sum(alongAxes: 0).scalars == [5, 7, 9])
        #expect(m.sum(alongAxes: 1, keepingDimensions: true).shape == [2, 1])
        #expect(m.max(alongAxes: 1).scalars == [5, 6])
        #expect(m.min().scalar == 1)
        #expect(m.mean(alongAxes: 1).scalars == [3, 4])
        #expect(abs(m.logSumExp().scalar - Double.log(m.scalars.map { Double.exp($0) }.reduce(0, +))) < 1e-12)
        #expect(m.transposed().scalars == [1, 4, 5, 2, 3, 6])
        #expect(m.unsqueezed(axis: 0).shape == [1, 2, 3] && m.unsqueezed(axis: -1).shape == [2, 3, 1])
        #expect(m.gathering(along: 1, indices: [2, 0]).scalars == [3, 1, 6, 4])
        #expect(Tensor(concatenating: [m, m], alongAxis: 0).shape == [4, 3])
        #expect(softmax(m).sum(alongAxes: 1).scalars.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect((m .> Tensor(3)).scalars == [0, 1, 0, 1, 0, 1])
        #expect(m.replacing(with: Tensor(0), where: m .> Tensor(3)).scalars == [1, 0, 3, 0, 2, 0])
    }
}

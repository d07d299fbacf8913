import Testing
import Wengert

/// Σ a[j]·b[j] as a running sum of products, then a little more work on the result.
func dotThenMore<T: DifferentiableScalar>(_ x: [T]) -> T {
    let n = x.count / 2
    var s = x[0] * x[n]
    for j in 1..<n { s = multiplyAdd(x[j], x[n + j], s) }
    return sin(s) + multiplyAdd(s, s, s)
}

/// The same function written with `*` and `+`: the reference for the fused entries.
func dotThenMoreUnfused<T: DifferentiableScalar>(_ x: [T]) -> T {
    let n = x.count / 2
    var s = x[0] * x[n]
    for j in 1..<n { s = x[j] * x[n + j] + s }
    return sin(s) + (s * s + s)
}

/// Bitwise equality that counts NaN equal to NaN.
func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

@Suite("multiplyAdd: one entry per term of a running sum of products", .tags(.reverseMode))
struct ReverseMultiplyAddTests {
    static let point: [Double] = [0.3, -1.2, 0.7, 2.0, 0.4, -0.6, 1.1, 0.9]

    @Test func recordsOneEntryPerTermWhenTheSumIsTheLatestEntry() {
        let tape = Tape<Double>()
        let x = tape.variables(Self.point)
        var s = x[0] * x[4]
        for j in 1..<4 { s = multiplyAdd(x[j], x[4 + j], s) }
        // 8 inputs, one product, three fused terms.
        #expect(tape.entryCount == 8 + 1 + 3)
        let p = Self.point
        var plain = p[0] * p[4]
        for j in 1..<4 { plain = p[j] * p[4 + j] + plain }
        #expect(s.value == plain)
        let swapped = Array(p[4...]) + Array(p[..<4])
        #expect(tape.gradient(of: s)[x] == swapped)
    }

    @Test func fallsBackToAProductAndASumWhenTheSumIsNotTheLatestEntry() {
        let tape = Tape<Double>()
        let a = tape.variable(2.0), b = tape.variable(3.0), c = tape.variable(5.0)
        let z = a * c                      // not the latest entry once `e` is recorded
        let e = exp(b)
        let r = multiplyAdd(a, b, z)
        #expect(tape.entryCount == 3 + 2 + 2)
        #expect(r.value == 2 * 3 + 10)
        let adj = tape.gradient(of: r + e)
        #expect(adj[a] == 3 + 5)
        #expect(adj[b] == 2 + Double.exp(3))
        #expect(adj[c] == 2)
    }

    @Test func constantsFallBackAndStillRecordTheirDerivatives() {
        let g = gradient(of: { (x: [Var<Double>]) in
            multiplyAdd(x[0], 3, x[1]) + multiplyAdd(2, x[1], 7) + multiplyAdd(x[0], x[1], 4)
        }, at: [1.5, -2.0])
        // ∂/∂x0 = 3 + x1, ∂/∂x1 = 1 + 2 + x0.
        let expected: [Double] = [1.0, 4.5]
        #expect(g == expected)
    }

    @Test func plainAndDualValuesAreTheProductThenTheSum() {
        let x = 0.1, y = 0.7, z = 1e-17
        #expect(multiplyAdd(x, y, z) == x * y + z)
        let d = multiplyAdd(Dual(x, derivative: 1), Dual(y, derivative: 0), Dual(z, derivative: 2))
        #expect(d.value == x * y + z)
        #expect(d.derivative == y + 2)
    }

    @Test("gradients equal those of * and + bit for bit", arguments: [point, [1.0, 0, -3, 0.5], [0, 0, 0, 0]])
    func gradientsMatchUnfused(_ x: [Double]) {
        let fused = valueWithGradient(of: dotThenMore, at: x)
        let unfused = valueWithGradient(of: dotThenMoreUnfused, at: x)
        #expect(fused.value == unfused.value)
        #expect(sameBits(fused.gradient, unfused.gradient))
        #expect(close(fused.gradient, dualGradient(dotThenMore, at: x)))
    }

    @Test func zeroPartialsPassNothingFromAnInfiniteAdjoint() {
        // √s at s = 0 has an infinite derivative; b = 0 makes a's partial 0 (0 · ∞ = 0),
        // while c, with partial 1, receives the infinity, as with * and +.
        let f = { (x: [Var<Double>]) in sqrt(multiplyAdd(x[0], x[1], x[2])) }
        let g = { (x: [Var<Double>]) in sqrt(x[0] * x[1] + x[2]) }
        let fused = gradient(of: f, at: [4.0, 0.0, 0.0])
        #expect(sameBits(fused, gradient(of: g, at: [4.0, 0.0, 0.0])))
        #expect(fused[0] == 0)
        #expect(fused[2] == .infinity)
    }

    @Test("replay recomputes fused entries", arguments: [[0.5, 1.5, -2.0, 0.25, 3.0, -1.0, 0.0, 2.0]])
    func replayMatchesFreshRecording(_ x: [Double]) {
        expectReplayMatchesFreshRecording(of: dotThenMore, recordedAt: Self.point, at: x)
    }

    @Test func secondDerivativesAndThreadedJacobiansSeeTheFusedEntries() {
        let hFused = hessian(of: dotThenMore, at: Self.point)
        let hUnfused = hessian(of: dotThenMoreUnfused, at: Self.point)
        #expect(zip(hFused, hUnfused).allSatisfy { close($0, $1) })
        let rows = { (x: [Var<Double>]) in [dotThenMore(x), multiplyAdd(x[0], x[1], x[2] * x[3])] }
        let one = Reverse.jacobian(of: rows, at: Self.point, threads: 1)
        let two = Reverse.jacobian(of: rows, at: Self.point, threads: 2)
        #expect(one == two)
        #expect(one[1] == [Self.point[1], Self.point[0], Self.point[3], Self.point[2], 0, 0, 0, 0])
    }

    @Test func anomalyDetectionSweepsTheThirdOperand() throws {
        let plain = gradient(of: dotThenMore, at: Self.point)
        let watched = try withAnomalyDetection { gradient(of: dotThenMore, at: Self.point) }
        #expect(watched == plain)
    }
}

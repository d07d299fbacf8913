import Testing
import Wengert

/// The convenience functions sweep only down to the inputs and clear the adjoints behind
/// them, so the next call on the same pooled tape skips zeroing the buffer: a wrong
/// clearing would leak one call's adjoints into the next.
@Suite("Input sweeps leave the adjoint buffer clear", .tags(.reverseMode))
struct ReverseInputSweepTests {
    static let x: [Double] = [0.4, -1.3, 2.1, 0.8, -0.2]

    /// Uses every kind of entry: inputs, constants on the stream, unary, binary, fused.
    static func mixed<T: DifferentiableScalar>(_ x: [T]) -> T {
        var s = x[0] * x[1]
        for j in 2..<x.count { s = multiplyAdd(x[j], x[j - 1], s) }
        return s + atan2(2, x[0]) + exp(x[2]) * 3 - 1 / x[3] + rosenbrock(x)
    }

    @Test func repeatedAndInterleavedCallsAgreeWithForwardMode() throws {
        let expected = dualGradient(Self.mixed, at: Self.x)
        let first = gradient(of: Self.mixed, at: Self.x)
        #expect(close(first, expected))
        // A larger and a smaller recording in between, on the same per-thread tape.
        _ = gradient(of: { rosenbrock($0) }, at: [Double](repeating: 0.5, count: 300))
        _ = gradient(of: { $0[0] * $0[0] }, at: [3.0])
        #expect(gradient(of: Self.mixed, at: Self.x) == first)
        // Anomaly detection sweeps the whole buffer its own way and leaves it dirty.
        let watched = try withAnomalyDetection { gradient(of: Self.mixed, at: Self.x) }
        #expect(watched == first)
        #expect(gradient(of: Self.mixed, at: Self.x) == first)
        var buffer = [Double](repeating: .nan, count: Self.x.count)
        gradient(of: Self.mixed, at: Self.x, into: &buffer)
        #expect(buffer == first)
    }

    @Test func outputsThatAreInputsOrConstants() {
        #expect(gradient(of: { $0[1] }, at: [1.0, 2.0, 3.0]) == [0, 1, 0])
        #expect(gradient(of: { _ in Var(constant: 4.0) }, at: [1.0, 2.0]) == [0, 0])
        #expect(gradient(of: { $0[0] * $0[1] }, at: [2.0, 5.0]) == [5, 2])
        let vjp = Reverse.vjp(of: { x in [x[0], x[0] * x[1], Var(constant: 1.0), x[0] * x[1]] },
                              at: [2.0, 5.0], along: [1, 10, 7, 100])
        // ∂/∂x0 = 1 + 110·x1, ∂/∂x1 = 110·x0.
        let expected: [Double] = [551, 220]
        #expect(vjp.cotangent == expected)
        #expect(gradient(of: { $0[1] * 2 }, at: [1.0, 2.0, 3.0]) == [0, 2, 0])
    }

    @Test func jacobianRowsDoNotLeakIntoEachOther() {
        let f = { (x: [Var<Double>]) in [x[0] * x[1], sin(x[1]), x[2], x[0] * x[1] + x[2]] }
        let j = Reverse.jacobian(of: f, at: [1.5, 0.5, -2.0])
        #expect(j[0] == [0.5, 1.5, 0])
        let cosine = Double.cos(0.5)
        #expect(j[1] == [0, cosine, 0])
        #expect(j[2] == [0, 0, 1])
        #expect(j[3] == [0.5, 1.5, 1])
    }

    @Test func replayedGradientsAfterADifferentPointAreExact() {
        let compiled = CompiledGradient(of: Self.mixed, at: Self.x)
        let other = Self.x.map { $0 * 0.5 + 0.1 }
        _ = compiled.gradient(at: other)
        #expect(compiled.gradient(at: Self.x) == gradient(of: Self.mixed, at: Self.x))
        #expect(compiled.gradient(at: other) == gradient(of: Self.mixed, at: other))
    }
}

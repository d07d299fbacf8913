import Testing
import Wengert

@Suite("Anomaly detection")
struct AnomalyDetectionTests {
    @Test func forwardNaNIsReportedWithItsOperationAndOperands() throws {
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection { gradient(of: { x in x[1] * log(x[0] - x[1]) + x[0] }, at: [1.0, 3.0]) }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .forward)
        #expect(anomaly.operation == "log")
        #expect(anomaly.operands == [-2.0])
        #expect(anomaly.result.isNaN)
        #expect(anomaly.description.contains("forward: log(-2.0) = nan"), "\(anomaly)")
    }

    @Test func backwardInfinityIsReportedAtTheEntryThatMadeIt() throws {
        // sqrt(0) is finite with an infinite partial; the adjoint 3 arriving there is not.
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection { gradient(of: { x in sqrt(x[0] - x[0]) * x[1] }, at: [1.0, 3.0]) }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .backward)
        #expect(anomaly.operation == "sqrt")
        #expect(anomaly.operands == [0.0])
        #expect(anomaly.adjoint == 3)
        #expect(anomaly.result == .infinity)
        #expect(anomaly.partials.first == .infinity)
    }

    @Test func cleanComputationsReturnTheirValue() throws {
        let g = try withAnomalyDetection { gradient(of: { x in x[0] * sin(x[1]) }, at: [2.0, 0.5]) }
        #expect(g == gradient(of: { x in x[0] * sin(x[1]) }, at: [2.0, 0.5]))
        // sqrt at 0 reached by a zero adjoint is no anomaly (the convention keeps 0).
        let h = try withAnomalyDetection { gradient(of: { x in sqrt(x[0] - x[0]) * 0 + x[1] }, at: [1.0, 3.0]) }
        #expect(h == [0, 1])
    }

    @Test func offByDefault() {
        let g = gradient(of: { x in sqrt(x[0] - x[0]) * x[1] }, at: [1.0, 3.0])
        #expect(g[0].isNaN || g[0].isInfinite)
    }

    @Test func explicitTapesAndReplayAreWatched() throws {
        let tape = Tape<Double>()
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                tape.reset()
                let a = tape.variable(4.0), b = tape.variable(2.0)
                let y = sqrt(a - b * b + 1)
                _ = tape.gradient(of: y)
                tape.replay(at: [1.0, 2.0])            // sqrt(1 - 4 + 1) = NaN
                _ = tape.gradient(of: y)
            }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .forward && anomaly.operation == "sqrt" && anomaly.operands == [-2.0], "\(anomaly)")
    }

    @Test func errorsOfTheBodyPropagateAndScopesNest() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) { try withAnomalyDetection { throw Boom() } }
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                let inner = try withAnomalyDetection { 1 }
                _ = gradient(of: { x in log(x[0]) }, at: [Double(inner) - 2])
            }
        }
        #expect(error?.operation == "log")
        // After the scopes, detection is off again.
        #expect(gradient(of: { x in log(x[0]) }, at: [-1.0])[0] == -1)
    }

    @Test func hessiansOnDualTapesAreWatched() {
        #expect(throws: Anomaly.self) {
            try withAnomalyDetection { hessian(of: { x in sqrt(x[0] * x[0] - 1) }, at: [0.5]) }
        }
    }
}

@Suite("Anomaly mode changes no result")
struct AnomalyModeAgreementTests {
    @Test("gradients and Hessian-vector products in anomaly mode equal the ordinary ones on 500 random programs")
    func sameResults() throws {
        for seed in 1...500 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            let plain = gradient(of: { p.evaluate($0) }, at: p.inputs)
            let watched = try withAnomalyDetection { gradient(of: { p.evaluate($0) }, at: p.inputs) }
            #expect(zip(plain, watched).allSatisfy { matchesConvention($0, $1, tolerance: 1e-13) },
                    "seed \(seed): \(plain) vs \(watched)")
            let v = p.inputs.map { _ in 1.0 }
            let hv = hessianVectorProduct(of: { p.evaluate($0) }, at: p.inputs, along: v)
            let watchedHv = try withAnomalyDetection { hessianVectorProduct(of: { p.evaluate($0) }, at: p.inputs, along: v) }
            #expect(zip(hv, watchedHv).allSatisfy { matchesConvention($0, $1, tolerance: 1e-13) },
                    "seed \(seed): \(hv) vs \(watchedHv)")
        }
    }
}

import Testing
import Wengert

@Suite("gradientCheck for tensors and custom functions")
struct TensorGradientCheckTests {
    @Test func aWrongCustomBackwardFails() {
        let wrong = CustomFunction<Double>(forward: { x in x * x * x },
                                           backward: { x, upstream in upstream * 2 * x * x })
        let report = gradientCheck(of: { x in wrong(x).sum() }, at: Tensor<Double>([0.5, -1.5]))
        #expect(!report.passed)
        #expect(report.worstIndex == 1)
        #expect(report.failures.count == 2)
        #expect(report.entries.allSatisfy { $0.mode == .backward })
        #expect(Swift.abs(report.entries[1].analytic - 4.5) < 1e-12)
        #expect(Swift.abs(report.entries[1].numeric - 6.75) < 1e-6)
    }

    @Test func aRightCustomBackwardPasses() {
        let cube = CustomFunction<Double>(forward: { x in x * x * x },
                                          backward: { x, upstream in upstream * 3 * x * x })
        let report = gradientCheck(of: { x in cube(x).sum() }, at: Tensor<Double>([0.5, -1.5]))
        #expect(report.passed, "\(report)")
    }

    @Test func nonScalarResultsAreCheckedThroughARandomCotangent() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [0.1, -0.4, 0.9, 1.3, -0.7, 0.25])
        let report = gradientCheck(of: { x in matmul(sin(x), x.transposed()) }, at: x)
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 6)
    }

    @Test func theInputIsLeftAsItWas() {
        let x = Tensor<Double>([0.3, 0.6]).requiringGradient()
        _ = gradientCheck(of: { t in (t * t).sum() }, at: x)
        #expect(x.grad == nil)
        #expect(x.scalars == [0.3, 0.6])
        #expect(x.requiresGradient)
    }

    @Test func floatTensorsPassWithFloatTolerances() {
        let report = gradientCheck(of: { x in softmax(x).squared().sum() }, at: Tensor<Float>([0.2, -0.3, 0.8]),
                                   epsilon: 1e-2, absoluteTolerance: 1e-3, relativeTolerance: 1e-2)
        #expect(report.passed, "\(report)")
    }
}

@Suite("Anomaly detection for tensors")
struct TensorAnomalyDetectionTests {
    @Test func aBackwardRuleThatMakesInfinityIsNamed() throws {
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                let x = Tensor<Double>([0, 4]).requiringGradient()
                (sqrt(x) * 3).sum().backward()
            }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .backward)
        #expect(anomaly.operation == "SqrtBackward", "\(anomaly)")
        #expect(anomaly.result == .infinity)
        #expect(anomaly.operands.contains(0))
        #expect(anomaly.inputShapes == [[2]])
        #expect(anomaly.element == 0 && anomaly.operand == 1 && anomaly.adjoint == 3)
        #expect(anomaly.description == "Wengert anomaly in the backward pass: SqrtBackward, the rule of an operation on an "
            + "input of shape [2], turned the finite incoming gradient 3.0 into inf for input 1 at element 0 (values there: 0.0).")
    }

    @Test func aForwardNaNIsReportedAtTheOperationThatMadeIt() throws {
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                let x = Tensor<Double>([1, 2, 3]).requiringGradient()
                // log makes the first NaN; the product after it must not be the one reported.
                (log(x - 5) * 2).sum().backward()
            }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .forward)
        #expect(anomaly.operation == "log")
        #expect(anomaly.inputShapes == [[3]])
        #expect(anomaly.element == 0 && anomaly.result.isNaN)
        #expect(anomaly.operands == [-4])
        #expect(anomaly.description == "Wengert anomaly in the forward pass: log, applied to an input of shape [3], produced "
            + "the non-finite value nan at element 0 (values there: -4.0); operations before it gave finite values.")
        #expect(!anomaly.description.contains("slot"))
    }

    @Test func aForwardInfinityOfTwoInputsNamesBothShapes() throws {
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                let x = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGradient()
                _ = (x / Tensor<Float>([1, 0])).sum()
            }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .forward && anomaly.operation == "divide")
        #expect(anomaly.inputShapes == [[2, 2], [2]])
        #expect(anomaly.element == 1 && anomaly.result == .infinity)
        // The divisor is broadcast, so only the numerator's value lines up with element 1.
        #expect(anomaly.operands == [2])
        #expect(anomaly.description.contains("divide, applied to inputs of shapes [2, 2] and [2], produced the non-finite value inf at element 1"))
    }

    @Test func untrackedTensorsAreNotChecked() throws {
        // Nothing is recorded without a tensor that requires a gradient, so nothing is watched.
        let y = try withAnomalyDetection { log(Tensor<Double>([-1])) }
        #expect(y.scalars[0].isNaN)
    }

    @Test func finiteBackwardPassesThrough() throws {
        let x = Tensor<Double>([1, 4]).requiringGradient()
        try withAnomalyDetection { (sqrt(x) * 3).sum().backward() }
        #expect(x.grad?.scalars == [1.5, 0.75])
    }
}

@Suite("gradientCheck for functions of several tensors")
struct TensorListGradientCheckTests {
    @Test func matmulOfTwoInputsPasses() {
        let a = Tensor<Double>(randomNormal: [2, 3], seed: 1), b = Tensor<Double>(randomNormal: [3, 2], seed: 2)
        let report = gradientCheck(of: { t in matmul(t[0], t[1]).sum() }, at: [a, b])
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 12)
    }

    @Test func aWrongRuleInTheSecondInputIsLocated() {
        let wrong = CustomFunction<Double>(forward: { x in exp(x) }, backward: { x, upstream in upstream * exp(x) * 0.5 })
        let report = gradientCheck(of: { t in (t[0] * 2).sum() + wrong(t[1]).sum() },
                                   at: [Tensor<Double>([1, 2]), Tensor<Double>([0.1, 0.2, 0.3])])
        #expect(!report.passed)
        #expect(report.failures.map(\.index).sorted() == [2, 3, 4])
    }
}

@Suite("gradientCheck argument errors")
struct GradientCheckArgumentErrorTests {
    @Test func aNonFiniteTensorEntryStopsWithItsFlatIndex() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradientCheck(of: { x in x.sum() }, at: Tensor<Double>(shape: [2, 2], scalars: [1, 2, .infinity, 4]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("gradientCheck: the point must be finite; element 2 is inf"), "\(message)")
        }
    }

    @Test func negativeToleranceStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradientCheck(of: { x in x * x }, at: 1.0, absoluteTolerance: -1)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("tolerances must be non-negative; got absoluteTolerance -1.0, relativeTolerance 0.001"),
                    "\(message)")
        }
    }

    @Test func aJacobianWhoseOutputCountChangesStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = jacobianCheck(of: { (x: [Var<Dual<Double>>]) in x[0] > 1 ? [x[0], x[0]] : [x[0]] }, at: [1.0])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("jacobianCheck: the function returned 1 outputs at the point and 2 at a nearby one"),
                    "\(message)")
        }
    }
}

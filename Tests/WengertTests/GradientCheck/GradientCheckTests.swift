import Testing
import Wengert

private func checkRosenbrock<T: DifferentiableScalar>(_ x: [T]) -> T {
    var s: T = 0
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i]
        let b = 1 - x[i]
        s += 100 * a * a + b * b
    }
    return s
}

/// x³ with a custom rule whose partial is 2x² instead of 3x².
private func wrongCube(_ x: [Var<Dual<Double>>]) -> Var<Dual<Double>> {
    let v = x[0].value
    return Var.custom(value: v * v * v, x[0], partial: 2 * v * v) + x[1]
}

@Suite("gradientCheck")
struct GradientCheckTests {
    @Test func rosenbrockPassesInEveryMode() {
        let report = gradientCheck(of: checkRosenbrock, at: [0.5, 0.6, 0.7])
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 9)
        #expect(Set(report.entries.map(\.mode)) == [.reverse, .replay, .forward])
        #expect(report.maxRelativeError < 1e-7, "\(report)")
    }

    @Test func scalarFunctionsPass() {
        let report = gradientCheck(of: { x in x * sin(x) + exp(-x * x) }, at: 2.0)
        #expect(report.passed, "\(report)")
        #expect(report.entries.allSatisfy { $0.index == 0 })
    }

    @Test func floatPassesWithFloatTolerances() {
        let report = gradientCheck(of: checkRosenbrock, at: [0.5, 0.6, 0.7] as [Float],
                                   epsilon: 1e-3, absoluteTolerance: 1e-2, relativeTolerance: 1e-2)
        #expect(report.passed, "\(report)")
    }

    @Test func aWrongCustomRuleFailsInReverseModeOnly() {
        let report = gradientCheck(of: wrongCube, at: [1.5, -0.5])
        #expect(!report.passed)
        #expect(report.worstIndex == 0)
        #expect(report.worstEntry?.mode == .reverse)
        #expect(report.failures.map(\.mode) == [.reverse])
        #expect(Swift.abs(report.worstEntry!.analytic - 4.5) < 1e-12)
        #expect(Swift.abs(report.worstEntry!.numeric - 6.75) < 1e-6)
        #expect(!report.entries.contains { $0.mode == .replay }, "custom rules cannot be replayed")
        #expect(report.description.contains("FAILED: 1 of 4 entries"), "\(report)")
    }

    @Test func aKinkIsCaughtByFiniteDifferences() {
        // |x| at 0 has derivative 0 by convention; the central difference is 0 too, but
        // just beside the kink the one-sided slopes differ and the check must notice.
        let report = gradientCheck(of: { x in abs(x) }, at: 1e-7)
        #expect(!report.passed, "\(report)")
    }

    @Test func richardsonRescuesAnIllScaledEstimate() {
        // Large third derivative: the plain central difference at ε = 1e-2 is off by
        // ~h²·f‴/6 ≈ 1.7e-4·e⁵; extrapolation removes that.
        let plain = gradientCheck(of: { x in exp(5 * x) }, at: 1.0, epsilon: 1e-2,
                                  absoluteTolerance: 1e-9, relativeTolerance: 1e-9)
        #expect(plain.passed, "\(plain)")
    }

    @Test func nonFinitePointStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradientCheck(of: checkRosenbrock, at: [0.5, .nan, 0.7])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("gradientCheck: the point must be finite; element 1 is nan"), "\(message)")
        }
    }

    @Test func badEpsilonStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradientCheck(of: checkRosenbrock, at: [0.5, 0.7], epsilon: 0)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("gradientCheck: epsilon must be positive and finite; got 0.0"), "\(message)")
        }
    }
}

@Suite("hessianCheck")
struct HessianCheckTests {
    @Test func rosenbrockHessianPasses() {
        let report = hessianCheck(of: checkRosenbrock, at: [0.5, 0.6, 0.7])
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 9)
        #expect(report.entries.allSatisfy { $0.mode == .forwardOverReverse })
    }

    @Test func explicitDirections() {
        let report = hessianCheck(of: checkRosenbrock, at: [0.5, 0.6, 0.7], along: [[1, -2, 0.5]])
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 3)
    }

    @Test func aRuleRightAtFirstOrderButWrongAtSecondIsCaught() {
        // sin with the partial cos(x) frozen as a constant: the gradient is right, the
        // partial's own derivative (-sin x) is lost.
        let f = { (x: [Var<Dual<Double>>]) -> Var<Dual<Double>> in
            let v = x[0].value
            return Var.custom(value: sin(v), x[0], partial: Dual(cos(v.value)))
        }
        #expect(gradientCheck(of: f, at: [0.8]).passed)
        let report = hessianCheck(of: f, at: [0.8])
        #expect(!report.passed, "\(report)")
        #expect(report.worstIndex == 0)
    }

    @Test func directionOfTheWrongLengthStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = hessianCheck(of: checkRosenbrock, at: [0.5, 0.7], along: [[1, 0, 0]])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("hessianCheck: direction 0 has 3 elements but the point has 2"), "\(message)")
        }
    }
}

private func checkPolar<T: DifferentiableScalar>(_ p: [T]) -> [T] {
    [hypot(p[0], p[1]), atan2(p[1], p[0]), p[0] * p[1] * p[1]]
}

@Suite("jacobianCheck")
struct JacobianCheckTests {
    @Test func polarCoordinatesPass() {
        let report = jacobianCheck(of: checkPolar, at: [1.0, 2.0])
        #expect(report.passed, "\(report)")
        #expect(report.entries.count == 3 * 2 * 2)
    }

    @Test func aWrongRuleInOneOutputIsLocated() {
        let f = { (x: [Var<Dual<Double>>]) -> [Var<Dual<Double>>] in
            let v = x[1].value
            return [x[0] * x[1], Var.custom(value: exp(v), x[1], partial: exp(v) * 1.1)]
        }
        let report = jacobianCheck(of: f, at: [0.3, 0.7])
        #expect(!report.passed)
        #expect(report.worstIndex == 1 * 2 + 1)
        #expect(report.failures.allSatisfy { $0.index == 3 && $0.mode == .reverse })
    }
}

import Testing
import Wengert

/// Bad input stops with a message naming what was wrong (exit tests); numerical
/// failures are thrown by solveODE with the time reached, and stop odeint.
@Suite("ODE errors", .tags(.ode))
struct ODEErrorTests {
    @Test func timesNotStrictlyMonotonic() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>([1]), times: [0, 1, 1, 2]) { y, _, _ in y }
        }
        #expect(standardError(of: result).contains(
            "times must be strictly increasing (as times[0] to times[1] are); times[2] = 1.0 follows times[1] = 1.0"))
    }

    @Test func timesThatTurnBack() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>([1]), times: [3, 2, 2.5]) { y, _, _ in y }
        }
        #expect(standardError(of: result).contains("times must be strictly decreasing"))
    }

    @Test func noTimes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Float>([1]), times: []) { y, _, _ in y }
        }
        #expect(standardError(of: result).contains("times is empty; pass at least one time"))
    }

    @Test func dynamicsOfAnotherShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>(zeros: [2, 3]), times: [0, 1]) { y, _, _ in y.sum(alongAxes: 0) }
        }
        #expect(standardError(of: result).contains(
            "the dynamics returned shape [3] for a state of shape [2, 3] at time 0.0; dy/dt must have the state's shape"))
    }

    @Test func capturedTensorRequiringAGradientUnderAdjoint() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Tensor<Double>([2]).requiringGradient()
            let y0 = Tensor<Double>([1]).requiringGradient()
            _ = odeint(y0: y0, times: [0, 1]) { y, _, _ in y * w }
        }
        #expect(standardError(of: result).contains(
            "the dynamics closure uses a captured tensor that requires a gradient; under gradient: .adjoint"))
        #expect(standardError(of: result).contains("Pass it in `parameters`"))
    }

    @Test func capturedTensorIsFineUnderBackpropagation() {
        let w = Tensor<Double>([2]).requiringGradient()
        let ys = odeint(y0: Tensor<Double>([1]), times: [0, 1], gradient: .backpropagation) { y, _, _ in y * w }
        ys[1].sum().backward()
        // y(1) = e^w, d/dw = e^w.
        #expect(abs(w.grad!.scalar - Double.exp(2)) < 1e-5)
    }

    @Test func badTolerancesAndSteps() async {
        let tolerance = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>([1]), times: [0, 1], relativeTolerance: 0, absoluteTolerance: 0) { y, _, _ in y }
        }
        #expect(standardError(of: tolerance).contains("tolerances must be finite, non-negative and not both zero"))
        let step = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>([1]), times: [0, 1], method: .euler(step: -0.1)) { y, _, _ in y }
        }
        #expect(standardError(of: step).contains("the fixed step must be positive and finite; got -0.1"))
    }

    @Test func nonFiniteDerivativeIsThrownWithItsTime() {
        let y0 = Tensor<Double>([1, 1])
        #expect(throws: ODEError.self) {
            _ = try solveODE(y0: y0, times: [0, 2]) { y, t, _ in t > 0.5 ? y * Double.nan : y }
        }
        do {
            _ = try solveODE(y0: y0, times: [0, 2]) { y, t, _ in t > 0.5 ? y * Double.nan : y }
        } catch {
            guard case .nonFinite(let what, let time, let step) = error else {
                Issue.record("expected nonFinite, got \(error)")
                return
            }
            #expect(what == "derivative" && time > 0.5 && time < 2 && step >= 1)
            #expect(error.description.contains("non-finite derivative at time"))
        }
        #expect(y0.scalars == [1, 1])
    }

    @Test func stepSizeUnderflowNearABlowUp() {
        // y' = y² from 1 blows up at t = 1: the steps shrink to nothing just before it.
        do {
            _ = try solveODE(y0: Tensor<Double>([1]), times: [0, 2]) { y, _, _ in y * y }
            Issue.record("expected a failure")
        } catch {
            switch error {
            case .stepSizeUnderflow(let time, _):
                #expect(time > 0.99 && time < 1.01, "underflow at \(time)")
            case .nonFinite(_, let time, _):
                #expect(time > 0.99 && time <= 1.01)
            default:
                Issue.record("expected an underflow, got \(error)")
            }
        }
    }

    @Test func stepBudgetExceededNamesTheTimeReached() {
        do {
            _ = try solveODE(y0: Tensor<Float>([1, 0]), times: [0, 100], maximumSteps: 5) { y, t, _ in
                Tensor([y[1].scalar, -y[0].scalar])
            }
            Issue.record("expected stepBudgetExceeded")
        } catch {
            guard case .stepBudgetExceeded(let maximum, let time) = error else {
                Issue.record("expected stepBudgetExceeded, got \(error)")
                return
            }
            #expect(maximum == 5 && time > 0 && time < 100)
            #expect(error.description.contains("more than 5 step attempts needed; reached time"))
        }
    }

    @Test func odeintStopsOnANumericalFailure() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Double>([1]), times: [0, 10], method: .rungeKutta4(step: 1), maximumSteps: 3) { y, _, _ in y }
        }
        #expect(standardError(of: result).contains("odeint: more than 3 step attempts needed; reached time 3.0"))
    }
}

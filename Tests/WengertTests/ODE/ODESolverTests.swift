import Testing
import Wengert

/// The solvers against closed forms and hand-written loops.
@Suite("ODE solvers", .tags(.ode))
struct ODESolverTests {
    static let times: [Double] = [0, 0.5, 1.3, 2, 3.7]

    @Test func dopri5MatchesTheMatrixExponentialInDouble() {
        let a = LinearSpiral.matrix(Double.self)
        let ys = odeint(y0: Tensor<Double>(shape: [1, 2], scalars: [2, 0]), times: Self.times,
                        relativeTolerance: 1e-10, absoluteTolerance: 1e-12) { y, _, _ in matmul(y, a) }
        #expect(ys.shape == [5, 1, 2])
        for (i, t) in Self.times.enumerated() {
            let error = largestDifference(ys[i].scalars, LinearSpiral.solution([2, 0], t))
            #expect(error < 1e-8, "t = \(t): error \(error)")
        }
        #expect(ys[0].scalars == [2, 0])  // y0 exactly
    }

    @Test func dopri5MatchesTheMatrixExponentialInFloat() {
        let a = LinearSpiral.matrix(Float.self)
        let ys = odeint(y0: Tensor<Float>(shape: [1, 2], scalars: [2, 0]), times: Self.times.map { Float($0) },
                        relativeTolerance: 1e-5, absoluteTolerance: 1e-6) { y, _, _ in matmul(y, a) }
        for (i, t) in Self.times.enumerated() {
            let error = largestDifference(ys[i].scalars.map { Double($0) }, LinearSpiral.solution([2, 0], t))
            #expect(error < 1e-4, "t = \(t): error \(error)")
        }
    }

    @Test func decreasingTimesRunBackwards() {
        let a = LinearSpiral.matrix(Double.self)
        let end = LinearSpiral.solution([2, 0], 2)
        let back: [Double] = [2, 1.5, 0.25, 0]
        let ys = odeint(y0: Tensor(shape: [1, 2], scalars: end), times: back,
                        relativeTolerance: 1e-10, absoluteTolerance: 1e-12) { y, _, _ in matmul(y, a) }
        for (i, t) in back.enumerated() {
            #expect(largestDifference(ys[i].scalars, LinearSpiral.solution([2, 0], t)) < 1e-8)
        }
    }

    @Test func timeDependentDynamicsSeeTheirTime() {
        // y' = cos(t)·y  ⇒  y = y0·e^{sin t}; checks the time handed to each stage.
        let ts: [Double] = [0, 1, 2.5]
        let ys = odeint(y0: Tensor<Double>([1, -2]), times: ts, relativeTolerance: 1e-10, absoluteTolerance: 1e-12) {
            y, t, _ in y * Double.cos(t)
        }
        for (i, t) in ts.enumerated() {
            let e = Double.exp(Double.sin(t))
            #expect(largestDifference(ys[i].scalars, [e, -2 * e]) < 1e-8)
        }
    }

    @Test func aBatchIsOneStateOfAnyShape() {
        // Three trajectories of shape [3, 1, 2] solved together equal each solved alone
        // (to the tolerance: the shared step sizes differ).
        let a = LinearSpiral.matrix(Double.self)
        let starts: [[Double]] = [[2, 0], [0, 1], [-1, 0.5]]
        let batch = Tensor<Double>(shape: [3, 1, 2], scalars: starts.flatMap { $0 })
        let ys = odeint(y0: batch, times: [0, 1, 2], relativeTolerance: 1e-10, absoluteTolerance: 1e-12) { y, _, _ in
            matmul(y, a)
        }
        #expect(ys.shape == [3, 3, 1, 2])
        for (k, start) in starts.enumerated() {
            #expect(largestDifference(ys[2][k].scalars, LinearSpiral.solution(start, 2)) < 1e-8)
        }
    }

    @Test func requestedTimesAreInterpolatedNotStepped() {
        // Asking for 40 intermediate times must not add steps: the step sequence is that
        // of a solve to the last time alone, and the last state is bit for bit the same.
        let a = LinearSpiral.matrix(Double.self)
        let y0 = Tensor<Double>(shape: [1, 2], scalars: [2, 0])
        let few = ODEStatistics(), many = ODEStatistics()
        let end = odeint(y0: y0, times: [0, 4], statistics: few) { y, _, _ in matmul(y, a) }
        let dense = (0...40).map { Double($0) / 10 }
        let all = odeint(y0: y0, times: dense, statistics: many) { y, _, _ in matmul(y, a) }
        #expect(few.forwardSteps == many.forwardSteps)
        #expect(few.forwardEvaluations == many.forwardEvaluations)
        #expect(all[40].scalars == end[1].scalars)
        // The interpolant is accurate to about the tolerance between steps.
        for (i, t) in dense.enumerated() {
            #expect(largestDifference(all[i].scalars, LinearSpiral.solution([2, 0], t)) < 1e-5)
        }
    }

    @Test func evaluationCountsFollowTheMethod() {
        let a = LinearSpiral.matrix(Double.self)
        let y0 = Tensor<Double>(shape: [1, 2], scalars: [2, 0])
        let stats = ODEStatistics()
        _ = odeint(y0: y0, times: [0, 1, 3], statistics: stats) { y, _, _ in matmul(y, a) }
        // Two evaluations to start (f(y0) and the initial step's probe), six per attempt.
        #expect(stats.forwardEvaluations == 2 + 6 * (stats.forwardSteps + stats.forwardRejectedSteps))
        #expect(stats.forwardSteps > 5)
        _ = odeint(y0: y0, times: [0, 1, 3], method: .rungeKutta4(step: 0.1), statistics: stats) { y, _, _ in matmul(y, a) }
        #expect(stats.forwardSteps == 30 && stats.forwardEvaluations == 120)
        _ = odeint(y0: y0, times: [0, 1, 3], method: .euler(step: 0.25), statistics: stats) { y, _, _ in matmul(y, a) }
        #expect(stats.forwardSteps == 12 && stats.forwardEvaluations == 12)
        #expect(stats.adjointEvaluations == 0)
    }

    @Test func fixedStepMethodsEqualAHandWrittenLoop() {
        let a = LinearSpiral.matrix(Float.self)
        func f(_ y: Tensor<Float>, _ t: Float) -> Tensor<Float> { sin(matmul(y, a)) * (1 + t) }
        let y0 = Tensor<Float>(shape: [1, 2], scalars: [2, 0])
        // [0, 1]: ten steps of 0.1; [1, 1.25]: the step 0.1 does not divide 0.25, so three of 0.25/3.
        let times: [Float] = [0, 1, 1.25]
        let rk = odeint(y0: y0, times: times, method: .rungeKutta4(step: 0.1)) { y, t, _ in f(y, t) }
        let euler = odeint(y0: y0, times: times, method: .euler(step: 0.1)) { y, t, _ in f(y, t) }
        var yr = y0, ye = y0
        var expectedRK = [y0], expectedEuler = [y0]
        for (start, n) in [(Float(0), 10), (Float(1), 3)] {
            let h = (n == 10 ? Float(1) : Float(0.25)) / Float(n)
            for s in 0..<n {
                let t = start + Float(s) * h
                let k1 = f(yr, t), k2 = f(yr + (h / 2) * k1, t + h / 2)
                let k3 = f(yr + (h / 2) * k2, t + h / 2), k4 = f(yr + h * k3, t + h)
                yr = yr + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                ye = ye + h * f(ye, t)
            }
            expectedRK.append(yr)
            expectedEuler.append(ye)
        }
        for i in 0..<3 {
            #expect(rk[i].scalars == expectedRK[i].scalars)
            #expect(euler[i].scalars == expectedEuler[i].scalars)
        }
    }

    @Test func rungeKutta4ConvergesAtFourthOrder() {
        let a = LinearSpiral.matrix(Double.self)
        let y0 = Tensor<Double>(shape: [1, 2], scalars: [2, 0])
        let exact = LinearSpiral.solution([2, 0], 2)
        func error(_ step: Double) -> Double {
            let ys = odeint(y0: y0, times: [0, 2], method: .rungeKutta4(step: step)) { y, _, _ in matmul(y, a) }
            return largestDifference(ys[1].scalars, exact)
        }
        let ratio = error(0.1) / error(0.05)
        #expect(ratio > 14 && ratio < 18, "halving the step divided the error by \(ratio); fourth order gives 16")
    }

    @Test func aSingleTimeGivesY0() {
        let y0 = Tensor<Double>([1, 2, 3])
        let stats = ODEStatistics()
        let ys = odeint(y0: y0, times: [5], statistics: stats) { y, _, _ in y }
        #expect(ys.shape == [1, 3] && ys.scalars == [1, 2, 3])
        #expect(stats.forwardEvaluations == 0)
    }
}

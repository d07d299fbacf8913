import Testing
@testable import Wengert

/// Gradients through odeint: adjoint against backpropagation against finite
/// differences, closed forms, reversed time, and memory that does not grow with steps.
@Suite("ODE gradients", .tags(.ode))
struct ODEGradientTests {
    static var y0: Tensor<Double> { Tensor(shape: [3, 2], scalars: [0.5, -0.3, 1.0, 0.2, -0.7, 0.4]) }
    static var cotangent: Tensor<Double> { Tensor(randomNormal: [4, 3, 2], seed: 11) }

    /// ⟨u, odeint(...)⟩ and its gradients with respect to y0 and the MLP's parameters.
    static func gradients(_ mode: ODEGradient, times: [Double], statistics: ODEStatistics? = nil) -> [[Double]] {
        let y = y0.requiringGradient()
        let p = SmallMLP.parameters().map { $0.requiringGradient() }
        let ys = odeint(y0: y, times: times, parameters: p, relativeTolerance: 1e-10, absoluteTolerance: 1e-12,
                        gradient: mode, statistics: statistics, SmallMLP.dynamics)
        (ys * cotangent).sum().backward()
        return [y.grad!.scalars] + p.map { $0.grad!.scalars }
    }

    /// The same gradients by central differences of the unrecorded solve.
    static func finiteDifferences(times: [Double], step: Double = 1e-4) -> [[Double]] {
        let inputs = [y0] + SmallMLP.parameters()
        func loss(_ x: [Tensor<Double>]) -> Double {
            let ys = odeint(y0: x[0], times: times, parameters: Array(x.dropFirst()), relativeTolerance: 1e-12,
                            absoluteTolerance: 1e-14, SmallMLP.dynamics)
            return (ys * cotangent).sum().scalar
        }
        return inputs.indices.map { k in
            (0..<inputs[k].scalarCount).map { i in
                func shifted(_ delta: Double) -> Double {
                    var x = inputs
                    var s = x[k].scalars
                    s[i] += delta
                    x[k] = Tensor(shape: x[k].shape, scalars: s)
                    return loss(x)
                }
                return (shifted(step) - shifted(-step)) / (2 * step)
            }
        }
    }

    static func largestRelativeError(_ a: [[Double]], _ b: [[Double]]) -> Double {
        let scale = max(1, b.flatMap { $0 }.map { abs($0) }.max()!)
        return zip(a, b).map { largestDifference($0, $1) }.max()! / scale
    }

    @Test(arguments: [[0.0, 0.3, 0.7, 1.2], [1.2, 0.7, 0.3, 0.0]])
    func adjointAgreesWithBackpropagationAndFiniteDifferences(times: [Double]) {
        let stats = ODEStatistics()
        let adjoint = Self.gradients(.adjoint, times: times, statistics: stats)
        let backpropagation = Self.gradients(.backpropagation, times: times)
        let numeric = Self.finiteDifferences(times: times)
        #expect(adjoint.map(\.count) == [6, 12, 6, 12, 2])
        #expect(Self.largestRelativeError(adjoint, backpropagation) < 1e-7)
        #expect(Self.largestRelativeError(adjoint, numeric) < 1e-6)
        #expect(Self.largestRelativeError(backpropagation, numeric) < 1e-6)
        #expect(stats.forwardEvaluations > 0 && stats.adjointEvaluations > stats.forwardEvaluations)
        // A wrong sign or a dropped cotangent would not be small.
        #expect(adjoint.flatMap { $0 }.map { abs($0) }.max()! > 0.1)
    }

    @Test(arguments: [ODEGradient.adjoint, .backpropagation])
    func linearDynamicsGradientMatchesTheClosedForm(mode: ODEGradient) {
        // L = y(T)·w with y(T) = y0·exp(AT): ∂L/∂y0 = exp(AT)·w.
        let a = LinearSpiral.matrix(Double.self).requiringGradient()
        let y = Tensor<Double>(shape: [1, 2], scalars: [2, 0]).requiringGradient()
        let w = Tensor<Double>(shape: [1, 2], scalars: [0.3, -1.1])
        let ys = odeint(y0: y, times: [0, 1.5], parameters: [a], relativeTolerance: 1e-10, absoluteTolerance: 1e-12,
                        gradient: mode) { y, _, p in matmul(y, p[0]) }
        (ys[1] * w).sum().backward()
        let m = LinearSpiral.exponential(1.5)
        let expected = [m[0] * 0.3 + m[1] * -1.1, m[2] * 0.3 + m[3] * -1.1]
        #expect(largestDifference(y.grad!.scalars, expected) < 1e-8)
        // ∂L/∂A = ∫₀ᵀ y(t)ᵀ·a(t) dt with a(t) = exp(A(T-t))·w, by Simpson's rule on the closed form.
        var integral = [Double](repeating: 0, count: 4)
        let n = 2000
        for k in 0...n {
            let t = 1.5 * Double(k) / Double(n)
            let weight = (k == 0 || k == n) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0)
            let yt = LinearSpiral.solution([2, 0], t), e = LinearSpiral.exponential(1.5 - t)
            let at = [e[0] * 0.3 + e[1] * -1.1, e[2] * 0.3 + e[3] * -1.1]
            for i in 0..<2 { for j in 0..<2 { integral[i * 2 + j] += weight * yt[i] * at[j] } }
        }
        let dA = integral.map { $0 * 1.5 / Double(n) / 3 }
        #expect(largestDifference(a.grad!.scalars, dA) < 1e-7)
    }

    @Test func floatGradientsAgreeAcrossModes() {
        func run(_ mode: ODEGradient) -> [[Float]] {
            let y = Tensor<Float>(shape: [3, 2], scalars: Self.y0.scalars.map { Float($0) }).requiringGradient()
            let p = SmallMLP.parameters().map { Tensor<Float>(shape: $0.shape, scalars: $0.scalars.map { Float($0) }).requiringGradient() }
            let ys = odeint(y0: y, times: [0, 0.5, 1], parameters: p, relativeTolerance: 1e-6, absoluteTolerance: 1e-7,
                            gradient: mode) { y, t, p in matmul(tanh(matmul(y, p[0]) + p[1]), p[2]) + p[3] * (1 + 0.5 * t) }
            ys.squared().sum().backward()
            return [y.grad!.scalars] + p.map { $0.grad!.scalars }
        }
        let adjoint = run(.adjoint), backpropagation = run(.backpropagation)
        for (a, b) in zip(adjoint, backpropagation) { #expect(largestDifference(a, b) < 1e-3) }
    }

    @Test func adjointMemoryDoesNotGrowWithTheInterval() {
        // Entries recorded by the forward pass, before backward: the adjoint records a
        // fixed handful whatever the number of steps; backpropagation records every step.
        func entries(_ mode: ODEGradient, end: Double) -> (entries: Int, steps: Int) {
            onFreshThread { recordedEntries(mode, end: end) }
        }
        func recordedEntries(_ mode: ODEGradient, end: Double) -> (entries: Int, steps: Int) {
            let stats = ODEStatistics()
            let y = Tensor<Double>(shape: [1, 2], scalars: [2, 0]).requiringGradient()
            let a = LinearSpiral.matrix(Double.self).requiringGradient()
            let ys = odeint(y0: y, times: [0, end], parameters: [a], gradient: mode, statistics: stats) { y, _, p in
                matmul(y, p[0])
            }
            let count = Tensor<Double>.recordedEntryCount
            ys.sum().backward()
            return (count, stats.forwardSteps)
        }
        let short = entries(.adjoint, end: 1), long = entries(.adjoint, end: 10)
        #expect(long.steps > 3 * short.steps)
        #expect(short.entries == long.entries)
        let shortTape = entries(.backpropagation, end: 1), longTape = entries(.backpropagation, end: 10)
        #expect(longTape.entries > 3 * shortTape.entries)
    }

    @Test func unusedParametersGetZeroGradientsAndInputsStayUntouched() {
        let y = Tensor<Double>([1, 2]).requiringGradient()
        let used = Tensor<Double>([0.5]).requiringGradient(), unused = Tensor<Double>([3, 4]).requiringGradient()
        let ys = odeint(y0: y, times: [0, 1], parameters: [used, unused]) { y, _, p in y * p[0] }
        ys[1].sum().backward()
        #expect(unused.grad!.scalars == [0, 0])
        #expect(abs(used.grad!.scalar - Double.exp(0.5) * 3) < 1e-6)  // d/dk Σ y0·e^{k} = 3·e^{0.5}
        #expect(y.scalars == [1, 2] && used.scalars == [0.5] && unused.scalars == [3, 4])
    }

    @Test func noGradientNeededRecordsNothing() {
        let ys = odeint(y0: Tensor<Double>([1, 2]), times: [0, 1]) { y, _, _ in -y }
        #expect(!ys.requiresGradient)
        let zs = withoutGradient {
            odeint(y0: Tensor<Double>([1, 2]).requiringGradient(), times: [0, 1]) { y, _, _ in -y }
        }
        #expect(!zs.requiresGradient)
        #expect(abs(zs[1][0].scalar - Double.exp(-1)) < 1e-6)
    }
}

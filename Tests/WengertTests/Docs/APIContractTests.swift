import Testing
import Wengert

// The public spellings that programs outside the package call (README's examples and the
// names ARCHITECTURE.md lists), compiled and run as written, each with a value a wrong
// implementation would miss. `rosenbrock` is Support/TestFunctions.swift's.

@Suite("API contract")
struct APIContractTests {
    @Test func oneFunctionEveryMode() {
        let x: [Double] = [0.5, 0.6, 0.7]
        let f = rosenbrock(x)
        let g1 = gradient(of: rosenbrock, at: x)
        let g2 = Forward.gradient(of: rosenbrock, at: x)
        let g3 = FiniteDifferences.gradient(of: rosenbrock, at: x)
        let H = hessian(of: rosenbrock, at: x)
        let Hv = hessianVectorProduct(of: rosenbrock, at: x, along: [1, 0, 0])
        #expect(f > 0)
        for i in 0..<3 {
            #expect(Swift.abs(g1[i] - g2[i]) < 1e-12 && Swift.abs(g1[i] - g3[i]) < 1e-6)
            #expect(Swift.abs(H[i][0] - Hv[i]) < 1e-12)
        }
    }

    @Test func forwardMode() {
        let x = Dual(3.0, derivative: 1.0)
        let y = x * x + sin(x)
        #expect(y.value == 9 + sin(3.0) && y.derivative == 6 + cos(3.0))
        #expect(derivative(of: { x in x * sin(x) }, at: 2.0) == sin(2.0) + 2 * cos(2.0))
        let vd = valueWithDerivative(of: { x in exp(x) }, at: 1.0)
        #expect(vd.value == exp(1.0) && vd.derivative == exp(1.0))
        #expect(derivative(of: { x in derivative(of: { y in x * y * y }, at: x) }, at: 3.0) == 12)
        let v: [Double] = [1, 2]
        let J = Forward.jacobian(of: { (x: [MultiDual<SIMD8<Double>>]) in [x[0] * x[1], sin(x[0])] }, at: v)
        #expect(J.count == 2 && J[0] == [2, 1])
        let jvp = Forward.jvp(of: { (x: [Dual<Double>]) in [x[0] * x[1]] }, at: v, along: [1, 0])
        #expect(jvp.value == [2] && jvp.tangent == [2])
    }

    @Test func reverseMode() {
        let x: [Double] = [0.5, 0.6, 0.7]
        let vg = valueWithGradient(of: rosenbrock, at: x)
        #expect(vg.value == rosenbrock(x) && vg.gradient.count == 3)
        let g = { (x: [Var<Double>]) in [x[0] * x[1], x[1] + x[2]] }
        let J = Reverse.jacobian(of: g, at: x)
        #expect(J == [[0.6, 0.5, 0], [0, 1, 1]])
        let vjp = Reverse.vjp(of: g, at: x, along: [1, 1])
        #expect(vjp.cotangent == [0.6, 1.5, 1])
        let tape = Tape<Double>()
        let a = tape.variable(3.0), b = tape.variable(4.0)
        let z = a * b + sin(a)
        let adjoints = tape.gradient(of: z)
        #expect(adjoints[a] == 4 + cos(3.0) && adjoints[b] == 3)
        tape.reset()
    }

    @Test func tensorsAndTheSeedSpellings() {
        let a = Tensor<Float>([1, 2, 3])
        let m = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let z = Tensor<Float>(zeros: [2, 3]), o = Tensor<Float>(ones: [2, 2])
        let s = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 2000)
        #expect(m.shape == [2, 2] && m.scalars == [1, 2, 3, 4] && a.sum().scalar == 6)
        #expect(z.shape == [2, 3] && o.scalars == [1, 1, 1, 1] && s.shape == [2000])
        #expect(a[0].scalar == 1)
        #expect(sin(Tensor<Float>(2.5)).scalar == sin(Float(2.5)))

        let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
        let out = ((x + 2) * (x + 2) * 3).mean()
        out.backward()
        #expect(x.grad!.scalars == [4.5, 4.5, 4.5, 4.5])
        ((x + 2) * (x + 2) * 3).mean().backward()
        #expect(x.grad!.scalars == [9, 9, 9, 9])
        x.zeroGradient()
        #expect(x.grad?.scalars == [0, 0, 0, 0])
        #expect(x.requiresGradient)
        let v = withoutGradient { (x * 3).sum() }
        #expect(!v.requiresGradient && v.scalar == 12)
        let y = (x * 2).sum()
        y.backward(seed: Tensor(2))
        #expect(x.grad!.scalars == [4, 4, 4, 4])

        let tun = Tensor<Float>([3.57, 5.59]), tc = Tensor<Float>([0.5, 14.0])
        var params = Tensor<Float>([1, 0]).requiringGradient()
        let loss = (params[0] * tun + params[1] - tc).squared().mean()
        loss.backward()
        params = (params - 1e-2 * params.grad!).detached().requiringGradient()
        #expect(params.requiresGradient && params.grad == nil)

        let p3 = CustomFunction<Float>(
            forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
            backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })
        let (a0, b0, c0, d0) = (Tensor<Float>(0), Tensor<Float>(-1), Tensor<Float>(0), Tensor<Float>(0.3))
        let xs = Tensor<Float>(linspace: -1, 1, count: 5)
        let yPred = a0 + b0 * p3(c0 + d0 * xs)
        #expect(yPred.shape == [5])
    }

    @Test func devicesAndChecks() {
        // Section 5 (devices) runs on an OpenCL device in
        // TensorOnDeviceTests.apiSnippetRunsOnTheDeviceAndMatchesTheCPU.
        #expect(Tensor<Float>(randomNormal: [4], seed: 1).moved(to: .cpu).device == .cpu)
        let report = gradientCheck(of: rosenbrock, at: [0.5, 0.6, 0.7])
        // Reverse mode against central differences: agreement to difference precision.
        #expect(report.passed && report.maxAbsoluteError < 1e-5 && report.maxRelativeError < 1e-6, "\(report)")
        #expect(report.worstIndex.map { (0..<3).contains($0) } == true)
        #expect(String(describing: report).contains("gradient"), "\(report)")
    }
}

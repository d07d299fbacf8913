import Testing
import Wengert

// The README's snippets, run as written, so the front page cannot drift from the code.

// `rosenbrock` is the README's function, shared with the reverse-mode tests
// (Reverse/ReverseTestSupport.swift).

@Suite("README examples")
struct ReadmeExampleTests {
    @Test func tourAgreesAcrossModes() {
        let x: [Double] = [0.5, 0.6, 0.7]
        let g1 = gradient(of: rosenbrock, at: x)
        let g2 = Forward.gradient(of: rosenbrock, at: x)
        let g3 = FiniteDifferences.gradient(of: rosenbrock, at: x)
        let exact: [Double] = [-2 * 0.5 * 200 * (0.6 - 0.25) - 2 * 0.5,
                               200 * (0.6 - 0.25) - 400 * 0.6 * (0.7 - 0.36) - 2 * 0.4,
                               200 * (0.7 - 0.36)]
        for i in 0..<3 {
            #expect(Swift.abs(g1[i] - exact[i]) < 1e-12)
            #expect(Swift.abs(g2[i] - exact[i]) < 1e-12)
            #expect(Swift.abs(g3[i] - exact[i]) < 1e-6)
        }
        let H = hessian(of: rosenbrock, at: x)
        let Hv = hessianVectorProduct(of: rosenbrock, at: x, along: [1, 0, 0])
        for i in 0..<3 { #expect(Swift.abs(H[i][0] - Hv[i]) < 1e-12) }
        #expect(Swift.abs(H[0][0] - (1200 * 0.25 - 400 * 0.6 + 2)) < 1e-9)
    }

    @Test func nestedDerivative() {
        #expect(derivative(of: { x in derivative(of: { y in x * y * y }, at: x) }, at: 3.0) == 12)
    }

    @Test func explicitTape() {
        let tape = Tape<Double>()
        let a = tape.variable(3.0), b = tape.variable(4.0)
        let z = a * b + sin(a)
        let adjoints = tape.gradient(of: z)
        #expect(adjoints[a] == 4 + cos(3.0))
        #expect(adjoints[b] == 3)
        tape.reset()
    }

    @Test func tensorTrainingLoop() {
        var w = Tensor<Float>([1.0]).requiringGradient()
        let x: [Float] = [1, 2, 3], y: [Float] = [2, 4, 6]
        for _ in 0..<100 {
            for (xi, yi) in zip(x, y) {
                let loss = (w * xi - yi).squared().sum()
                loss.backward()
                withoutGradient { w -= 0.01 * w.grad! }
                w.zeroGradient()
            }
        }
        #expect(Swift.abs(w.scalars[0] - 2) < 1e-4)
    }

    @Test func valueSemanticsMakeInPlaceMutationSafe() {
        let x = Tensor<Float>([1, 2, 3]).requiringGradient()
        var y = x * 2
        let z = (y * y).sum()
        y += 100
        z.backward()
        #expect(x.grad!.scalars == [8, 16, 24])
        #expect(y.scalars == [102, 104, 106])
    }

    @Test func gradientChecks() {
        let x: [Double] = [0.5, 0.6, 0.7]
        let report = gradientCheck(of: rosenbrock, at: x)
        #expect(report.passed)
        #expect(report.maxRelativeError < 1e-3)
        #expect(hessianCheck(of: rosenbrock, at: x).passed)
        let wrong = CustomFunction<Double>(forward: { x in x * x * x },
                                           backward: { x, upstream in upstream * 2 * x * x })
        #expect(!gradientCheck(of: { x in wrong(x).sum() }, at: Tensor<Double>([0.5, -1.5])).passed)
    }
}

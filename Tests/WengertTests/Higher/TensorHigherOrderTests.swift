import Testing
import Wengert

@Suite("Higher-order derivatives of tensor programs", .tags(.tensor, .higherOrder))
struct TensorHigherOrderTests {
    @Test func recordedGradientDifferentiatesAgain() {
        let x = Tensor<Double>([0.5, -1, 2]).requiringGradient()
        let y = (x * x * x).sum()
        let g = gradients(of: y, withRespectTo: [x], creatingGraph: true)[0]
        #expect(g.requiresGradient && !g.isLeaf)
        #expect(g.scalars == [0.75, 3, 12])  // 3x²
        let h = gradients(of: g.sum(), withRespectTo: [x])[0]
        #expect(h.scalars == [3, -6, 12])  // 6x
        #expect(x.grad == nil)
    }

    /// `a[i]` records one slice whose result has the axis dropped; a recorded backward
    /// gives the cotangent its axis back, and differentiates again through it.
    @Test func secondDerivativeThroughAnIndex() {
        let x = Tensor<Double>(shape: [3, 2], scalars: [0.5, -1, 2, 1.5, -0.25, 3]).requiringGradient()
        let row = x[1]
        #expect(row.shape == [2] && row.scalars == [2, 1.5])
        #expect(row.gradientFunctionName == "SliceBackward")
        let g = gradients(of: (row * row * row).sum(), withRespectTo: [x], creatingGraph: true)[0]
        #expect(g.shape == [3, 2] && g.requiresGradient)
        #expect(g.scalars == [0, 0, 12, 6.75, 0, 0])  // 3x² in row 1
        let h = gradients(of: g.sum(), withRespectTo: [x])[0]
        #expect(h.scalars == [0, 0, 12, 9, 0, 0])  // 6x
    }

    @Test func backwardCreatingGraphLeavesATrackedGradient() {
        let w = Tensor<Double>(shape: [2, 2], scalars: [0.3, -0.2, 0.5, 0.1]).requiringGradient()
        let x = Tensor<Double>([0.4, -0.7]).requiringGradient()
        let y = tanh(matmul(w, x.reshaped(to: [2, 1]))).squared().sum()
        y.backward(creatingGraph: true)
        let gx = x.grad!
        #expect(gx.requiresGradient)
        // The penalty ‖∇ₓy‖², differentiated: reaches w.grad as the second derivatives.
        w.zeroGradient()
        x.zeroGradient()
        gx.squared().sum().backward()
        let f: (Tensor<Double>) -> Tensor<Double> = { wt in
            let xl = x.detached().requiringGradient()
            let yy = tanh(matmul(wt, xl.reshaped(to: [2, 1]))).squared().sum()
            return gradients(of: yy, withRespectTo: [xl], creatingGraph: true)[0].squared().sum()
        }
        let report = gradientCheck(of: f, at: w.detached())
        #expect(report.passed, "\(report)")
        let numeric = fdGradient(f, at: w.detached())
        #expect(close(w.grad!.scalars, numeric, tolerance: 1e-7), "\(w.grad!.scalars) vs \(numeric)")
    }

    @Test func hessianOfACubic() {
        let h = hessian(of: { x in (x * x * x).sum() }, at: Tensor<Double>([1, 2]))
        #expect(h.shape == [2, 2])
        #expect(h.scalars == [6, 0, 0, 12])
    }

    @Test func hessianVectorProductMatchesTheHessian() {
        let a = Tensor<Double>(randomNormal: [3, 4], seed: 7)
        let f = { (x: Tensor<Double>) in logSoftmax(matmul(a, x.reshaped(to: [4, 1])), alongAxis: 0).sum() + sin(x).sum() }
        let x = Tensor<Double>([0.1, -0.4, 0.8, 0.3]), v = Tensor<Double>([1, -2, 0.5, 0.25])
        let h = hessian(of: f, at: x)
        let hv = hessianVectorProduct(of: f, at: x, along: v)
        let want = (0..<4).map { i in (0..<4).reduce(0.0) { $0 + h.scalars[i * 4 + $1] * v.scalars[$1] } }
        #expect(close(hv.scalars, want, tolerance: 1e-12))
        for i in 0..<4 { for j in 0..<4 { #expect(Swift.abs(h.scalars[i * 4 + j] - h.scalars[j * 4 + i]) < 1e-12) } }
        #expect(hessianCheck(of: f, at: x).passed)
    }

    @Test func jacobianRowsByReverse() {
        let x = Tensor<Double>([0, 1])
        let j = Reverse.jacobian(of: { x in sin(x) * 2 }, at: x)
        #expect(j.shape == [2, 2])
        #expect(close(j.scalars, [2, 0, 0, 2 * Double.cos(1)], tolerance: 1e-15))
        let k = Reverse.jacobian(of: { x in matmul(x.reshaped(to: [1, 2]), Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])) }, at: x)
        #expect(k.shape == [1, 3, 2])
        #expect(k.scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test func aConstantOrLinearFunctionHasAZeroHessian() {
        let x = Tensor<Double>([1, 2])
        #expect(hessian(of: { x in (x * 3).sum() }, at: x).scalars == [0, 0, 0, 0])
        #expect(hessianVectorProduct(of: { _ in Tensor<Double>(2) }, at: x, along: x).scalars == [0, 0])
    }

    @Test func creatingGraphKeepsTheRecordingForASecondBackward() {
        let x = Tensor<Double>([0.5, 2]).requiringGradient()
        let y = exp(x).sum()
        let g = gradients(of: y, withRespectTo: [x], creatingGraph: true)[0]
        // The graph was kept: a backward of y still works, and so does g's afterwards.
        y.backward(retainingGraph: true)
        #expect(close(x.grad!.scalars, [Double.exp(0.5), Double.exp(2)], tolerance: 1e-15))
        #expect(close(gradients(of: g.sum(), withRespectTo: [x])[0].scalars, [Double.exp(0.5), Double.exp(2)], tolerance: 1e-15))
    }

    @Test func differentiableCustomFunctionPassesSecondOrderCheck() {
        let cube = CustomFunction<Double>(
            name: "cube", differentiableBackward: true, forward: { x in x * x * x },
            backward: { x, upstream in upstream * 3 * x * x })
        let report = hessianCheck(of: { x in sin(cube(x)).sum() }, at: Tensor<Double>([0.5, -0.8, 1.1]))
        #expect(report.passed, "\(report)")
        #expect(report.entries.allSatisfy { $0.mode == .reverseOverReverse })
        // A wrong second derivative (a backward right in value, not in its dependence on x).
        let frozen = CustomFunction<Double>(
            name: "frozen", differentiableBackward: true, forward: { x in x * x * x },
            backward: { x, upstream in upstream * 3 * x.detached() * x.detached() })
        #expect(gradientCheck(of: { x in frozen(x).sum() }, at: Tensor<Double>([0.5, -0.8])).passed)
        #expect(!hessianCheck(of: { x in frozen(x).sum() }, at: Tensor<Double>([0.5, -0.8])).passed)
    }

    @Test func firstDerivativesThroughAPlainCustomFunctionStillWork() {
        let cube = CustomFunction<Double>(forward: { x in x * x * x }, backward: { x, upstream in upstream * 3 * x * x })
        let x = Tensor<Double>([0.5, -1]).requiringGradient()
        let g = gradients(of: cube(x).sum(), withRespectTo: [x], creatingGraph: true)[0]
        #expect(g.scalars == [0.75, 3])
    }

    @Test func secondDerivativeThroughAPlainCustomFunctionStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let cube = CustomFunction<Double>(
                name: "cube", forward: { x in x * x * x }, backward: { x, upstream in upstream * 3 * x * x })
            _ = hessian(of: { x in cube(x).sum() }, at: Tensor<Double>([0.5, -1]))
        }
        let text = stderrText(result)
        #expect(text.contains("a second derivative reached cube, whose backward is not differentiable"), "\(text)")
        #expect(text.contains("differentiableBackward: true"))
    }

    @Test func anUnnamedCustomFunctionIsNamedByWhereItWasMade() {
        let f = CustomFunction<Double>(forward: { $0 }, backward: { _, g in g })
        #expect(f.name.hasPrefix("CustomFunction made at WengertTests/TensorHigherOrderTests.swift:"), "\(f.name)")
    }

    @Test func hessianNeedsAOneScalarResult() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = hessian(of: { x in x * 2 }, at: Tensor<Double>([1, 2]))
        }
        #expect(stderrText(result).contains("hessian needs a function with one scalar result; it returned shape [2]"))
    }
}

/// Central differences of the gradient of a one-scalar tensor function.
func fdGradient(_ f: (Tensor<Double>) -> Tensor<Double>, at x: Tensor<Double>, h: Double = 1e-5) -> [Double] {
    var scalars = x.scalars
    return x.scalars.indices.map { i in
        let xi = scalars[i]
        scalars[i] = xi + h
        let up = f(Tensor(shape: x.shape, scalars: scalars)).scalar
        scalars[i] = xi - h
        let down = f(Tensor(shape: x.shape, scalars: scalars)).scalar
        scalars[i] = xi
        return (up - down) / (2 * h)
    }
}

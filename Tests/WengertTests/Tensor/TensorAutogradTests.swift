import Testing
@testable import Wengert

/// The tensor autograd semantics (PyTorch's, as README's tensor section states them),
/// checked one contract line at a time.
@Suite("Tensor autograd semantics", .tags(.tensor))
struct TensorAutogradTests {
    @Test func constructionAndReadingBack() {
        let a = Tensor<Float>([1, 2, 3])
        let m = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(m.shape == [2, 2])
        #expect(m.scalars == [1, 2, 3, 4])
        #expect(a.sum().scalar == 6)
        #expect(a[0].scalar == 1)
        #expect(Tensor<Float>(zeros: [2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor<Float>(ones: [2, 2]).scalars == [1, 1, 1, 1])
        let s = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 2000)
        #expect(s.shape == [2000] && s.scalars.first == -Float.pi && s.scalars.last == Float.pi)
        #expect(Tensor<Double>(arange: 0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor<Float>(2.5).shape == [] && sin(Tensor<Float>(2.5)).scalar == sin(Float(2.5)))
        #expect(Tensor<Double>(randomNormal: [3], seed: 9).scalars == Tensor<Double>(randomNormal: [3], seed: 9).scalars)
        let u = Tensor<Double>(randomUniform: [1000], lower: 2, upper: 3, seed: 1).scalars
        #expect(u.allSatisfy { $0 >= 2 && $0 < 3 })
    }

    @Test func accumulationZeroingAndSeeds() {
        let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
        ((x + 2) * (x + 2) * 3).mean().backward()
        #expect(x.grad!.scalars == [4.5, 4.5, 4.5, 4.5])
        ((x + 2) * (x + 2) * 3).mean().backward()
        #expect(x.grad!.scalars == [9, 9, 9, 9])
        x.zeroGradient()
        #expect(x.grad!.scalars == [0, 0, 0, 0])
        #expect(x.requiresGradient && x.isLeaf)
        let v = withoutGradient { (x * 3).sum() }
        #expect(v.scalar == 12 && !v.requiresGradient)
        let y = (x * 2).sum()
        y.backward(seed: Tensor(2))
        #expect(x.grad!.scalars == [4, 4, 4, 4])
        #expect(!(x * 2).detached().requiresGradient)
    }

    @Test func gradientFunctionNames() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        #expect(x.gradientFunctionName == nil)
        #expect((x * x).gradientFunctionName == "MultiplyBackward")
        #expect(sin(x).gradientFunctionName == "SinBackward")
        #expect(matmul(x.reshaped(to: [1, 2]), x.reshaped(to: [2, 1])).gradientFunctionName == "MatmulBackward")
        #expect("\(x + 1)".contains("grad_fn AddBackward"))
        #expect("\(Tensor<Double>(arange: 0, 1000))" == "[0.0, 1.0, 2.0, ..., 997.0, 998.0, 999.0] shape [1000]")
    }

    @Test func leafUpdateInsideWithoutGradientKeepsIdentity() {
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
        #expect(abs(w.scalar - 2) < 1e-4)
        #expect(w.isLeaf && w.requiresGradient)
    }

    @Test func valueSemanticsNeedNoVersionCounter() {
        let x = Tensor<Double>([0.5, 1.5]).requiringGradient()
        var y = exp(x)
        let z = y * 2
        y += 1  // rebinds y; the recording keeps the exp(x) it saved
        z.sum().backward()
        #expect(x.grad!.scalars == x.scalars.map { 2 * Double.exp($0) })
        #expect(y.scalars == x.scalars.map { Double.exp($0) + 1 })
    }

    @Test func onlyLeavesKeepGradientsUnlessAsked() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let hidden = (x * 3).retainingGradient()
        let other = x * 4
        (hidden * other).sum().backward()
        #expect(hidden.grad!.scalars == other.scalars)
        #expect(other.grad == nil && !other.isLeaf)
        #expect(x.grad!.scalars == x.scalars.map { 24 * $0 })
    }

    @Test func retainedGraphAllowsASecondBackward() {
        let x = Tensor<Double>([3]).requiringGradient()
        let y = (x * x).sum()
        y.backward(retainingGraph: true)
        y.backward()
        #expect(x.grad!.scalars == [12])
    }

    @Test func seedProgramParamsLoop() {
        let tc = Tensor<Float>([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
        let tun = 0.1 * Tensor<Float>([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
        var params = Tensor<Float>([1, 0]).requiringGradient()
        var last: Float = 0
        for _ in 0..<5000 {
            let loss = (params[0] * tun + params[1] - tc).squared().mean()
            loss.backward()
            last = loss.scalar
            params = (params - 1e-2 * params.grad!).detached().requiringGradient()
        }
        #expect(abs(params.scalars[0] - 5.3671) < 1e-3)
        #expect(abs(params.scalars[1] - (-17.3012)) < 1e-2)
        #expect(abs(last - 2.927645) < 1e-4)
    }

    /// The loop of `wengert-examples linear-regression`, duplicated (the test target
    /// cannot import the executable): its final figures are the tutorial's.
    @Test func linearRegressionExampleFigures() {
        // On a thread of its own: it counts the thread's recorded entries (onFreshThread).
        let (losses, params, entriesLeft) = onFreshThread {
            let tc = Tensor<Float>([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
            let tun = 0.1 * Tensor<Float>([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
            var params = Tensor<Float>([1, 0]).requiringGradient()
            var losses: [Float] = []
            for epoch in 1...5000 {
                params.zeroGradient()
                let loss = (params[0] * tun + params[1] - tc).squared().mean()
                loss.backward()
                withoutGradient { params -= 1e-2 * params.grad! }
                if epoch % 500 == 0 { losses.append(loss.scalar) }
            }
            return (losses, params.scalars, Tensor<Float>.recordedEntryCount)
        }
        #expect(abs(losses[0] - 7.860116) < 1e-4)
        #expect(abs(params[0] - 5.3671) < 1e-3)
        #expect(abs(params[1] - (-17.3012)) < 1e-2)
        #expect(abs(losses.last! - 2.927645) < 1e-4)
        #expect(entriesLeft == 0)
    }

    @Test func recordingIsFreedByBackwardOrWithItsLastTensor() {
        let (alive, gone, mostAfterBackward, grad) = onFreshThread {
            let x = Tensor<Float>([1, 2]).requiringGradient()
            var alive = 0
            do {
                let y = (x * 3).sum()
                alive = Tensor<Float>.recordedEntryCount
                _ = y
            }
            let gone = Tensor<Float>.recordedEntryCount
            var most = 0
            for _ in 0..<1000 {
                let loss = (x * 3).sum()
                loss.backward()
                most = max(most, Tensor<Float>.recordedEntryCount)
            }
            return (alive, gone, most, x.grad!.scalars)
        }
        #expect(alive == 3)  // leaf, multiply, sum
        #expect(gone == 0)  // nothing refers to it: gone
        #expect(mostAfterBackward == 0)  // freed by backward
        #expect(grad == [3000, 3000])
    }

    @Test func customFunctionMatchesLegendreSeed() {
        let p3 = CustomFunction<Float>(
            forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
            backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })
        let x = Tensor<Float>([0.5]).requiringGradient()
        let y = p3(x)
        y.sum().backward()
        #expect(abs(y.scalar - 0.5 * (5 * 0.125 - 1.5)) < 1e-6)
        #expect(abs(x.grad!.scalar - 1.5 * (5 * 0.25 - 1)) < 1e-6)
        #expect(y.gradientFunctionName == "CustomBackward")
    }
}

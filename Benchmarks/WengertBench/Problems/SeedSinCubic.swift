import Wengert

/// The seeds' cubic fit of sin x (PyTorch's "Learning PyTorch with examples"): 2000
/// points of [-π, π], a + bx + cx² + dx³ fitted to sin x by gradient descent on the
/// summed squared error, learning rate 1e-6, from the seed's random start. The size is
/// the number of steps.
struct SeedSinCubic: TrainingLoop {
    let steps: Int
    /// Where `autograd()` runs (`wengert-bench --device` times it on each device).
    var device: Device = .cpu
    static let points = 2_000
    static let learningRate: Float = 1e-6
    var parameterCount: Int { 4 }
    var publishedFigures: [Double]? { nil }
    /// The seed's start: four normal draws from seed 42.
    var start: [Float] { Tensor<Float>(randomNormal: [4], seed: 42).scalars }

    func handWritten() -> [Float] {
        let x = Tensor<Float>(linspace: -Float.pi, opaque(Float.pi), count: Self.points)
        let y = sin(x)
        let lr = Self.learningRate, s = start
        var (a, b, c, d) = (s[0], s[1], s[2], s[3])
        var lastLoss: Float = 0
        for _ in 0..<steps {
            let x2 = pow(x, n: 2), x3 = pow(x, n: 3)
            let yPred = a + b * x + c * x2 + d * x3
            lastLoss = (yPred - y).squared().sum().scalar
            let g = 2 * (yPred - y)
            a -= lr * g.sum().scalar
            b -= lr * (g * x).sum().scalar
            c -= lr * (g * x2).sum().scalar
            d -= lr * (g * x3).sum().scalar
        }
        return [a, b, c, d, lastLoss]
    }

    func autograd() -> [Float] { train(fused: false) }

    /// `autograd()` with the residual's square summed as one fused program, the cubic
    /// in Horner's form: x's products, the sums, residual and square of a step are one
    /// pass forward and one backward.
    func fused() -> [Float] { train(fused: true) }

    /// The seed's loop, its loss recorded as tensor operations or as one `LazyTensor`.
    private func train(fused: Bool) -> [Float] {
        let x = Tensor<Float>(linspace: -Float.pi, opaque(Float.pi), count: Self.points).moved(to: device)
        let y = sin(x)
        let lr = Self.learningRate, s = start
        var p = (0..<4).map { Tensor<Float>(shape: [], scalars: [s[$0]], on: device).requiringGradient() }
        var lastLoss: Float = 0
        for _ in 0..<steps {
            let loss: Tensor<Float>
            if fused {
                let xl = x.lazy
                let yPred = p[0].lazy + xl * (p[1].lazy + xl * (p[2].lazy + xl * p[3].lazy))
                loss = (yPred - y.lazy).squared().sum()
            } else {
                // x ** 2 and x ** 3 as the seed writes them: x needs no gradient, so the
                // powers are untracked and only the products with the parameters are recorded.
                let yPred = p[0] + p[1] * x + p[2] * pow(x, n: 2) + p[3] * pow(x, n: 3)
                loss = (yPred - y).squared().sum()
            }
            lastLoss = loss.scalar
            loss.backward()
            withoutGradient {
                for i in 0..<4 {
                    p[i] -= lr * p[i].grad!
                    p[i].zeroGradient()
                }
            }
        }
        return p.map(\.scalar) + [lastLoss]
    }

    func reference() -> [Double] {
        let x = Tensor<Float>(linspace: -Float.pi, Float.pi, count: Self.points).scalars.map { Double($0) }
        let y = x.map { sin($0) }
        let lr = Double(Self.learningRate), s = start.map { Double($0) }
        var (a, b, c, d) = (s[0], s[1], s[2], s[3])
        var lastLoss = 0.0
        for _ in 0..<steps {
            var loss = 0.0, ga = 0.0, gb = 0.0, gc = 0.0, gd = 0.0
            for i in x.indices {
                let xi = x[i], x2 = xi * xi, x3 = x2 * xi
                let r = a + b * xi + c * x2 + d * x3 - y[i]
                loss += r * r
                ga += 2 * r; gb += 2 * r * xi; gc += 2 * r * x2; gd += 2 * r * x3
            }
            lastLoss = loss
            a -= lr * ga; b -= lr * gb; c -= lr * gc; d -= lr * gd
        }
        return [a, b, c, d, lastLoss]
    }
}

extension Problem {
    static let seedSinCubic = Problem(
        name: "seed-sin-cubic",
        summary: "the seeds' whole cubic fit of sin x: 2000 points, lr 1e-6, one loop (size: steps)",
        sizeMeaning: "steps", defaultSizes: [2_000], quickSizes: [2_000], minimumSize: 1,
        make: { steps in .loop(SeedSinCubic(steps: steps)) })
}

import Wengert

/// The seeds' linear regression (Deep Learning with PyTorch, chapter 5): Celsius from an
/// unknown thermometer's units on 11 points, inputs scaled by 0.1, w·x + b fitted by
/// gradient descent with learning rate 1e-2. The size is the number of epochs.
struct SeedLinearRegression: TrainingLoop {
    let epochs: Int
    /// Where `autograd()` runs (`wengert-bench --device` times it on each device).
    var device: Device = .cpu
    static let tc: [Float] = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
    static let tu: [Float] = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]
    var parameterCount: Int { 2 }

    /// What the seed prints after its 5000 epochs: w, b, the last loss.
    var publishedFigures: [Double]? { epochs == 5_000 ? [5.3671, -17.3012, 2.927647] : nil }

    func autograd() -> [Float] { train(fused: false) }

    /// `autograd()` with the seed's loss as one fused program: the same parameters,
    /// recording and update; the five elementwise entries and the mean become one.
    func fused() -> [Float] { train(fused: true) }

    /// The seed's loop, its loss recorded as tensor operations or as one `LazyTensor`.
    private func train(fused: Bool) -> [Float] {
        let tc = Tensor<Float>(shape: [Self.tc.count], scalars: opaque(Self.tc), on: device)
        let tu = Tensor<Float>(shape: [Self.tu.count], scalars: opaque(Self.tu), on: device)
        let tun = 0.1 * tu
        var params = Tensor<Float>(shape: [2], scalars: [1, 0], on: device).requiringGradient()
        var lastLoss: Float = 0
        for _ in 0..<epochs {
            params.zeroGradient()
            let loss = fused ? (params[0].lazy * tun.lazy + params[1].lazy - tc.lazy).squared().mean()
                : (params[0] * tun + params[1] - tc).squared().mean()
            loss.backward()
            withoutGradient { params -= 1e-2 * params.grad! }
            lastLoss = loss.scalar
        }
        return params.scalars + [lastLoss]
    }

    /// dL/dw = mean(2 (w x + b - y) x), dL/db = mean(2 (w x + b - y)).
    func handWritten() -> [Float] {
        let tc = Tensor<Float>(opaque(Self.tc))
        let tu = Tensor<Float>(opaque(Self.tu))
        let tun = 0.1 * tu
        var (w, b): (Float, Float) = (1, 0)
        var lastLoss: Float = 0
        for _ in 0..<epochs {
            let residual = w * tun + b - tc
            lastLoss = residual.squared().mean().scalar
            let g = 2 * residual
            let dw = (g * tun).mean().scalar, db = g.mean().scalar
            w -= 1e-2 * dw
            b -= 1e-2 * db
        }
        return [w, b, lastLoss]
    }

    func reference() -> [Double] {
        let tc = Self.tc.map { Double($0) }, tun = Self.tu.map { 0.1 * Double($0) }
        let n = Double(tc.count)
        var (w, b, lastLoss) = (1.0, 0.0, 0.0)
        for _ in 0..<epochs {
            var loss = 0.0, dw = 0.0, db = 0.0
            for i in tc.indices {
                let r = w * tun[i] + b - tc[i]
                loss += r * r
                dw += 2 * r * tun[i]
                db += 2 * r
            }
            lastLoss = loss / n
            w -= 1e-2 * dw / n
            b -= 1e-2 * db / n
        }
        return [w, b, lastLoss]
    }
}

extension Problem {
    static let seedLinearRegression = Problem(
        name: "seed-linear-regression",
        summary: "the seeds' whole linear-regression loop: 11 points, w·x + b, lr 1e-2 (size: epochs)",
        sizeMeaning: "epochs", defaultSizes: [5_000], quickSizes: [5_000], minimumSize: 1,
        make: { epochs in .loop(SeedLinearRegression(epochs: epochs)) })
}

import Testing
import Wengert

/// The three examples of higher-order tensor derivatives: a gradient penalty, a network's
/// Hessian against the scalar tape's, and Newton-CG on tensor Hessian-vector products.
@Suite("Higher-order tensor examples", .tags(.tensor, .higherOrder))
struct TensorHigherOrderExampleTests {
    // MARK: Gradient penalty (WGAN-GP) of a small MLP critic

    /// A critic D(x) = tanh(x·W1 + b1)·w2, its parameters packed in one vector
    /// [W1 (2x4), b1 (4), w2 (4x1)] so that a check can perturb them.
    static func critic(_ theta: Tensor<Double>, _ x: Tensor<Double>) -> Tensor<Double> {
        let w1 = theta.slice(along: 0, range: 0..<8).reshaped(to: [2, 4])
        let b1 = theta.slice(along: 0, range: 8..<12)
        let w2 = theta.slice(along: 0, range: 12..<16).reshaped(to: [4, 1])
        return matmul(tanh(matmul(x, w1) + b1), w2)
    }

    /// The penalty mean over the batch of (‖∇ₓD(x)‖ - 1)², with ∇ₓD recorded so the
    /// penalty can be differentiated in the critic's parameters.
    static func penalty(_ theta: Tensor<Double>, _ x: Tensor<Double>) -> Tensor<Double> {
        let xs = x.detached().requiringGradient()
        let d = critic(theta, xs)
        let gx = gradients(of: d.sum(), withRespectTo: [xs], creatingGraph: true)[0]  // one row per sample
        let norms = sqrt(gx.squared().sum(alongAxes: 1))
        return (norms - 1).squared().mean()
    }

    @Test func gradientPenaltyStepMatchesDifferencesOfTheFirstDerivative() {
        let x = Tensor<Double>(randomNormal: [5, 2], seed: 11)
        var theta = (Tensor<Double>(randomNormal: [16], seed: 12) * 0.8).requiringGradient()
        let before = Self.penalty(theta, x)
        before.backward()
        let analytic = theta.grad!.scalars
        // Finite differences of the penalty, itself computed from a first derivative.
        let numeric = fdGradient({ t in Self.penalty(t, x) }, at: theta.detached())
        #expect(close(analytic, numeric, tolerance: 1e-7), "\(analytic) vs \(numeric)")
        #expect(gradientCheck(of: { t in Self.penalty(t, x) }, at: theta.detached()).passed)
        // One step of gradient descent on the penalty lowers it.
        withoutGradient { theta -= 0.05 * theta.grad! }
        let after = Self.penalty(theta, x)
        #expect(after.scalar < before.scalar, "\(before.scalar) -> \(after.scalar)")
    }

    // MARK: A two-layer network's Hessian, tensors against the scalar tape

    static let inputs: [Double] = [0.3, -1.2, 0.8, 0.5, -0.4, 1.5]  // 3 samples x 2 features
    static let targets: [Double] = [0.2, -0.5, 0.9]
    static let w2: [Double] = [0.7, -1.1, 0.4]  // 3 hidden x 1 output
    static let w1: [Double] = [0.2, -0.3, 0.5, 0.6, 0.1, -0.4]  // 2 x 3

    /// mean((tanh(x·W1)·w2 - t)²) on tensors.
    static func tensorLoss(_ w1: Tensor<Double>) -> Tensor<Double> {
        let x = Tensor<Double>(shape: [3, 2], scalars: inputs)
        let out = matmul(tanh(matmul(x, w1)), Tensor(shape: [3, 1], scalars: w2))
        return meanSquaredError(predicted: out, expected: Tensor(shape: [3, 1], scalars: targets))
    }

    /// The same loss written on scalars, W1 row-major.
    static func scalarLoss<T: DifferentiableScalar>(_ w: [T]) -> T {
        var total: T = 0
        for s in 0..<3 {
            var out: T = 0
            for j in 0..<3 {
                var pre: T = 0
                for i in 0..<2 { pre += T(inputs[s * 2 + i]) * w[i * 3 + j] }
                out += tanh(pre) * T(w2[j])
            }
            let e = out - T(targets[s])
            total += e * e
        }
        return total / 3
    }

    @Test func twoLayerHessianEqualsTheScalarTapes() {
        let tensorHessian = hessian(of: Self.tensorLoss, at: Tensor(shape: [2, 3], scalars: Self.w1))
        #expect(tensorHessian.shape == [2, 3, 2, 3])
        let scalarHessian = hessian(of: { (w: [Var<Dual<Double>>]) in Self.scalarLoss(w) }, at: Self.w1)
        let flat = scalarHessian.flatMap { $0 }
        let worst = zip(tensorHessian.scalars, flat).map { Swift.abs($0 - $1) }.max()!
        #expect(worst <= 1e-10, "largest difference \(worst)")
        #expect(flat.contains { Swift.abs($0) > 0.01 }, "a Hessian that is not trivially zero")
    }

    // MARK: Newton-CG on the seed linear model

    @Test func newtonConjugateGradientSolvesTheSeedLinearModelInTwoIterations() {
        let tc = Tensor<Double>([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
        let tun = 0.1 * Tensor<Double>([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
        let loss = { (p: Tensor<Double>) in (p[0] * tun + p[1] - tc).squared().mean() }
        var params = Tensor<Double>([1, 0])
        var gradientNorms: [Double] = []
        for _ in 0..<2 {
            let leaf = params.requiringGradient()
            let g = gradients(of: loss(leaf), withRespectTo: [leaf])[0]
            gradientNorms.append(g.scalars.map { $0 * $0 }.reduce(0, +).squareRoot())
            // Conjugate gradients on H p = -g, H applied by tensor Hessian-vector products.
            var p = Tensor<Double>(zeros: [2]), r = -g, d = r
            for _ in 0..<2 where r.scalars.contains(where: { Swift.abs($0) > 1e-14 }) {
                let hd = hessianVectorProduct(of: loss, at: params, along: d)
                let rr = (r * r).sum().scalar
                let alpha = rr / (d * hd).sum().scalar
                p = p + alpha * d
                r = r - alpha * hd
                d = r + ((r * r).sum().scalar / rr) * d
            }
            params = params + p
        }
        // Least squares in closed form.
        let x = tun.scalars, y = tc.scalars, n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let covariance: Double = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let variance: Double = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
        let slope = covariance / variance
        #expect(close(params.scalars, [slope, my - slope * mx], tolerance: 1e-10), "\(params.scalars)")
        let final = params.requiringGradient()
        let residual = gradients(of: loss(final), withRespectTo: [final])[0].scalars.map { Swift.abs($0) }.max()!
        #expect(gradientNorms[0] > 1 && gradientNorms[1] < 1e-9 && residual < 1e-9, "\(gradientNorms), \(residual)")
    }
}

import Foundation
import Testing
@testable import Wengert

/// LazyTensor's fused programs against the tensor operations they stand for: values to
/// the bit at every instruction-set level and block boundary, reductions and gradients to
/// rounding, scalar operands and constants, broadcasting, singular points, second
/// derivatives, and the errors of bad shapes.
@Suite("LazyTensor: fused elementwise programs", .tags(.tensor))
struct LazyTensorTests {
    /// Sizes around the interpreter's blocks of 2048 positions, with 0, 1 and one the kernel threads split.
    static let sizes = [0, 1, 2, 7, 255, 256, 257, 1000, 2049, 50_000]

    static func data(_ n: Int, seed: UInt64, positive: Bool = false) -> Tensor<Double> {
        let t = Tensor<Double>(randomNormal: [n], seed: seed)
        return positive ? abs(t) + 0.1 : t
    }

    static func close<S: TensorScalar>(_ a: [S], _ b: [S], tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            let (x, y) = (Double(x), Double(y))
            return x == y || (x.isNaN && y.isNaN) || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(x), Swift.abs(y))
        }
    }

    static func sameBits<S: TensorScalar>(_ a: [S], _ b: [S]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// Every step kind once: the same expression lazily and as tensor operations.
    static func eager<S>(_ x: Tensor<S>, _ y: Tensor<S>, _ w: Tensor<S>) -> Tensor<S> {
        let a = exp(x * w) / (1 + y.squared()) - sin(x) * cos(y)
        let b = tanh(a) + sigmoid(-a) * sqrt(abs(y)) - relu(x - w) + log(1 + y.squared())
        return b * 2 - w
    }

    static func lazy<S>(_ x: Tensor<S>, _ y: Tensor<S>, _ w: Tensor<S>) -> LazyTensor<S> {
        let (x, y, w) = (x.lazy, y.lazy, w.lazy)
        let one = LazyTensor<S>(1)
        let a = exp(x * w) / (one + y.squared()) - sin(x) * cos(y)
        let b = tanh(a) + sigmoid(-a) * sqrt(abs(y)) - relu(x - w) + log(one + y.squared())
        return b * LazyTensor(2) - w
    }

    @Test(arguments: sizes)
    func valuesEqualTheTensorOperationsToTheBit(_ n: Int) {
        let x = Self.data(n, seed: 1), y = Self.data(n, seed: 2), w = Tensor<Double>(0.75)
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            CPUKernels.withLevel(level) {
                let fused = Self.lazy(x, y, w).evaluated(), plain = Self.eager(x, y, w)
                #expect(fused.shape == plain.shape)
                #expect(Self.sameBits(fused.scalars, plain.scalars), "Double, n = \(n), \(level)")
                let (xf, yf, wf) = (Tensor<Float>(x.scalars.map { Float($0) }), Tensor<Float>(y.scalars.map { Float($0) }), Tensor<Float>(0.75))
                #expect(Self.sameBits(Self.lazy(xf, yf, wf).evaluated().scalars, Self.eager(xf, yf, wf).scalars), "Float, n = \(n), \(level)")
            }
        }
    }

    @Test(arguments: sizes)
    func sumsAndMeansAgreeWithTheTensorReductions(_ n: Int) {
        let x = Self.data(n, seed: 3), y = Self.data(n, seed: 4), w = Tensor<Double>(-0.5)
        let plain = Self.eager(x, y, w)
        #expect(Self.close(Self.lazy(x, y, w).sum().scalars, plain.sum().scalars, tolerance: 1e-12))
        #expect(Self.close(Self.lazy(x, y, w).mean().scalars, plain.mean().scalars, tolerance: 1e-12))
        #expect(Self.lazy(x, y, w).sum().shape == [])
    }

    /// The gradient of every input (full-size and scalar) against the tensor operations'.
    /// At 300 000 positions the expression's 30 steps pass the forward pass's limit on
    /// kept values, so the backward pass recomputes them; below it, it reads them.
    @Test(arguments: sizes + [300_000])
    func gradientsAgreeWithTheTensorOperations(_ n: Int) {
        let x0 = Self.data(n, seed: 5), y0 = Self.data(n, seed: 6), w0 = Tensor<Double>(0.3)
        let keeps = Self.lazy(x0, y0, w0).steps.count * n <= FusedProgram.keptValuesLimit
        #expect(keeps == (n < 300_000), "n = \(n): the sizes below 300 000 test kept values, 300 000 recomputing")
        func grads(_ fused: Bool) -> [[Double]] {
            let x = x0.requiringGradient(), y = y0.requiringGradient(), w = w0.requiringGradient()
            let loss = fused ? Self.lazy(x, y, w).mean() : Self.eager(x, y, w).mean()
            loss.backward()
            return [x.grad!.scalars, y.grad!.scalars, w.grad!.scalars]
        }
        let fused = grads(true), plain = grads(false)
        for k in 0..<3 { #expect(Self.close(fused[k], plain[k], tolerance: 1e-12), "input \(k), n = \(n)") }
    }

    /// The seeds' loss: a product with a scalar parameter, a scalar bias, a target, squared
    /// and averaged; in Float, as the seed runs it, and with a cotangent seed of 3.
    @Test func theSeedsLossPatternMatchesForwardAndBackward() {
        let x = Tensor<Float>(randomNormal: [11], seed: 7), y = Tensor<Float>(randomNormal: [11], seed: 8)
        func run(_ fused: Bool) -> [Float] {
            let params = Tensor<Float>([1.5, -0.25]).requiringGradient()
            let loss = fused ? (params[0].lazy * x.lazy + params[1].lazy - y.lazy).squared().mean() : (params[0] * x + params[1] - y).squared().mean()
            loss.backward(seed: Tensor<Float>(3))
            return [loss.scalar] + params.grad!.scalars
        }
        #expect(Self.close(run(true), run(false), tolerance: 1e-6))
        let params = Tensor<Float>([1.5, -0.25]).requiringGradient()
        #expect((params[0].lazy * x.lazy + params[1].lazy - y.lazy).squared().mean().gradientFunctionName == "FusedBackward")
    }

    /// Operands of other shapes are expanded by broadcasting, and each gets its gradient
    /// summed back to its own shape.
    @Test func broadcastOperandsGetGradientsOfTheirOwnShape() {
        let a0 = Tensor<Double>(shape: [3, 1], scalars: [1, -2, 0.5]), b0 = Tensor<Double>(shape: [1, 4], scalars: [0.1, 0.2, -0.3, 2])
        let c0 = Tensor<Double>(shape: [4], scalars: [3, 1, 4, 1])
        func grads(_ fused: Bool) -> [[Double]] {
            let a = a0.requiringGradient(), b = b0.requiringGradient(), c = c0.requiringGradient()
            let value = fused ? (a.lazy * b.lazy + c.lazy * LazyTensor(2)).squared().evaluated() : (a * b + c * 2).squared()
            #expect(value.shape == [3, 4])
            (value * value).sum().backward()
            return [a.grad!.scalars, b.grad!.scalars, c.grad!.scalars, a.grad!.shape.map(Double.init), b.grad!.shape.map(Double.init)]
        }
        let fused = grads(true), plain = grads(false)
        for k in fused.indices { #expect(Self.close(fused[k], plain[k], tolerance: 1e-12), "part \(k)") }
    }

    /// A zero cotangent through an infinite partial gives zero, not NaN, as for tensors.
    @Test func singularPointsFollowTheChainRuleConvention() {
        func grads(_ fused: Bool) -> [Double] {
            let x = Tensor<Double>([0, 4, -1]).requiringGradient()
            let mask = Tensor<Double>([0, 1, 1])
            let value = fused ? (sqrt(relu(x.lazy)) * mask.lazy + abs(x.lazy) + log(x.lazy.squared() + LazyTensor(1))).sum()
                : (sqrt(relu(x)) * mask + abs(x) + log(x.squared() + 1)).sum()
            value.backward()
            return x.grad!.scalars
        }
        let fused = grads(true)
        #expect(!fused.contains { $0.isNaN }, "\(fused)")
        #expect(Self.close(fused, grads(false), tolerance: 1e-14))
    }

    /// Steps on scalars alone run once, and their cotangent is the sum over all positions.
    @Test func scalarSubexpressionsAndConstants() {
        func grads(_ fused: Bool) -> [Double] {
            let p = Tensor<Double>(1.25).requiringGradient(), q = Tensor<Double>(-0.5).requiringGradient()
            let x = Tensor<Double>([1, 2, 3, 4, 5])
            let loss = fused ? (exp(p.lazy * q.lazy) * x.lazy - q.lazy / p.lazy + LazyTensor(3)).squared().sum() : (exp(p * q) * x - q / p + 3).squared().sum()
            loss.backward()
            return [loss.scalar, p.grad!.scalar, q.grad!.scalar]
        }
        #expect(Self.close(grads(true), grads(false), tolerance: 1e-13))
    }

    /// Integer powers take the tensor operator's products in its order: equal values to
    /// the bit, and its gradients.
    @Test(arguments: [0, 1, 2, 3, 6, 7, -3])
    func integerPowersMatchTheTensorOperator(_ n: Int) {
        let x0 = Tensor<Double>([0.5, -1.5, 2, -0.0, 3.25, 1e-3])
        let x = x0.requiringGradient(), y = x0.requiringGradient()
        let fused = pow(x.lazy, n: n).evaluated(), plain = pow(y, n: n)
        #expect(Self.sameBits(fused.scalars, plain.scalars), "n = \(n): \(fused.scalars) vs \(plain.scalars)")
        fused.sum().backward()
        // x⁰ is a constant on tensors (nothing to differentiate); here it is recorded,
        // and its gradient is zero.
        if n == 0 { return #expect(x.grad!.scalars.allSatisfy { $0 == 0 }) }
        plain.sum().backward()
        #expect(Self.close(x.grad!.scalars, y.grad!.scalars, tolerance: 1e-13), "n = \(n)")
    }

    /// The same tensor used twice is one input, and its cotangent collects both uses.
    @Test func anInputUsedTwiceGetsBothCotangents() {
        let x = Tensor<Double>([0.5, -1.5, 2]).requiringGradient()
        (x.lazy * x.lazy + x.lazy).sum().backward()
        #expect(x.grad!.scalars == [2, -2, 5])
    }

    /// A backward that creates a graph differentiates through the fused entry again.
    @Test func secondDerivativesThroughAFusedEntry() {
        let x = Self.data(9, seed: 11), v = Self.data(9, seed: 12)
        let fused = hessianVectorProduct(of: { x in (tanh(x.lazy) * x.lazy + sin(x.lazy).squared()).sum() }, at: x, along: v)
        let plain = hessianVectorProduct(of: { x in (tanh(x) * x + sin(x).squared()).sum() }, at: x, along: v)
        #expect(Self.close(fused.scalars, plain.scalars, tolerance: 1e-12))
    }

    /// Nothing is recorded without a tracked input or with gradients off.
    @Test func untrackedAndNoGradientRecordNothing() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let two = LazyTensor<Double>(2)
        #expect(!(Tensor<Double>([1, 2]).lazy * two).evaluated().requiresGradient)
        #expect(!withoutGradient { (x.lazy * two).sum() }.requiresGradient)
        #expect((x.lazy * two).sum().requiresGradient)
        #expect((two * two).sum().scalar == 4)
        #expect(x.lazy.sum().scalar == 3 && x.lazy.evaluated() == x)
    }

    @Test func shapesThatDoNotBroadcastStopAtTheOperator() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [3]).lazy * Tensor<Float>(zeros: [4]).lazy
        }
        #expect(stderrText(result).contains("shapes [3] and [4] do not broadcast in *"), "\(stderrText(result))")
    }
}

import Testing
import Wengert

/// Bad and edge-case inputs found by trying 188 of them as a careful user would: each
/// ends in a clear message naming what was wrong (exit tests), or in the right NaN.
@Suite("Tensor bad input", .tags(.tensor))
struct TensorBadInputTests {
    // MARK: Memory safety: a custom backward of the wrong shape

    @Test func customBackwardOfTheWrongCountStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let bad = CustomFunction<Float>(forward: { $0 * 2 }, backward: { _, _ in Tensor<Float>([1, 2]) })
            let w = Tensor<Float>(ones: [4096]).requiringGradient()
            (bad(w) * w).sum().backward()
        }
        #expect(
            standardError(of: result).contains(
                "a CustomFunction's backward returned a gradient of shape [2] for an input of shape [4096]"),
            "\(standardError(of: result))")
    }

    @Test func customBackwardOfABroadcastShapeStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let bad = CustomFunction<Float>(forward: { $0 }, backward: { _, g in Tensor<Float>(ones: [2, 3]) * g })
            bad(Tensor<Float>(ones: [3]).requiringGradient()).sum().backward()
        }
        #expect(standardError(of: result).contains("gradient of shape [2, 3] for an input of shape [3]"))
    }

    @Test func aCustomBackwardOfTheRightShapeStillWorks() {
        let double = CustomFunction<Float>(forward: { $0 * 2 }, backward: { _, g in g * 2 })
        let x = Tensor<Float>([1, 2, 3]).requiringGradient()
        (double(x) * x).sum().backward()
        #expect(x.grad?.scalars == [4, 8, 12])
    }

    // MARK: Shape arithmetic that would overflow

    @Test func zerosWhoseCountOverflows() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [1 << 32, 1 << 32])
        }
        #expect(standardError(of: result).contains("shape [4294967296, 4294967296] is too large"))
    }

    @Test func zerosOfIntMaxRows() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [Int.max, 2])
        }
        #expect(standardError(of: result).contains("shape [\(Int.max), 2] is too large"))
    }

    @Test func matmulWhoseOutputOverflows() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            // Both operands are empty (k = 0); the product [2³¹, 2³¹, 2²⁰, 2²⁰] is not.
            let a = Tensor<Float>(zeros: [1 << 31, 1, 1 << 20, 0]), b = Tensor<Float>(zeros: [1, 1 << 31, 0, 1 << 20])
            _ = matmul(a, b)
        }
        #expect(standardError(of: result).contains("is too large"), "\(standardError(of: result))")
    }

    @Test func aZeroExtentMakesAnyShapeEmpty() {
        let t = Tensor<Float>(zeros: [1 << 40, 0, 1 << 40])
        #expect(t.scalarCount == 0 && t.shape == [1 << 40, 0, 1 << 40])
    }

    @Test func randomUniformWithANegativeShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(randomUniform: [3, -2], seed: 1)
        }
        #expect(standardError(of: result).contains("shape [3, -2] has a negative dimension"))
    }

    @Test func negativeDimensionsHaveTheirOwnMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(shape: [-1, -2], scalars: [1, 2])
        }
        let message = standardError(of: result)
        #expect(message.contains("shape [-1, -2] has a negative dimension"), "\(message)")
        #expect(!message.contains("holds 2 scalars but 2 were given"))
    }

    @Test func reshapeToNegativeExtents() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 3]).reshaped(to: [-2, -3])
        }
        let message = standardError(of: result)
        #expect(message.contains("cannot reshape [2, 3] to [-2, -3]: extent -2 at axis 0 is negative"), "\(message)")
    }

    @Test func reshapeWithAnInferredAxisThatDoesNotFit() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 3]).reshaped(to: [-1, 4])
        }
        #expect(standardError(of: result).contains("cannot reshape [2, 3] (6 scalars) to [-1, 4] whose other extents multiply to 4"))
    }

    // MARK: arange

    @Test func arangeWithANaNStep() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(arange: 0, 10, step: .nan)
        }
        #expect(standardError(of: result).contains("arange needs finite start, end and step; got start 0.0, end 10.0, step nan"))
    }

    @Test func arangeWithAnInfiniteEnd() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>(arange: 0, .infinity)
        }
        #expect(standardError(of: result).contains("arange needs finite start, end and step"))
    }

    @Test func arangeThatWouldBeTooLarge() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>(arange: 0, 1e300, step: 1e-300)
        }
        #expect(standardError(of: result).contains("would hold more than"))
    }

    // MARK: NaN through max, min and relu

    @Test func maxOfAllIsNaNWhereverTheNaNIs() {
        for values: [Double] in [[1, .nan, 3], [.nan, 1, 3], [1, 3, .nan]] {
            let x = Tensor<Double>(values).requiringGradient()
            let m = x.max()
            #expect(m.scalar.isNaN, "\(values)")
            m.backward()
            // The NaN produced the value, so it takes the gradient (as a tie would).
            #expect(x.grad!.scalars == values.map { $0.isNaN ? 1 : 0 }, "\(values): \(x.grad!)")
            #expect(Tensor<Double>(values).min().scalar.isNaN, "\(values)")
        }
        #expect(Tensor<Double>(shape: [2, 2], scalars: [1, .nan, 3, 4]).max(alongAxes: 1).scalars.map { $0.isNaN } == [true, false])
    }

    @Test func twoNaNsShareTheGradient() {
        let x = Tensor<Double>([.nan, 2, .nan]).requiringGradient()
        x.max().backward()
        #expect(x.grad!.scalars == [0.5, 0, 0.5])
    }

    @Test func elementwiseMaxAndMinPropagateNaN() {
        let a = Tensor<Double>([1, .nan, .nan]).requiringGradient()
        let b = Tensor<Double>([.nan, 1, .nan]).requiringGradient()
        let m = max(a, b)
        #expect(m.scalars.allSatisfy { $0.isNaN })
        m.sum().backward()
        // The NaN operand gets the gradient; the first when both are NaN.
        #expect(a.grad!.scalars == [0, 1, 1] && b.grad!.scalars == [1, 0, 0], "\(a.grad!) \(b.grad!)")
        #expect(min(Tensor<Double>(1), Tensor<Double>(.nan)).scalar.isNaN)
    }

    @Test func reluOfNaNIsNaNWithDerivativeOne() {
        let x = Tensor<Double>([.nan, -1, 2]).requiringGradient()
        let y = relu(x)
        #expect(y.scalars[0].isNaN && y.scalars[1] == 0 && y.scalars[2] == 2)
        y.sum().backward()
        #expect(x.grad!.scalars == [1, 0, 1])
    }

    @Test func reluNoLongerHidesANaN() {
        // relu(log(-1)) was 0, so a NaN upstream vanished from the loss; now it shows.
        let x = Tensor<Double>([-1, 2]).requiringGradient()
        let loss = relu(log(x)).sum()
        #expect(loss.scalar.isNaN)
        loss.backward()
        #expect(x.grad!.scalars == [-1, 0.5])
    }

    // MARK: Empty means

    @Test func emptyMeansAreNaN() {
        #expect(Tensor<Float>(zeros: [0]).mean().scalar.isNaN)
        #expect(meanSquaredError(predicted: Tensor<Double>(zeros: [0]), expected: Tensor<Double>(zeros: [0])).scalar.isNaN)
        let alongEmpty = Tensor<Double>(zeros: [2, 0]).mean(alongAxes: 1)
        #expect(alongEmpty.shape == [2] && alongEmpty.scalars.allSatisfy { $0.isNaN })
        #expect(Tensor<Double>(zeros: [0, 3]).mean(alongAxes: 1).shape == [0])
    }

    // MARK: Seeds

    @Test func aNaNSeedIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Float>([1, 2]).requiringGradient()
            (x * 2).backward(seed: Tensor<Float>([1, .nan]))
        }
        #expect(standardError(of: result).contains("backward(seed:): the seed must be finite; it holds nan"))
    }

    @Test func anInfiniteSeedIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Float>([1]).requiringGradient()
            (x * 2).sum().backward(seed: Tensor<Float>(.infinity))
        }
        #expect(standardError(of: result).contains("the seed must be finite; it holds inf"))
    }

    @Test func aOneScalarSeedFitsAOneScalarOutput() {
        let x = Tensor<Double>([3]).requiringGradient()
        (x * 2).backward(seed: Tensor<Double>(5))
        #expect(x.grad?.scalars == [10])
        let y = Tensor<Double>([3]).requiringGradient()
        (y * 2).sum().backward(seed: Tensor<Double>([5]))
        #expect(y.grad?.scalars == [10])
    }

    @Test func aSeedThatDoesNotFitNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Float>([1, 2, 3]).requiringGradient()
            (x * 2).backward(seed: Tensor<Float>([1, 2]))
        }
        #expect(standardError(of: result).contains("a seed of shape [2] does not broadcast to the output's shape [3]"))
    }

    // MARK: requiringGradient on an interior tensor

    @Test func requiringGradientKeepsTheGraph() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let y = (x * 3).requiringGradient()
        #expect(!y.isLeaf && y.gradientFunctionName != nil)
        y.sum().backward()
        #expect(x.grad?.scalars == [3, 3])
        let fresh = (x * 3).detached().requiringGradient()
        #expect(fresh.isLeaf)
    }

    // MARK: softmax and reductions of empty axes

    @Test func softmaxOfAnEmptyAxisIsEmpty() {
        let s = softmax(Tensor<Float>(zeros: [2, 0]))
        #expect(s.shape == [2, 0])
        #expect(Tensor<Float>(zeros: [2, 0]).logSumExp(alongAxes: 1).scalars == [-.infinity, -.infinity])
        #expect(Tensor<Float>(zeros: [0, 3]).max(alongAxes: 1).shape == [0])
    }

    @Test func maxAlongAnEmptyAxisNamesIt() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [0, 3]).max(alongAxes: 0)
        }
        #expect(standardError(of: result).contains("max along axis 0 of shape [0, 3]: the axis is empty"))
    }
}

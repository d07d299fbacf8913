import Testing
import Wengert

/// Layers, composition and the parameter listing that optimisers and saving rely on.
@Suite("Layers", .tags(.tensor))
struct LayerTests {
    struct Classifier: Layer {
        var hidden = Linear<Float>(inputSize: 2, outputSize: 16, seed: 1)
        var output = Linear<Float>(inputSize: 16, outputSize: 2, seed: 2)
        func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { output(tanh(hidden(x))) }
    }

    @Test func linearUsesPyTorchsDefaultBoundsAndItsSeed() {
        let layer = Linear<Double>(inputSize: 64, outputSize: 32, seed: 7)
        let bound = 1 / 8.0
        #expect(layer.weight.shape == [64, 32] && layer.bias?.shape == [32])
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.bias!.scalars.allSatisfy { abs($0) <= bound })
        // Uniform on ±1/8: mean ≈ 0 and standard deviation 1/(8√3) ≈ 0.0722.
        let w = layer.weight.scalars, mean = w.reduce(0, +) / Double(w.count)
        let sd = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(mean) < 0.01 && abs(sd - 0.0722) < 0.005, "mean \(mean) sd \(sd)")
        #expect(Linear<Double>(inputSize: 64, outputSize: 32, seed: 7).weight == layer.weight)
        #expect(Linear<Double>(inputSize: 64, outputSize: 32, seed: 8).weight != layer.weight)
        #expect(layer.weight.isLeaf && layer.weight.requiresGradient)
        // The bias is not the start of the weight's stream, nor of the next seed's weight.
        let next = Linear<Double>(inputSize: 64, outputSize: 32, seed: 8)
        #expect(Array(layer.bias!.scalars.prefix(4)) != Array(next.weight.scalars.prefix(4)))
        #expect(Array(layer.bias!.scalars.prefix(4)) != Array(layer.weight.scalars.prefix(4)))
    }

    @Test func linearComputesXWPlusB() {
        let layer = Linear<Double>(
            weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), bias: Tensor([0.5, -0.5, 1]))
        let x = Tensor<Double>(shape: [2, 2], scalars: [1, 0, 1, 1])
        #expect(layer(x).scalars == [1.5, 1.5, 4, 5.5, 6.5, 10])
        #expect(layer(Tensor([1, 1])).shape == [3])
        let noBias = Linear<Double>(inputSize: 3, outputSize: 2, bias: false, seed: 1)
        #expect(noBias.bias == nil && noBias.parameterNames == ["weight"])
    }

    @Test func linearNamesBothShapesAndSuggestsTransposing() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear<Float>(inputSize: 3, outputSize: 2, seed: 1)(Tensor(zeros: [3, 5]))
        }
        #expect(stderrText(result).contains("needs input [batch, 3] or [3], got [3, 5]; its rows are features: pass input.transposed()."))
    }

    @Test func nestedModelListsItsParametersByName() {
        let model = Classifier()
        #expect(model.parameterNames == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        #expect(model.parameterScalarCount == 2 * 16 + 16 + 16 * 2 + 2)
        #expect(model.parameters[2] == model.output.weight)
    }

    @Test func arraysOfLayersAndTensorsAreFound() {
        struct Stack: Module {
            typealias Scalar = Double
            var layers = [Linear<Double>(inputSize: 2, outputSize: 3, seed: 1), Linear<Double>(inputSize: 3, outputSize: 1, seed: 2)]
            var scales = [Tensor<Double>(ones: [1]).requiringGradient()]
            var name = "not a parameter"
            var count = 3
        }
        #expect(Stack().parameterNames == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "scales.0"])
    }

    @Test func sequentialComposesAndNamesByPosition() {
        var model = Sequential {
            Linear<Double>(inputSize: 2, outputSize: 4, seed: 1)
            Tanh<Double>()
            Linear<Double>(inputSize: 4, outputSize: 1, seed: 2)
        }
        #expect(model.parameterNames == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let x = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let byHand = model.body.second(tanh(model.body.first.first(x)))
        #expect(model(x) == byHand)
        // The optimiser reaches the layers inside the chain.
        let before = model.body.second.weight
        model(x).sum().backward()
        SGD<Double>(learningRate: 0.1).update(&model)
        #expect(model.body.second.weight != before)
    }

    @Test func activationLayersMatchTheirFunctions() {
        let x = Tensor<Double>([-2, -0.5, 0, 1.5])
        #expect(ReLU<Double>()(x) == relu(x))
        #expect(Sigmoid<Double>()(x) == sigmoid(x))
        #expect(Softplus<Double>()(x) == softplus(x))
        #expect(LeakyReLU<Double>(negativeSlope: 0.1)(x).scalars == [-0.2, -0.05, 0, 1.5])
        #expect(Function<Double> { $0 * 2 }(x).scalars == [-4, -1, 0, 3])
        #expect(abs(Softmax<Double>()(x).sum().scalar - 1) < 1e-15)
    }

    @Test func zeroGradientZeroesEveryParameter() {
        let model = Classifier()
        model(Tensor(ones: [1, 2])).sum().backward()
        #expect(model.hidden.weight.grad != nil)
        model.zeroGradient()
        #expect(model.parameters.allSatisfy { $0.grad!.scalars.allSatisfy { $0 == 0 } })
    }

    @Test func letParameterIsNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            struct Frozen: Module {
                typealias Scalar = Float
                let w = Tensor<Float>([1]).requiringGradient()
            }
            _ = Frozen().parameterNames
        }
        #expect(stderrText(result).contains("Frozen.w is a `let`"))
    }
}

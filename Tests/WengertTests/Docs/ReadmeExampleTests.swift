import Foundation
import Testing
@testable import Wengert

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

    /// README, "Training": the seeds' loss as one fused entry, against tensor operations.
    @Test func lazyLoss() {
        let w = Tensor<Float>(randomNormal: [1000], seed: 1).requiringGradient()
        let (x, b, y) = (Tensor<Float>(randomNormal: [1000], seed: 2), Tensor<Float>(0.5), Tensor<Float>(randomNormal: [1000], seed: 3))
        let loss = (w.lazy * x.lazy + b.lazy - y.lazy).squared().mean()   // one recorded entry
        loss.backward()
        let fused = w.grad!.scalars
        w.zeroGradient()
        let eager = (w * x + b - y).squared().mean()
        eager.backward()
        #expect(loss.gradientFunctionName == "FusedBackward")
        #expect(Swift.abs(loss.scalar - eager.scalar) <= 1e-5 * eager.scalar)
        #expect(zip(fused, w.grad!.scalars).allSatisfy { Swift.abs($0 - $1) <= 1e-6 })
    }

    /// README, "Training" and "Devices": the complete loop, as written, then on a device.
    @Test func trainingSection() throws {
        struct Classifier: Layer {
            var hidden = Linear<Float>(inputSize: 2, outputSize: 16, seed: 1)   // PyTorch's default init, seeded
            var output = Linear<Float>(inputSize: 16, outputSize: 2, seed: 2)

            func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
                output(relu(hidden(x)))
            }
        }

        // Two noisy clusters: class 0 around (-1, -1), class 1 around (1, 1).
        let labels = (0..<200).map { $0 % 2 }
        let centres = Tensor<Float>(shape: [200, 2], scalars: labels.flatMap { $0 == 0 ? [-1, -1] : [1, 1] })
        let inputs = centres + Tensor(randomNormal: [200, 2], standardDeviation: 0.5, seed: 3)

        var model = Classifier()
        let optimizer = Adam<Float>(learningRate: 0.01)
        let loader = DataLoader(inputs: inputs, labels: labels, batchSize: 32, seed: 4)   // reshuffled each epoch

        let before = model.parameters
        // README's loop, on a thread of its own so that the entries left recorded after it
        // are its own (onFreshThread's note).
        let entriesLeft = onFreshThread {
            for epoch in 0..<20 {
                for batch in loader.batches(epoch: epoch) {
                    let loss = softmaxCrossEntropy(logits: model(batch.inputs), labels: batch.labels)
                    model.zeroGradient()
                    loss.backward()
                    optimizer.update(&model)
                }
            }
            return Tensor<Float>.recordedEntryCount
        }
        #expect(model.parameters != before)

        // Evaluation, unrecorded.
        let predicted = withoutGradient { model(inputs).argmax(alongAxis: 1) }
        let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)   // 1.0
        #expect(accuracy == 1, "accuracy \(accuracy), README says 1.0")

        // Saving and loading, one call each; a bad file throws and leaves the model as it was.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("classifier-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try model.saveParameters(to: file)
        var restored = Classifier()
        try restored.loadParameters(from: file)                 // restored.parameters == model.parameters
        #expect(restored.parameters == model.parameters)
        #expect(model.parameterNames == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        #expect(entriesLeft == 0)

        // README, "Devices": the same loop on a device, full batch (its own scope, since it
        // names its model and optimiser as that section does).
        do {
            let device = Device.openCL ?? .cpu                      // the first OpenCL GPU or device; the CPU without one
            var model = Classifier().moved(to: device)              // PyTorch's model.to(device): parameters become leaves there
            let optimizer = Adam<Float>(learningRate: 0.01)         // its moments live beside the parameters
            let x = inputs.moved(to: device)
            for _ in 0..<20 {
                let loss = softmaxCrossEntropy(logits: model(x), labels: labels)
                model.zeroGradient()
                loss.backward()                                     // on the device
                optimizer.update(&model)
            }
            let onDevice = model.parameters.allSatisfy { $0.device == device }   // true

            #expect(onDevice)
            let accuracy = withoutGradient { zip(model(x).argmax(alongAxis: 1), labels).filter { $0 == $1 }.count }
            #expect(accuracy > 180, "\(accuracy) of 200 after 20 full-batch steps on \(device)")
        }
    }

    /// README, "Constants in generic code": the fixed pendulum, differentiated in forward
    /// mode, against central differences of the plain function.
    @Test func constantsInGenericCode() {
        let d = derivative(of: { pendulum(length: $0, tEnd: 1, steps: 100) }, at: 2.0)
        let h = 1e-6
        let numeric = (pendulum(length: 2 + h, tEnd: 1, steps: 100) - pendulum(length: 2 - h, tEnd: 1, steps: 100)) / (2 * h)
        #expect(Swift.abs(d - numeric) < 1e-6 && d != 0)
        let r = gradient(of: { (v: [Var<Double>]) in pendulum(length: v[0], tEnd: 1, steps: 100) }, at: [2.0])
        #expect(Swift.abs(r[0] - d) < 1e-12)
    }

    /// README, "Constants in generic code": one function value in every mode.
    @Test func functionWrittenOnceAsAValue() {
        struct Rosenbrock: DifferentiableFunction {
            func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
                var s: T = 0
                for i in 0..<(x.count - 1) {
                    let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
                    s += 100 * a * a + b * b
                }
                return s
            }
        }
        let f = Rosenbrock(), x: [Double] = [0.5, 0.6, 0.7]
        #expect(gradient(of: f, at: x) == Forward.gradient(of: f, at: x))
        #expect(gradientCheck(of: f, at: x).passed)
        #expect(gradient(of: f, at: x) == gradient(of: rosenbrock, at: x))
        #expect(hessian(of: f, at: x) == hessian(of: rosenbrock, at: x))
        #expect(hessianVectorProduct(of: f, at: x, along: [1, 0, 0]) == hessian(of: f, at: x).map { $0[0] })
        #expect(hessianCheck(of: f, at: x).passed)
        #expect(FiniteDifferences.gradient(of: f, at: x) == FiniteDifferences.gradient(of: rosenbrock, at: x))
        #expect(valueWithGradient(of: f, at: x).value == rosenbrock(x))
        // A heterogeneous catalogue, each entry named once.
        let catalogue: [any DifferentiableFunction] = [Rosenbrock(), SumOfSquares()]
        #expect(catalogue.map { gradient(of: $0, at: [1.0, 2.0]) } == [[-400, 200], [2, 4]])
    }

    /// derivative(of:at:) of a curve, pow(x, n:) at negative bases, vector function values.
    @Test func curvesIntegerPowersAndVectorFunctions() {
        #expect(derivative(of: { t in [cos(t), sin(t), t * t] }, at: 0.0) == [-0.0, 1, 0])
        let (values, slopes) = valueWithDerivative(of: { t in [t * t * t, exp(t)] }, at: 2.0)
        #expect(values == [8, Double.exp(2)] && slopes == [12, Double.exp(2)])
        #expect(pow(-2.0, n: 3) == -8 && pow(-2.0, n: -2) == 0.25 && pow(Double.nan, n: 0) == 1)
        #expect(derivative(of: { x in pow(x, n: 3) }, at: -2.0) == 12)
        #expect(gradient(of: { (v: [Var<Double>]) in pow(v[0], n: 5) }, at: [-1.5])[0] == 5 * Double.pow(1.5, 4))
        #expect(derivative(of: { x in pow(x, n: -1) }, at: -2.0) == -0.25)
        #expect(pow(Tensor<Double>([-2, 3]), n: 3).scalars == [-8, 27])
        struct Polar: DifferentiableVectorFunction {
            func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
        }
        let p = [2.0, 0.5]
        #expect(Forward.jacobian(of: Polar(), at: p) == Reverse.jacobian(of: Polar(), at: p))
        #expect(jacobianCheck(of: Polar(), at: p).passed)
        struct Cubic: DifferentiableScalarFunction {
            func callAsFunction<T: DifferentiableScalar>(_ x: T) -> T { x * x * x - 2 * x }
        }
        #expect(derivative(of: Cubic(), at: 2.0) == 10)
        #expect(gradientCheck(of: Cubic(), at: 2.0).passed)
    }
}

/// README, "Constants in generic code" (the fixed form).
func pendulum<T: DifferentiableScalar>(length: T, tEnd: Double, steps: Int) -> T {
    var theta: T = 1, omega: T = 0
    let h = T(tEnd / Double(steps))
    for _ in 0..<steps {
        let k1w = -9.81 / length * sin(theta)
        omega = omega + h / 2 * k1w
        theta = theta + h * omega
    }
    return theta
}

/// Σ xᵢ², a second catalogue entry.
struct SumOfSquares: DifferentiableFunction {
    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { x.reduce(0) { $0 + $1 * $1 } }
}

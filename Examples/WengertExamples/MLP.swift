import Wengert

// A 2-16-2 network with tanh, trained with Adam on two interleaved noisy spirals-lite
// (two Gaussian blobs bent into crescents), seeded so every run prints the same.
func runMLP() {
    let figures = mlp()
    writePlot([
        PlotPanel(
            title: "mlp: cross-entropy by step (Adam, lr 0.02)", xLabel: "step", yLabel: "loss",
            series: [PlotSeries(name: "loss", points: figures.map { (Double($0.step), Double($0.loss)) }, color: "#1f77b4")])
    ])
}

/// Trains for `steps` steps (300 in the example; tests run fewer) on `device`, printing
/// through `log` every 30 steps; returns (step, loss, accuracy in %) at each of those steps.
func mlp(
    steps: Int = 300, on device: Device = .cpu, log: (String) -> Void = { print($0) }
) -> [(step: Int, loss: Float, accuracy: Double)] {
    var figures: [(step: Int, loss: Float, accuracy: Double)] = []
    let n = 256
    let noise = Tensor<Float>(randomNormal: [n, 2], standardDeviation: 0.15, seed: 7).scalars
    var points = [Float](), labels = [Int]()
    for i in 0..<n {
        let label = i % 2
        let t = Float.pi * Float(i / 2) / Float(n / 2)
        let (px, py) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
        points += [px + noise[2 * i], py + noise[2 * i + 1]]
        labels.append(label)
    }
    let inputs = Tensor<Float>(shape: [n, 2], scalars: points, on: device)
    var model = TwoLayerNetwork().moved(to: device)
    let optimizer = Adam<Float>(learningRate: 0.02)
    for step in 1...steps {
        let logits = model(inputs)
        let loss = softmaxCrossEntropy(logits: logits, labels: labels)
        model.zeroGradient()
        loss.backward()
        optimizer.update(&model)
        if step % 30 == 0 {
            let predicted = logits.argmax(alongAxis: 1)
            let correct = zip(predicted, labels).filter { $0 == $1 }.count
            let accuracy = Double(correct) / Double(n) * 100
            log("step \(step)  loss \(fmt(loss.scalar, 4))  accuracy \(fmt(accuracy, 1))%")
            figures.append((step, loss.scalar, accuracy))
        }
    }
    return figures
}

/// 2 → 16 (tanh) → 2 logits; PyTorch's default initialisation, seeded.
struct TwoLayerNetwork: Layer {
    var hidden = Linear<Float>(inputSize: 2, outputSize: 16, seed: 1)
    var output = Linear<Float>(inputSize: 16, outputSize: 2, seed: 2)

    func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { output(tanh(hidden(x))) }
}

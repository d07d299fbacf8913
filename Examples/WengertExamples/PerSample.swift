import Wengert

// The seed's first loop: y = w·x fitted one sample at a time (x = [1, 2, 3], y = [2, 4, 6],
// 100 epochs, lr 0.01), printing each gradient and the prediction at x = 4 before and
// after training, then the loss per epoch (wengert-examples per-sample).
func runPerSample() {
    let run = perSample(epochs: 100, log: { print($0) })
    print("loss by epoch (last sample's loss):")
    for (epoch, loss) in run.losses.enumerated() where epoch % 10 == 0 || epoch == run.losses.count - 1 {
        print("  epoch \(epoch + 1): \(fmt(loss, 6)) " + String(repeating: "#", count: min(60, Int((loss * 30).rounded(.up)))))
    }
    writePlot([
        PlotPanel(
            title: "per-sample: loss of the last sample by epoch", xLabel: "epoch", yLabel: "loss",
            series: [PlotSeries(name: "loss", points: run.losses.enumerated().map { (Double($0.offset + 1), Double($0.element)) }, color: "#1f77b4")],
            logY: true)
    ])
}

/// Trains w from 1; returns the prediction at x = 4 before and after, the final w, and
/// the last sample's loss in each epoch. Prints every gradient through `log`.
func perSample(epochs: Int, log: (String) -> Void) -> (before: Float, after: Float, w: Float, losses: [Float]) {
    var w = Tensor<Float>([1.0]).requiringGradient()
    let x: [Float] = [1, 2, 3], y: [Float] = [2, 4, 6]
    let before = withoutGradient { (w * 4).scalar }
    log("predict (before training) 4 \(fmt(before, 4))")
    var losses: [Float] = []
    for epoch in 1...epochs {
        var last: Float = 0
        for (xi, yi) in zip(x, y) {
            let loss = (w * xi - yi).squared().sum()
            loss.backward()
            log("\tgrad: \(fmt(xi, 1)) \(fmt(yi, 1)) \(fmt(w.grad!.scalar, 6))")
            withoutGradient { w -= 0.01 * w.grad! }
            w.zeroGradient()
            last = loss.scalar
        }
        losses.append(last)
        log("progress: \(epoch) \(fmt(last, 6))")
    }
    let after = withoutGradient { (w * 4).scalar }
    log("predict (after training) 4 \(fmt(after, 4))")
    return (before, after, w.scalar, losses)
}

import Wengert

// Deep Learning with PyTorch, chapter 5: Celsius from an unknown thermometer's units.
func runLinearRegression() {
    let tc = Tensor<Float>([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
    let tu = Tensor<Float>([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
    let tun = 0.1 * tu
    var params = Tensor<Float>([1, 0]).requiringGradient()
    var lastLoss: Float = 0
    var losses: [(x: Double, y: Double)] = []
    for epoch in 1...5000 {
        params.zeroGradient()
        let loss = (params[0] * tun + params[1] - tc).squared().mean()
        loss.backward()
        withoutGradient { params -= 1e-2 * params.grad! }
        lastLoss = loss.scalar
        losses.append((Double(epoch), Double(lastLoss)))
        if epoch % 500 == 0 { print("Epoch \(epoch), Loss \(fmt(lastLoss, 6))") }
    }
    print("w = \(fmt(params.scalars[0], 4)), b = \(fmt(params.scalars[1], 4)), loss = \(fmt(lastLoss, 6))")
    writePlot([
        PlotPanel(
            title: "linear-regression: mean squared error by epoch", xLabel: "epoch", yLabel: "loss",
            series: [PlotSeries(name: "loss", points: losses, color: "#1f77b4")], logY: true)
    ])
}

/// `value` with `digits` decimals, without Foundation.
func fmt<T: BinaryFloatingPoint>(_ value: T, _ digits: Int) -> String {
    let v = Double(value)
    if !v.isFinite { return "\(v)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(v) * scale).rounded()
    let whole = Int(r / scale), fraction = Int(r - Double(whole) * scale)
    var f = String(fraction)
    while f.count < digits { f = "0" + f }
    return (v < 0 && r != 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + f : "")
}

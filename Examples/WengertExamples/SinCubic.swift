import Wengert

// PyTorch's "Learning PyTorch with examples": y = sin(x) on 2000 points of [-pi, pi]
// fitted by a + bx + cx^2 + dx^3 with plain gradient descent on the summed squared error.
func runSinCubic() {
    _ = sinCubic(Float.self)
    let fit = sinCubic(Double.self)
    writePlot(fitPanels("sin-cubic", coefficients: fit.byAutograd, losses: fit.lossesByAutograd.map { Double($0) }) { x in
        let c = fit.byAutograd
        return c[0] + c[1] * x + c[2] * x * x + c[3] * x * x * x
    })
}

/// The loss every 100 steps, and the fitted curve against sin x on [-π, π].
func fitPanels(_ name: String, coefficients: [Double], losses: [Double], model: (Double) -> Double) -> [PlotPanel] {
    let grid = (0...200).map { -Double.pi + 2 * Double.pi * Double($0) / 200 }
    return [
        PlotPanel(
            title: "\(name): summed squared error every 100 steps", xLabel: "step", yLabel: "loss",
            series: [PlotSeries(name: "loss", points: losses.enumerated().map { (Double(100 * ($0.offset + 1)), $0.element) }, color: "#1f77b4")],
            logY: true),
        PlotPanel(
            title: "\(name): fitted curve against the data", xLabel: "x", yLabel: "y",
            series: [
                PlotSeries(name: "sin x (data)", points: grid.map { ($0, sin($0)) }, color: "#999999", dots: true),
                PlotSeries(name: "fit", points: grid.map { ($0, model($0)) }, color: "#d62728"),
            ]),
    ]
}

/// The fitted coefficients (a, b, c, d) and the loss every 100 steps, by hand and by
/// autograd: the two columns run the same arithmetic, so they agree to rounding.
struct SinCubicFit<S: TensorScalar> {
    var byHand: [S] = [], byAutograd: [S] = []
    var lossesByHand: [S] = [], lossesByAutograd: [S] = []
}

/// Runs the example for `steps` steps (2000 in the tutorial; tests run fewer), printing
/// through `log`.
func sinCubic<S: TensorScalar>(_: S.Type, steps: Int = 2000, log: (String) -> Void = { print($0) }) -> SinCubicFit<S> {
    let x = Tensor<S>(linspace: -S.pi, S.pi, count: 2000)
    let y = sin(x)
    let lr: S = 1e-6
    let start = Tensor<S>(randomNormal: [4], seed: 42).scalars
    var fit = SinCubicFit<S>()

    log("\(S.self), gradients by hand:")
    var (a, b, c, d) = (start[0], start[1], start[2], start[3])
    // The tutorial's x ** 2 and x ** 3: x needs no gradient, so these are plain tensors.
    let x2 = pow(x, n: 2), x3 = pow(x, n: 3)
    for t in 0..<steps {
        let yPred = a + b * x + c * x2 + d * x3
        let loss = (yPred - y).squared().sum().scalar
        if t % 100 == 99 {
            log("\(t) \(fmt(loss, 6))")
            fit.lossesByHand.append(loss)
        }
        let g = 2 * (yPred - y)
        a -= lr * g.sum().scalar
        b -= lr * (g * x).sum().scalar
        c -= lr * (g * x2).sum().scalar
        d -= lr * (g * x3).sum().scalar
    }
    fit.byHand = [a, b, c, d]
    log("Result: y = \(fmt(a, 6)) + \(fmt(b, 6)) x + \(fmt(c, 6)) x^2 + \(fmt(d, 6)) x^3")

    log("\(S.self), gradients by autograd:")
    var p = (0..<4).map { Tensor<S>(start[$0]).requiringGradient() }
    for t in 0..<steps {
        let yPred = p[0] + p[1] * x + p[2] * x2 + p[3] * x3
        let loss = (yPred - y).squared().sum()
        if t % 100 == 99 {
            log("\(t) \(fmt(loss.scalar, 6))")
            fit.lossesByAutograd.append(loss.scalar)
        }
        loss.backward()
        withoutGradient {
            for i in 0..<4 {
                p[i] -= lr * p[i].grad!
                p[i].zeroGradient()
            }
        }
    }
    let r = p.map { $0.scalar }
    fit.byAutograd = r
    log("Result: y = \(fmt(r[0], 6)) + \(fmt(r[1], 6)) x + \(fmt(r[2], 6)) x^2 + \(fmt(r[3], 6)) x^3")
    return fit
}

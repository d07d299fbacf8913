import Wengert

// PyTorch's custom autograd.Function example: y = a + b P3(c + dx), P3 the Legendre
// polynomial of degree 3 with its derivative written by hand.
func runLegendre() {
    let run = legendre()
    let c = run.coefficients.map { Double($0) }
    writePlot(fitPanels("legendre", coefficients: c, losses: run.losses.map { Double($0) }) { x in
        let u = c[2] + c[3] * x
        return c[0] + c[1] * 0.5 * (5 * u * u * u - 3 * u)
    })
}

/// The Legendre polynomial P3 with its derivative written by hand.
let legendreP3 = CustomFunction<Float>(
    forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
    backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })

/// Runs the example for `steps` steps (2000 in the tutorial; tests run fewer), printing
/// through `log`; returns the coefficients (a, b, c, d) and the loss every 100 steps.
func legendre(steps: Int = 2000, log: (String) -> Void = { print($0) }) -> (coefficients: [Float], losses: [Float]) {
    let xs = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 2000)
    let y = sin(xs)
    var p: [Tensor<Float>] = [0, -1, 0, 0.3].map { Tensor<Float>($0).requiringGradient() }
    let lr: Float = 5e-6
    var losses: [Float] = []
    for t in 0..<steps {
        let yPred = p[0] + p[1] * legendreP3(p[2] + p[3] * xs)
        let loss = (yPred - y).squared().sum()
        if t % 100 == 99 {
            log("\(t) \(fmt(loss.scalar, 6))")
            losses.append(loss.scalar)
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
    log("Result: y = \(fmt(r[0], 6)) + \(fmt(r[1], 6)) * P3(\(fmt(r[2], 6)) + \(fmt(r[3], 6)) x)")
    return (r, losses)
}

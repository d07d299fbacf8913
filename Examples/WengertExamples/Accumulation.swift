import Wengert

// PyTorch's autograd tutorial, step by step. With `--plot FILE`, the accumulated gradient
// after each step (4.5, 9, then 0 after zeroing) is drawn as the other examples draw
// their loss curves.
func runAccumulation() {
    writePlot([accumulationPanel(accumulationDemo())])
}

/// The accumulated x.grad[0] after each step of the tutorial, one step per point.
func accumulationPanel(_ trace: [Double]) -> PlotPanel {
    PlotPanel(
        title: "accumulation: x.grad after backward, backward again, zeroGradient", xLabel: "step", yLabel: "x.grad[0]",
        series: [PlotSeries(name: "x.grad[0]", points: trace.enumerated().map { (Double($0.offset + 1), $0.element) },
                            color: "#1f77b4")])
}

/// Runs and prints the tutorial; returns x.grad[0] after each of its three steps.
func accumulationDemo() -> [Double] {
    var trace: [Double] = []
    let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
    print("x =", x)
    let y = x + 2
    print("y = x + 2 =", y)
    let z = y * y * 3
    let out = z.mean()
    print("z = 3 y^2 =", z)
    print("out = mean(z) =", out)
    out.backward()
    print("after out.backward(): x.grad =", x.grad!, "(d out/dx = 1.5 (x + 2) = 4.5)")
    trace.append(Double(x.grad!.scalars[0]))
    ((x + 2) * (x + 2) * 3).mean().backward()
    print("a second forward and backward accumulates: x.grad =", x.grad!)
    trace.append(Double(x.grad!.scalars[0]))
    x.zeroGradient()
    print("after x.zeroGradient(): x.grad =", x.grad!)
    trace.append(Double(x.grad!.scalars[0]))

    let v = Tensor<Float>([1, 2, 3]).requiringGradient()
    let w = v * 2
    w.backward(seed: Tensor([0.1, 1, 0.0001]))
    print("w = 2 v; w.backward(seed: [0.1, 1, 0.0001]) gives v.grad =", v.grad!)

    print("x.requiresGradient =", x.requiresGradient)
    let inside = withoutGradient { (x * 3).sum() }
    print("withoutGradient { (x * 3).sum() } =", inside, "requiresGradient:", inside.requiresGradient)
    let d = (x * 2).detached()
    print("(x * 2).detached() =", d, "requiresGradient:", d.requiresGradient)
    return trace
}

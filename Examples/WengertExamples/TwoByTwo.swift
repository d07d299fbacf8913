import Wengert

// The seed's 2×2 model: prediction param_w * x + param_b with x the 2×2 ones, loss the
// mean of target - prediction. Each of the four scalars gets -1/4 · x = -0.25 from one
// backward, -0.5 after a second (gradients accumulate), 0 after zeroing, -0.25 again
// (wengert-examples two-by-two).
func runTwoByTwo() {
    for line in twoByTwo() { print(line.label, line.w, line.b) }
}

/// The three backward calls of the seed; each line has param_w.grad and param_b.grad.
func twoByTwo() -> [(label: String, w: [Float], b: [Float])] {
    let x = Tensor<Float>(ones: [2, 2])
    let paramW = Tensor<Float>(ones: [2, 2]).requiringGradient()
    let paramB = Tensor<Float>(zeros: [2, 2]).requiringGradient()
    let target = Tensor<Float>(repeating: 2, shape: [2, 2])
    func loss() -> Tensor<Float> { (target - (paramW * x + paramB)).mean() }
    var lines: [(label: String, w: [Float], b: [Float])] = []
    let first = loss()
    print("loss =", first)          // grad_fn MeanBackward, as the seed prints it
    first.backward()
    lines.append(("after one backward:", paramW.grad!.scalars, paramB.grad!.scalars))
    loss().backward()
    lines.append(("after two (accumulated):", paramW.grad!.scalars, paramB.grad!.scalars))
    paramW.zeroGradient()
    paramB.zeroGradient()
    lines.append(("after zeroGradient():", paramW.grad!.scalars, paramB.grad!.scalars))
    loss().backward()
    lines.append(("after a third backward:", paramW.grad!.scalars, paramB.grad!.scalars))
    return lines
}

// wengert-examples NAME: the seed tutorials of PyTorch's autograd, in Swift.

let examples: [(name: String, summary: String, run: () -> Void)] = [
    ("per-sample", "y = w x one sample at a time: each gradient, predictions before and after, loss per epoch", runPerSample),
    ("two-by-two", "param_w * x + param_b: gradients -0.25, accumulated to -0.5, zeroed, -0.25 again", runTwoByTwo),
    ("linear-regression", "the 11-point temperature model, 5000 epochs of gradient descent", runLinearRegression),
    ("sin-cubic", "fit sin on [-pi, pi] with a cubic, by hand and by autograd, Float and Double", runSinCubic),
    ("legendre", "the same through a CustomFunction P3(x) = 0.5 (5x^3 - 3x)", runLegendre),
    ("accumulation", "gradient accumulation, zeroing, backward(seed:), detached(), withoutGradient", runAccumulation),
    ("mlp", "a 2-layer network trained with Adam on a seeded two-class problem", runMLP),
    ("neural-ode", "learn the spiral of torchdiffeq's ode_demo.py with odeint and the adjoint; writes neural-ode.svg", runNeuralODE),
    ("measure", "timings: recording overhead, kernel bandwidth, loop times, memory", runMeasurements),
]

let arguments = CommandLine.arguments.dropFirst()
if let name = arguments.first, let example = examples.first(where: { $0.name == name }) {
    example.run()
} else {
    if let name = arguments.first { print("unknown example \(name)\n") }
    print("usage: wengert-examples NAME [--plot FILE]   (--plot: the training examples write their loss curve as SVG)\n")
    for example in examples {
        print("  \(example.name + String(repeating: " ", count: max(0, 18 - example.name.count))) \(example.summary)")
    }
}

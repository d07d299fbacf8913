import Wengert

#if canImport(Glibc)
import Glibc
#endif

// The spiral of torchdiffeq's examples/ode_demo.py (Chen et al. 2018): learn dy/dt from
// samples of the true spiral dy/dt = y³·A, A = [[-0.1, 2], [-2, -0.1]], y0 = [2, 0], at
// 1000 times on [0, 25]. The model f(y) = tanh(y³·W1 + b1)·W2 + b2 (Linear(2, 50),
// tanh, Linear(50, 2) on y³) is trained with Adam on batches of 20 random windows of
// 10 times, each solved with dopri5 and differentiated by the adjoint method (or by
// backpropagation through the solver). Writes an SVG of the true and learned
// trajectories and the loss curve.

/// What `trainSpiral` does; `.demo` is what `wengert-examples neural-ode` runs.
struct SpiralConfiguration {
    var iterations = 2000
    var batchSize = 20
    var batchTime = 10
    var dataSize = 1000
    var learningRate = 0.001  // ode_demo.py's rate
    var gradient = ODEGradient.adjoint
    var printEvery = 100
    var seed: UInt64 = 0
}

/// The training's record: per-iteration batch loss and evaluations, the trajectories.
struct SpiralResult {
    var batchLosses: [Double] = []
    /// (iteration, mean |learned - true| over the whole trajectory).
    var trajectoryLosses: [(Int, Double)] = []
    var forwardEvaluations: [Int] = []
    var adjointEvaluations: [Int] = []
    var trueTrajectory: [Double] = []
    var learnedTrajectory: [Double] = []
}

/// The true spiral's dynamics, y³·A, for a state of shape [..., 2].
func spiralTrueDynamics(_ y: Tensor<Double>) -> Tensor<Double> {
    matmul(y * y * y, Tensor(shape: [2, 2], scalars: [-0.1, 2.0, -2.0, -0.1]))
}

/// The model: tanh(y³·W1 + b1)·W2 + b2.
func spiralModel(_ y: Tensor<Double>, _ p: [Tensor<Double>]) -> Tensor<Double> {
    matmul(tanh(matmul(y * y * y, p[0]) + p[1]), p[2]) + p[3]
}

func trainSpiral(_ configuration: SpiralConfiguration) -> SpiralResult {
    let c = configuration
    var result = SpiralResult()
    let times = (0..<c.dataSize).map { 25.0 * Double($0) / Double(c.dataSize - 1) }
    // The data: the true spiral at tight tolerances, [dataSize, 1, 2].
    let trueY = odeint(y0: Tensor<Double>(shape: [1, 2], scalars: [2, 0]), times: times,
                       relativeTolerance: 1e-10, absoluteTolerance: 1e-12) { y, _, _ in spiralTrueDynamics(y) }
    let truth = trueY.scalars
    result.trueTrajectory = truth
    var parameters: [Tensor<Double>] = [
        Tensor(randomNormal: [2, 50], standardDeviation: 0.1, seed: c.seed + 1), Tensor(zeros: [50]),
        Tensor(randomNormal: [50, 2], standardDeviation: 0.1, seed: c.seed + 2), Tensor(zeros: [2]),
    ].map { $0.requiringGradient() }
    let optimizer = Adam<Double>(learningRate: c.learningRate)
    var random = SpiralRandom(state: c.seed &+ 0x5eed)
    let batchTimes = Array(times[0..<c.batchTime])
    let statistics = ODEStatistics()
    func trajectoryLoss() -> (Double, [Double]) {
        let learned = withoutGradient {
            odeint(y0: Tensor<Double>(shape: [1, 2], scalars: [2, 0]), times: times, parameters: parameters) {
                y, _, p in spiralModel(y, p)
            }
        }
        return (largestMeanAbsolute(learned.scalars, truth), learned.scalars)
    }
    for iteration in 1...c.iterations {
        // A batch: windows starting at random indices s, y0 = truth[s], targets truth[s + i].
        let starts = (0..<c.batchSize).map { _ in Int(random.next() % UInt64(c.dataSize - c.batchTime)) }
        let y0 = Tensor<Double>(shape: [c.batchSize, 1, 2], scalars: starts.flatMap { truth[(2 * $0)..<(2 * $0 + 2)] })
        var targets = [Double]()
        for i in 0..<c.batchTime { for s in starts { targets += truth[(2 * (s + i))..<(2 * (s + i) + 2)] } }
        let batchY = Tensor<Double>(shape: [c.batchTime, c.batchSize, 1, 2], scalars: targets)
        let prediction = odeint(y0: y0, times: batchTimes, parameters: parameters, gradient: c.gradient,
                                statistics: statistics) { y, _, p in spiralModel(y, p) }
        let loss = abs(prediction - batchY).mean()
        for p in parameters { p.zeroGradient() }
        loss.backward()
        optimizer.update(&parameters)
        result.batchLosses.append(loss.scalar)
        result.forwardEvaluations.append(statistics.forwardEvaluations)
        result.adjointEvaluations.append(statistics.adjointEvaluations)
        if iteration % c.printEvery == 0 || iteration == c.iterations {
            let (whole, _) = trajectoryLoss()
            result.trajectoryLosses.append((iteration, whole))
            print("iteration \(iteration)  batch loss \(fmt(loss.scalar, 5))  trajectory loss \(fmt(whole, 5))  "
                  + "evaluations \(statistics.forwardEvaluations) forward, \(statistics.adjointEvaluations) adjoint")
        }
    }
    result.learnedTrajectory = trajectoryLoss().1
    return result
}

/// mean |a - b|.
func largestMeanAbsolute(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(max(a.count, 1))
}

/// SplitMix64: the batches' seeded generator.
struct SpiralRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Two panels as plain SVG: the phase portrait (true and learned trajectories) and the
/// batch loss against iteration (log scale).
func spiralSVG(_ result: SpiralResult, title: String) -> String {
    let panel = 420.0, margin = 50.0, width = 2 * panel + 3 * margin, height = panel + 2 * margin + 20
    var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="12" y="22" font-size="15" font-weight="bold">\(title)</text>

        """
    // Phase portrait: x against y, both panels share the frame drawing.
    let all = result.trueTrajectory + result.learnedTrajectory
    let extent = max(all.map { abs($0) }.max() ?? 1, 1e-9) * 1.05
    let left = (x: margin, y: margin + 10)
    func phase(_ v: Double, _ vertical: Bool) -> Double {
        vertical ? left.y + panel / 2 - v / extent * panel / 2 : left.x + panel / 2 + v / extent * panel / 2
    }
    out += "<rect x=\"\(left.x)\" y=\"\(left.y)\" width=\"\(panel)\" height=\"\(panel)\" fill=\"none\" stroke=\"#999\"/>\n"
    out += "<text x=\"\(left.x)\" y=\"\(left.y - 6)\" font-weight=\"bold\">trajectories (x, y)</text>\n"
    for (values, colour, name, row) in [(result.trueTrajectory, "#1f77b4", "true", 0), (result.learnedTrajectory, "#d62728", "learned", 1)] {
        let points = stride(from: 0, to: values.count - 1, by: 2).map { "\(phase(values[$0], false)),\(phase(values[$0 + 1], true))" }
        out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
        let ly = left.y + 16 + Double(row) * 16
        out += "<line x1=\"\(left.x + 8)\" y1=\"\(ly)\" x2=\"\(left.x + 26)\" y2=\"\(ly)\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
        out += "<text x=\"\(left.x + 30)\" y=\"\(ly + 4)\">\(name)</text>\n"
    }
    // Loss curve, log scale in y.
    let right = (x: 2 * margin + panel, y: margin + 10)
    let losses = result.batchLosses.map { max($0, 1e-12) }
    let low = (losses.min() ?? 1e-3).log10Floor, high = (losses.max() ?? 1).log10Ceil
    let span = max(high - low, 1)
    func lx(_ i: Int) -> Double { right.x + Double(i) / Double(max(losses.count - 1, 1)) * panel }
    func ly(_ v: Double) -> Double { right.y + panel - (log10(v) - low) / span * panel }
    out += "<rect x=\"\(right.x)\" y=\"\(right.y)\" width=\"\(panel)\" height=\"\(panel)\" fill=\"none\" stroke=\"#999\"/>\n"
    out += "<text x=\"\(right.x)\" y=\"\(right.y - 6)\" font-weight=\"bold\">batch loss mean |pred - true| against iteration</text>\n"
    for e in Int(low)...Int(high) {
        let gy = ly(pow(10, Double(e)))
        out += "<line x1=\"\(right.x)\" y1=\"\(gy)\" x2=\"\(right.x + panel)\" y2=\"\(gy)\" stroke=\"#eee\"/>"
        out += "<text x=\"\(right.x - 4)\" y=\"\(gy + 4)\" text-anchor=\"end\">1e\(e)</text>\n"
    }
    let points = losses.enumerated().map { "\(lx($0.offset)),\(ly($0.element))" }
    out += "<polyline fill=\"none\" stroke=\"#222222\" stroke-width=\"1\" points=\"\(points.joined(separator: " "))\"/>\n"
    out += "<text x=\"\(right.x + panel / 2)\" y=\"\(right.y + panel + 18)\" text-anchor=\"middle\" fill=\"#555\">iteration (1 to \(losses.count))</text>\n"
    out += "</svg>\n"
    return out
}

extension Double {
    fileprivate var log10Floor: Double { Glibc.log10(self).rounded(.down) }
    fileprivate var log10Ceil: Double { Glibc.log10(self).rounded(.up) }
}

/// `wengert-examples neural-ode [--iterations N] [--learning-rate LR] [--backpropagation] [--svg PATH]`.
func runNeuralODE() {
    var configuration = SpiralConfiguration()
    var path = "neural-ode.svg"
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--iterations" where index + 1 < arguments.count:
            configuration.iterations = Int(arguments[index + 1]) ?? configuration.iterations
            index += 1
        case "--learning-rate" where index + 1 < arguments.count:
            configuration.learningRate = Double(arguments[index + 1]) ?? configuration.learningRate
            index += 1
        case "--svg" where index + 1 < arguments.count:
            path = arguments[index + 1]
            index += 1
        case "--backpropagation": configuration.gradient = .backpropagation
        default: print("ignoring argument \(arguments[index])")
        }
        index += 1
    }
    print("neural-ode: the spiral of torchdiffeq's ode_demo.py, \(configuration.iterations) iterations of Adam, "
          + "batches of \(configuration.batchSize) windows of \(configuration.batchTime) times, dopri5 (rtol 1e-7, atol 1e-9), "
          + "gradient \(configuration.gradient)")
    let result = trainSpiral(configuration)
    let svg = spiralSVG(result, title: "wengert-examples neural-ode: spiral, \(configuration.iterations) iterations, gradient \(configuration.gradient)")
    guard let file = fopen(path, "w") else {
        print("could not open \(path) for writing")
        return
    }
    fputs(svg, file)
    fclose(file)
    print("wrote \(path)")
}

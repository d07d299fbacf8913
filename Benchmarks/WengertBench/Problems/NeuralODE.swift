import Foundation
import Wengert

/// `wengert-bench --neural-ode`: one training iteration of the spiral of torchdiffeq's
/// ode_demo.py as the peers' node_bench.py times it (batch 20 windows of 10 times,
/// dopri5 at rtol 1e-7 / atol 1e-9, loss mean |pred - y|, backward to all four weights,
/// no optimiser step so every iteration does the same work), in both gradient modes and
/// both precisions; then peak memory as the integration interval grows.
///
/// The data follow node_bench.py: the true spiral dy/dt = y³·A from [2, 0] on
/// linspace(0, 25, 1000) (here solved by Wengert's dopri5 at rtol 1e-10 in Double),
/// 20 windows with seeded starts, times t[0..<10]; the model tanh(y³·W1 + b1)·W2 + b2
/// with seeded normal weights (std 0.1). The weights and starts are Wengert's own
/// seeded draws, not NumPy's, so step counts can differ slightly from the peers'.
struct NeuralODEBenchmark {
    /// Interval scale: the window's times are linspace(0, scale · 25·9/999, 10).
    var scale: Double = 1
    var batchSize = 20
    var batchTime = 10

    /// The batch: y0 [batch, 1, 2], times, targets [batchTime, batch, 1, 2], in Double.
    func data() -> (y0: [Double], times: [Double], targets: [Double]) {
        let count = 1000
        let grid = (0..<count).map { 25.0 * Double($0) / Double(count - 1) }
        let a = Tensor<Double>(shape: [2, 2], scalars: [-0.1, 2.0, -2.0, -0.1])
        let truth = odeint(y0: Tensor<Double>(shape: [1, 2], scalars: [2, 0]), times: grid,
                           relativeTolerance: 1e-10, absoluteTolerance: 1e-12) { y, _, _ in matmul(y * y * y, a) }.scalars
        var generator = SplitMix64(seed: 2018)
        var starts = [Int]()
        while starts.count < batchSize {
            let s = Int(generator.next() % UInt64(count - batchTime))
            if !starts.contains(s) { starts.append(s) }
        }
        let times = (0..<batchTime).map { scale * 25.0 * Double($0) / Double(count - 1) }
        var targets = [Double]()
        for i in 0..<batchTime { for s in starts { targets += truth[(2 * (s + i))..<(2 * (s + i) + 2)] } }
        return (starts.flatMap { truth[(2 * $0)..<(2 * $0 + 2)] }, times, targets)
    }

    /// The four weights W1 [2, 50], b1 [50], W2 [50, 2], b2 [2].
    func weights<S: TensorScalar>(_: S.Type) -> [Tensor<S>] {
        [[2, 50], [50], [50, 2], [2]].enumerated().map { k, shape in
            Tensor<S>(randomNormal: shape, standardDeviation: 0.1, seed: UInt64(100 + k))
        }
    }

    /// A prepared iteration: run it to get (loss, forward evaluations, total evaluations,
    /// the gradient of W1).
    func iteration<S: TensorScalar>(_: S.Type, gradient: ODEGradient) -> () -> (S, Int, Int, [S]) {
        let (y0s, times, targets) = data()
        let y0 = Tensor<S>(shape: [batchSize, 1, 2], scalars: y0s.map { S($0) })
        let batchY = Tensor<S>(shape: [batchTime, batchSize, 1, 2], scalars: targets.map { S($0) })
        let t = times.map { S($0) }
        let parameters = weights(S.self).map { $0.requiringGradient() }
        let statistics = ODEStatistics()
        return {
            for p in parameters { p.zeroGradient() }
            let prediction = odeint(y0: y0, times: t, parameters: parameters, gradient: gradient, statistics: statistics) {
                y, _, p in matmul(tanh(matmul(y * y * y, p[0]) + p[1]), p[2]) + p[3]
            }
            let loss = abs(prediction - batchY).mean()
            loss.backward()
            return (loss.scalar, statistics.forwardEvaluations, statistics.totalEvaluations, parameters[0].grad!.scalars)
        }
    }

    /// One row of the timing table.
    struct TimingRow {
        var mode: String
        var precision: String
        var medianMilliseconds: Double
        var minimumMilliseconds: Double
        var forwardEvaluations: Int
        var totalEvaluations: Int
        var loss: Double
        var gradientNorm: Double
    }

    func time<S: TensorScalar>(_: S.Type, gradient: ODEGradient, iterations: Int, warmup: Int = 3) -> TimingRow {
        let step = iteration(S.self, gradient: gradient)
        var last = step()
        for _ in 1..<max(warmup, 1) { last = step() }
        var samples = [Double]()
        for _ in 0..<iterations {
            let t0 = monotonicNanoseconds()
            last = step()
            samples.append(Double(monotonicNanoseconds() - t0) / 1e6)
        }
        samples.sort()
        let norm = last.3.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        return TimingRow(
            mode: gradient == .adjoint ? "adjoint" : "backpropagation", precision: S.self == Float.self ? "Float" : "Double",
            medianMilliseconds: samples[samples.count / 2], minimumMilliseconds: samples[0], forwardEvaluations: last.1,
            totalEvaluations: last.2, loss: Double(last.0), gradientNorm: norm)
    }

    /// Peak resident memory (VmHWM, bytes) of this process after three `Double`
    /// iterations at `scale`, and the forward steps of one. Meant for a fresh process
    /// (`--neural-ode-memory`), so that nothing else it ran is in the figure.
    static func peakMemoryOfThisProcess(scale: Double, gradient: ODEGradient) -> (bytes: Int?, forwardSteps: Int) {
        let step = NeuralODEBenchmark(scale: scale).iteration(Double.self, gradient: gradient)
        var result = step()
        for _ in 0..<2 { result = step() }
        return (ResidentMemory.peak(), (result.1 - 2) / 6)
    }

    /// `peakMemoryOfThisProcess` measured in a fresh process: this executable run with
    /// `--neural-ode-memory SCALE MODE`; nil when it cannot be started or read.
    static func peakMemoryInChild(scale: Double, gradient: ODEGradient) -> (bytes: Int, forwardSteps: Int)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--neural-ode-memory", "\(scale)", gradient == .adjoint ? "adjoint" : "backpropagation"]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard process.terminationStatus == 0, fields.count == 2, let bytes = Int(fields[0]), let steps = Int(fields[1])
        else { return nil }
        return (bytes, steps)
    }

    /// The whole report; `iterations` timed per row, memory at `scales`. Returns the
    /// text and whether the adjoint and backpropagation gradients agreed.
    static func report(iterations: Int = 40, scales: [Double] = [1, 10, 100]) -> (text: String, agreed: Bool) {
        var text = "neural-ode: one spiral training iteration (batch 20 windows of 10 times, dopri5 rtol 1e-7 atol 1e-9,\n"
        text += "loss mean |pred - y|, backward to W1 b1 W2 b2), \(iterations) timed iterations after 3 untimed\n\n"
        text += "| gradient | precision | median ms | min ms | evaluations forward / total | loss | ‖∂L/∂W1‖ |\n"
        text += "|---|---|---|---|---|---|---|\n"
        let benchmark = NeuralODEBenchmark()
        var rows = [TimingRow]()
        for gradient in [ODEGradient.adjoint, .backpropagation] {
            rows.append(benchmark.time(Float.self, gradient: gradient, iterations: iterations))
            rows.append(benchmark.time(Double.self, gradient: gradient, iterations: iterations))
        }
        for r in rows {
            text += "| \(r.mode) | \(r.precision) | \(formatFixed(r.medianMilliseconds, 2)) | \(formatFixed(r.minimumMilliseconds, 2)) | "
            text += "\(r.forwardEvaluations) / \(r.totalEvaluations) | \(formatFixed(r.loss, 6)) | \(formatFixed(r.gradientNorm, 6)) |\n"
        }
        // The two modes differentiate the same solve: their gradients agree to the tolerance.
        let double = rows.filter { $0.precision == "Double" }
        let agreed = Swift.abs(double[0].gradientNorm - double[1].gradientNorm) <= 1e-4 * Swift.max(double[1].gradientNorm, 1e-12)
        if !scales.isEmpty {
            text += "\npeak resident memory (VmHWM) of a fresh process running three Double iterations, against the\n"
            text += "integration interval (times linspace(0, s·0.2252, 10)):\n\n"
            text += "| interval scale s | forward steps | adjoint | backpropagation |\n|---|---|---|---|\n"
            for s in scales {
                let a = peakMemoryInChild(scale: s, gradient: .adjoint)
                let b = peakMemoryInChild(scale: s, gradient: .backpropagation)
                func mb(_ bytes: Int?) -> String { bytes.map { formatFixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "n/a" }
                text += "| \(formatFixed(s, 0)) | \(b.map { "\($0.forwardSteps)" } ?? "n/a") | \(mb(a?.bytes)) | \(mb(b?.bytes)) |\n"
            }
        }
        if !agreed { text += "\nWRONG: the adjoint and backpropagation gradients differ (‖∂L/∂W1‖ \(double[0].gradientNorm) against \(double[1].gradientNorm)).\n" }
        return (text, agreed)
    }
}

/// `value` with `digits` decimals.
func formatFixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

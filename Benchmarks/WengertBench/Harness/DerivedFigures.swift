/// The figures the tracker's issues quote, derived from the records so the JSON carries
/// them ready-made and the text summary prints the same numbers.
struct DerivedFigures: Codable, Sendable {
    /// One figure at one size.
    struct Point: Codable, Sendable {
        var size: Int
        var value: Double
    }

    /// Per tape-recording mode: median ns and bytes per tape entry over its cells.
    struct TapeCost: Codable, Sendable {
        var mode: String
        var nanosecondsPerEntry: Double
        var bytesPerEntry: Double?
        var cells: Int
    }

    /// Issue 4: elementwise kernel throughput against a memcpy of the same bytes.
    struct Bandwidth: Codable, Sendable {
        var size: Int
        var kernelGigabytesPerSecond: Double
        var copyGigabytesPerSecond: Double
    }

    /// Issue 4: the time of one whole loop or training step, per mode.
    struct WholeRun: Codable, Sendable {
        var problem: String
        var size: Int
        var sizeMeaning: String
        var mode: String
        /// What one call is: "loop", "forward pass", "forward and backward", "training step".
        var unit: String
        var nanoseconds: Double
        var ratioToPlain: Double?
    }

    /// Issue 2: one `Dual<Double>` pass over one plain pass, on the elementary-heavy
    /// function, per size.
    var dualOverPlainOnElementary: [Point]
    /// Issue 2: a forward-mode gradient's time in units of one plain evaluation, on the
    /// elementary-heavy function at n = 8, 64, 512, per forward mode.
    var forwardGradientInEvaluations: [String: [Point]]
    /// Issue 3: reverse-mode cost per recorded entry and memory per entry.
    var tapeCosts: [TapeCost]

    /// Issue 4: a + b against memcpy, per size.
    var bandwidth: [Bandwidth]
    /// Issue 4: the seeds' whole loops and the 784-256-10 training step, per mode.
    var wholeRuns: [WholeRun]
    /// Issue 16: SGEMM GFLOP/s (median) per size s, on the run's kernel threads.
    var matrixProduct: [Point] = []
    /// The same over the fastest call: what the kernel reaches when the machine leaves it
    /// alone (the peers' script prints both, so a loaded sitting can still be compared).
    var matrixProductBest: [Point] = []

    /// One figure for one problem at one size.
    struct Cell: Codable, Sendable {
        var problem: String
        var size: Int
        var value: Double
    }

    /// Issue 17: `replay` over `reverse` (replay and sweep against recording and sweep),
    /// medians, per problem and size.
    var replayOverReverse: [Cell] = []
    /// The same with the elementary functions batched (`replay-vectorized`).
    var vectorizedReplayOverReverse: [Cell] = []
    /// Issue 17: `batch` over `batch-threads` (the speed-up of the same gradients or
    /// Jacobian rows on every core), medians, per problem and size.
    var threadSpeedUp: [Cell] = []

    /// The problems whose calls are whole loops or steps, with the unit of one call.
    static let wholeRunProblems = [
        "seed-linear-regression": "loop", "seed-sin-cubic": "loop", "mlp-784-256-10": "step",
    ]

    /// The modes whose gradient cost in evaluations is quoted, when present.
    static let forwardModes = ["forward", "dual-loop"]

    init(records: [Record], problems: [BenchmarkReport.ProblemInfo] = []) {
        let ok = records.filter { $0.status == .ok }
        func ratios(problem: String, mode: String, sizes: Set<Int>? = nil) -> [Point] {
            ok.filter { $0.problem == problem && $0.mode == mode && (sizes?.contains($0.size) ?? true) }
                .compactMap { r in r.ratioToPlain.map { Point(size: r.size, value: $0) } }
        }
        dualOverPlainOnElementary = ratios(problem: "elementary", mode: "dual-jvp")
        var forward: [String: [Point]] = [:]
        for mode in Self.forwardModes {
            let points = ratios(problem: "elementary", mode: mode, sizes: [8, 64, 512])
            if !points.isEmpty { forward[mode] = points }
        }
        forwardGradientInEvaluations = forward
        bandwidth = ok.filter { $0.problem == "bandwidth" && $0.mode == "kernel" }.compactMap { kernel in
            guard let rate = kernel.gigabytesPerSecond,
                  let copy = ok.first(where: { $0.problem == "bandwidth" && $0.size == kernel.size && $0.mode == "plain" })?
                      .gigabytesPerSecond
            else { return nil }
            return Bandwidth(size: kernel.size, kernelGigabytesPerSecond: rate, copyGigabytesPerSecond: copy)
        }
        wholeRuns = ok.compactMap { r in
            guard let unit = Self.wholeRunProblems[r.problem], let timing = r.timing,
                  r.mode != "backward" || unit == "step"
            else { return nil }
            let stepUnits = ["plain": "forward pass", "backward": "forward and backward", "train-step": "training step"]
            return WholeRun(problem: r.problem, size: r.size,
                            sizeMeaning: problems.first { $0.name == r.problem }?.sizeMeaning ?? "size",
                            mode: r.mode, unit: unit == "step" ? stepUnits[r.mode] ?? "call" : unit,
                            nanoseconds: timing.median, ratioToPlain: r.ratioToPlain)
        }
        matrixProduct = ok.filter { $0.problem == "sgemm" }.compactMap { r in
            r.gigaflopsPerSecond.map { Point(size: r.size, value: $0) }
        }
        matrixProductBest = ok.filter { $0.problem == "sgemm" }.compactMap { r in
            guard let operations = r.floatingPointOperations, let fastest = r.timing?.min, fastest > 0 else { return nil }
            return Point(size: r.size, value: Double(operations) / fastest)
        }
        func quotient(_ numerator: String, _ denominator: String) -> [Cell] {
            ok.filter { $0.mode == numerator }.compactMap { top in
                guard let bottom = ok.first(where: {
                    $0.problem == top.problem && $0.size == top.size && $0.mode == denominator
                }), let t = top.timing?.median, let b = bottom.timing?.median, b > 0 else { return nil }
                return Cell(problem: top.problem, size: top.size, value: t / b)
            }
        }
        replayOverReverse = quotient("replay", "reverse")
        vectorizedReplayOverReverse = quotient("replay-vectorized", "reverse")
        threadSpeedUp = quotient("batch", "batch-threads")
        let taped = ok.filter { $0.nanosecondsPerEntry != nil }
        tapeCosts = Set(taped.map(\.mode)).sorted().map { mode in
            let cells = taped.filter { $0.mode == mode }
            func median(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.sorted()[v.count / 2] }
            return TapeCost(mode: mode, nanosecondsPerEntry: median(cells.compactMap(\.nanosecondsPerEntry))!,
                            bytesPerEntry: median(cells.compactMap(\.bytesPerEntry)), cells: cells.count)
        }
    }
}

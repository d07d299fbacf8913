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

    /// Issue 2: one `Dual<Double>` pass over one plain pass, on the elementary-heavy
    /// function, per size.
    var dualOverPlainOnElementary: [Point]
    /// Issue 2: a forward-mode gradient's time in units of one plain evaluation, on the
    /// elementary-heavy function at n = 8, 64, 512, per forward mode.
    var forwardGradientInEvaluations: [String: [Point]]
    /// Issue 3: reverse-mode cost per recorded entry and memory per entry.
    var tapeCosts: [TapeCost]

    /// The modes whose gradient cost in evaluations is quoted, when present.
    static let forwardModes = ["forward", "dual-loop"]

    init(records: [Record]) {
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
        let taped = ok.filter { $0.nanosecondsPerEntry != nil }
        tapeCosts = Set(taped.map(\.mode)).sorted().map { mode in
            let cells = taped.filter { $0.mode == mode }
            func median(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.sorted()[v.count / 2] }
            return TapeCost(mode: mode, nanosecondsPerEntry: median(cells.compactMap(\.nanosecondsPerEntry))!,
                            bytesPerEntry: median(cells.compactMap(\.bytesPerEntry)), cells: cells.count)
        }
    }
}

/// Order statistics of a timing sample, in nanoseconds per call.
struct TimingSummary: Codable, Equatable, Sendable {
    /// The median time per call.
    var median: Double
    /// The minimum time per call, the best estimate of the undisturbed cost.
    var min: Double
    /// The maximum time per call.
    var max: Double
    /// The first quartile.
    var q1: Double
    /// The third quartile.
    var q3: Double
    /// How many samples were taken.
    var samples: Int
    /// How many calls each sample timed (so samples × callsPerSample calls in all).
    var callsPerSample: Int

    /// The interquartile range relative to the median: a scale-free spread.
    var relativeSpread: Double { median > 0 ? (q3 - q1) / median : 0 }

    /// Summarises per-call times (nanoseconds); `perCall` must not be empty.
    init(perCall: [Double], callsPerSample: Int) {
        let s = perCall.sorted()
        func quantile(_ p: Double) -> Double {
            // Linear interpolation between order statistics (R's type 7, NumPy's default).
            let h = p * Double(s.count - 1)
            let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
            return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
        }
        median = quantile(0.5)
        q1 = quantile(0.25)
        q3 = quantile(0.75)
        min = s.first!
        max = s.last!
        samples = s.count
        self.callsPerSample = callsPerSample
    }
}

/// Times `body` until `budget` seconds have passed (and at least `minimumSamples`
/// samples are taken, unless that would take four budgets), after a warm-up of about a
/// tenth of the budget.
///
/// One sample times a batch of calls long enough (≥ 20 µs, or a fiftieth of the budget)
/// that the clock's own cost, some 20 ns, is negligible even for a 10 ns function.
func measure(budget: Double, minimumSamples: Int = 5, _ body: () -> Void) -> TimingSummary {
    let budgetNs = budget * 1e9
    // Warm-up and calibration: double the batch until it is long enough.
    var batch = 1
    var warmStart = monotonicNanoseconds()
    let target = Swift.max(20_000, budgetNs / 50)
    while true {
        let t0 = monotonicNanoseconds()
        for _ in 0..<batch { body() }
        let elapsed = Double(monotonicNanoseconds() - t0)
        if elapsed >= target || batch >= 1 << 30 { break }
        batch *= elapsed < target / 8 ? 8 : 2
    }
    while Double(monotonicNanoseconds() - warmStart) < budgetNs / 10 {
        for _ in 0..<batch { body() }
    }
    warmStart = monotonicNanoseconds()
    var perCall: [Double] = []
    // At least `minimumSamples`, unless a single call is so slow that they would take more
    // than four budgets; at least one always.
    while true {
        let elapsed = Double(monotonicNanoseconds() - warmStart)
        let wantMore = perCall.count < minimumSamples && elapsed < 4 * budgetNs
        if !perCall.isEmpty && !wantMore && elapsed >= budgetNs { break }
        let t0 = monotonicNanoseconds()
        for _ in 0..<batch { body() }
        perCall.append(Double(monotonicNanoseconds() - t0) / Double(batch))
        if perCall.count >= 10_000 { break }
    }
    return TimingSummary(perCall: perCall, callsPerSample: batch)
}

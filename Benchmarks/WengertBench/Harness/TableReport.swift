/// The human-readable output: the table of every cell, then the summary figures.
extension BenchmarkReport {
    func table() -> String {
        var rows: [[String]] = []
        var previous: (String, Int)?
        // Cells a mode does not apply to stay in the JSON but would only clutter the table.
        for r in records where !(r.status == .skipped && r.note == Record.doesNotApply) {
            let first = previous.map { $0 != (r.problem, r.size) } ?? true
            if first && previous != nil { rows.append(Array(repeating: "", count: 9)) }
            previous = (r.problem, r.size)
            var row = [first ? r.problem : "", first ? "\(r.size)" : "", first ? "\(r.inputs)x\(r.outputs)" : "", r.mode]
            switch r.status {
            case .ok:
                let t = r.timing!
                row += [Format.duration(nanoseconds: t.median), r.ratioToPlain.map(Format.ratio) ?? "-",
                        Format.percent(t.relativeSpread), Format.duration(nanoseconds: t.min),
                        memory(of: r)]
            case .wrong:
                row += ["WRONG", "", "", "", ""]
                row[3] += "  (\(r.note ?? ""))"
            case .skipped:
                row += ["-", "", "", "", r.note ?? ""]
            }
            rows.append(row)
        }
        let header = ["problem", "size", "n x m", "mode", "time/call", "/plain", "spread", "min", "memory or rate"]
        return Format.table(header: header, rows: rows, leftAligned: 4)
    }

    /// Throughput where the mode reports bytes moved, tape bytes where it reports them,
    /// otherwise the growth of peak resident memory.
    private func memory(of r: Record) -> String {
        if let rate = r.gigabytesPerSecond { return Format.significant(rate) + " GB/s" }
        if let rate = r.gigaflopsPerSecond { return Format.significant(rate) + " GFLOP/s" }
        if let bytes = r.tapeBytes { return "tape " + Format.bytes(bytes) }
        if let growth = r.peakResidentGrowth, growth > 0 { return "+" + Format.bytes(growth) + " rss" }
        return ""
    }

    /// The figures the issues quote, derived from the records.
    func summary() -> String {
        var lines: [String] = []
        let derived = DerivedFigures(records: records, problems: problems)
        if !derived.dualOverPlainOnElementary.isEmpty {
            lines.append("Dual<Double>/plain on the elementary-heavy function (one forward pass): "
                + derived.dualOverPlainOnElementary.map { "n=\($0.size) \(Format.ratio($0.value))" }.joined(separator: ", "))
        }
        for mode in DerivedFigures.forwardModes {
            guard let points = derived.forwardGradientInEvaluations[mode] else { continue }
            lines.append("\(mode) gradient on elementary, in function evaluations: "
                + points.map { "n=\($0.size) \(Format.significant($0.value))" }.joined(separator: ", "))
        }
        for cost in derived.tapeCosts {
            var line = "\(cost.mode): \(Format.significant(cost.nanosecondsPerEntry)) ns per tape entry"
            if let bytes = cost.bytesPerEntry { line += ", \(Format.significant(bytes)) bytes per entry" }
            lines.append(line + " (median over \(cost.cells) cells)")
        }
        func cells(_ list: [DerivedFigures.Cell]) -> String {
            list.map { "\($0.problem) \($0.size) \(Format.ratio($0.value))" }.joined(separator: ", ")
        }
        if !derived.replayOverReverse.isEmpty {
            lines.append("replay/reverse (replay + sweep over record + sweep): " + cells(derived.replayOverReverse))
        }
        if !derived.vectorizedReplayOverReverse.isEmpty {
            lines.append("replay-vectorized/reverse: " + cells(derived.vectorizedReplayOverReverse))
        }
        if !derived.threadSpeedUp.isEmpty {
            lines.append("batch/batch-threads (speed-up on \(machine.cores) cores): " + cells(derived.threadSpeedUp))
        }
        for point in derived.bandwidth {
            lines.append("bandwidth n=\(point.size): a + b \(Format.significant(point.kernelGigabytesPerSecond)) GB/s, "
                + "memcpy \(Format.significant(point.copyGigabytesPerSecond)) GB/s (kernel at "
                + "\(String(format: "%.0f%%", 100 * point.kernelGigabytesPerSecond / point.copyGigabytesPerSecond)) of copy)")
        }
        if !derived.matrixProduct.isEmpty {
            lines.append("SGEMM on \(machine.kernelThreads ?? 1) thread(s), \(machine.kernelLevel ?? "?"): "
                + derived.matrixProduct.map { point in
                    let best = derived.matrixProductBest.first { $0.size == point.size }.map { " (best \(Format.significant($0.value)))" }
                    return "s=\(point.size) \(Format.significant(point.value)) GFLOP/s" + (best ?? "")
                }.joined(separator: ", "))
        }
        for figure in derived.wholeRuns {
            var line = "\(figure.problem) \(figure.sizeMeaning)=\(figure.size) \(figure.mode): "
                + Format.duration(nanoseconds: figure.nanoseconds) + " per \(figure.unit)"
            if let ratio = figure.ratioToPlain, figure.mode != Mode.plain.name { line += " (\(Format.ratio(ratio)) of plain)" }
            lines.append(line)
        }
        let wrong = self.records.filter { $0.status == .wrong }
        if !wrong.isEmpty { lines.append("WRONG RESULTS: \(wrong.count) cells failed their check and were not timed") }
        var footer = "\(machine.cpu), \(machine.cores) cores, \(machine.operatingSystem), \(machine.swiftVersion) \(machine.buildConfiguration)"
        if let peak = peakResidentBytes { footer += "; peak RSS \(Format.bytes(peak))" }
        footer += String(format: "; %.1f s", wallSeconds)
        lines.append(footer)
        return lines.joined(separator: "\n")
    }
}

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
        let header = ["problem", "size", "n x m", "mode", "time/call", "/plain", "spread", "min", "memory"]
        return Format.table(header: header, rows: rows, leftAligned: 4)
    }

    /// Tape bytes where the mode reports them, otherwise the growth of peak resident memory.
    private func memory(of r: Record) -> String {
        if let bytes = r.tapeBytes { return "tape " + Format.bytes(bytes) }
        if let growth = r.peakResidentGrowth, growth > 0 { return "+" + Format.bytes(growth) + " rss" }
        return ""
    }

    /// The figures the issues quote, derived from the records.
    func summary() -> String {
        var lines: [String] = []
        let derived = DerivedFigures(records: records)
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
        let wrong = self.records.filter { $0.status == .wrong }
        if !wrong.isEmpty { lines.append("WRONG RESULTS: \(wrong.count) cells failed their check and were not timed") }
        var footer = "\(machine.cpu), \(machine.cores) cores, \(machine.operatingSystem), \(machine.swiftVersion) \(machine.buildConfiguration)"
        if let peak = peakResidentBytes { footer += "; peak RSS \(Format.bytes(peak))" }
        footer += String(format: "; %.1f s", wallSeconds)
        lines.append(footer)
        return lines.joined(separator: "\n")
    }
}

import Foundation

/// The chart of `--svg`, drawn as SVG text with no dependency: one log-log panel per
/// problem (median time against size, one line per mode), then a bar chart of each mode's
/// ratio to the plain function at each problem's largest size.
extension BenchmarkReport {
    /// Distinct colours for up to 16 modes (Tableau 10, then darker shades); plain is black.
    private static let palette = ["#222222", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                  "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                                  "#7f7f7f", "#393b79", "#ad494a", "#637939", "#843c39", "#5254a3"]

    func svg() -> String {
        let panelWidth = 380.0, panelHeight = 270.0, columns = 3
        let margin = (left: 64.0, right: 16.0, top: 34.0, bottom: 44.0)
        let colour = Dictionary(uniqueKeysWithValues: modes.enumerated().map {
            ($1.name, Self.palette[$0 % Self.palette.count])
        })
        let ok = records.filter { $0.status == .ok }
        let panels = problems.filter { p in Set(ok.filter { $0.problem == p.name }.map(\.size)).count >= 1 }
        let panelRows = (panels.count + columns - 1) / columns
        let legendHeight = 28.0
        let barProblems = problems.filter { p in ok.contains { $0.problem == p.name && $0.mode != "plain" } }
        let barRowHeight = 16.0
        let barCount = barProblems.reduce(0) { total, p in
            let size = barSize(of: p.name)
            return total + ok.filter { $0.problem == p.name && $0.size == size && $0.mode != "plain" }.count + 1
        }
        let barTop = 40 + legendHeight + Double(panelRows) * panelHeight + 30
        let width = Double(columns) * panelWidth
        let height = barTop + 50 + Double(barCount) * barRowHeight + 40

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="12" y="22" font-size="15" font-weight="bold">wengert-bench: time per call against size (log-log)</text>
            <text x="\(Int(width) - 12)" y="22" text-anchor="end" fill="#555">\(escape(machine.cpu)), \(machine.cores) cores, \
            \(escape(machine.swiftVersion)) \(machine.buildConfiguration), \(escape(machine.date))</text>

            """
        // Legend: one swatch per mode.
        var x = 12.0
        for mode in modes {
            out += "<line x1=\"\(x)\" y1=\"44\" x2=\"\(x + 18)\" y2=\"44\" stroke=\"\(colour[mode.name]!)\" stroke-width=\"2.5\"/>"
            out += "<text x=\"\(x + 22)\" y=\"48\">\(escape(mode.name))</text>\n"
            x += 30 + Double(mode.name.count) * 6.5
        }

        for (index, problem) in panels.enumerated() {
            let ox = Double(index % columns) * panelWidth, oy = 40 + legendHeight + Double(index / columns) * panelHeight
            let cells = ok.filter { $0.problem == problem.name }
            let sizes = cells.map { Double($0.size) }, times = cells.map { $0.timing!.median }
            let xr = Self.decades(sizes.min()!, sizes.max()!), yr = Self.decades(times.min()!, times.max()!)
            let plot = (x: ox + margin.left, y: oy + margin.top,
                        w: panelWidth - margin.left - margin.right, h: panelHeight - margin.top - margin.bottom)
            func px(_ v: Double) -> Double { plot.x + (log10(v) - xr.0) / (xr.1 - xr.0) * plot.w }
            func py(_ v: Double) -> Double { plot.y + plot.h - (log10(v) - yr.0) / (yr.1 - yr.0) * plot.h }
            out += "<text x=\"\(ox + margin.left)\" y=\"\(oy + 22)\" font-weight=\"bold\">\(escape(problem.name))</text>\n"
            out += "<rect x=\"\(plot.x)\" y=\"\(plot.y)\" width=\"\(plot.w)\" height=\"\(plot.h)\" fill=\"none\" stroke=\"#999\"/>\n"
            for e in Int(xr.0)...Int(xr.1) {
                let gx = px(pow(10, Double(e)))
                out += "<line x1=\"\(gx)\" y1=\"\(plot.y)\" x2=\"\(gx)\" y2=\"\(plot.y + plot.h)\" stroke=\"#eee\"/>"
                out += "<text x=\"\(gx)\" y=\"\(plot.y + plot.h + 14)\" text-anchor=\"middle\">\(Self.powerLabel(e))</text>\n"
            }
            for e in Int(yr.0)...Int(yr.1) {
                let gy = py(pow(10, Double(e)))
                out += "<line x1=\"\(plot.x)\" y1=\"\(gy)\" x2=\"\(plot.x + plot.w)\" y2=\"\(gy)\" stroke=\"#eee\"/>"
                out += "<text x=\"\(plot.x - 4)\" y=\"\(gy + 4)\" text-anchor=\"end\">\(Self.durationLabel(e))</text>\n"
            }
            out += "<text x=\"\(plot.x + plot.w / 2)\" y=\"\(plot.y + plot.h + 32)\" text-anchor=\"middle\" fill=\"#555\">\(escape(problem.sizeMeaning))</text>\n"
            out += "<text transform=\"translate(\(ox + 12), \(plot.y + plot.h / 2)) rotate(-90)\" text-anchor=\"middle\" fill=\"#555\">time per call</text>\n"
            for mode in modes {
                let points = cells.filter { $0.mode == mode.name }.sorted { $0.size < $1.size }
                    .map { "\(px(Double($0.size))),\(py($0.timing!.median))" }
                guard !points.isEmpty else { continue }
                let c = colour[mode.name]!
                if points.count > 1 {
                    out += "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
                }
                for p in points {
                    let xy = p.split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(c)\"/>"
                }
                out += "\n"
            }
        }

        // Ratio bars, log scale, at each problem's largest size.
        let barLeft = 250.0, barWidth = width - barLeft - 80
        out += "<text x=\"12\" y=\"\(barTop)\" font-size=\"15\" font-weight=\"bold\">time / plain function time, at each problem's largest size where most modes ran (log scale)</text>\n"
        let ratios = ok.compactMap(\.ratioToPlain).filter { $0 > 0 }
        let rr = Self.decades(Swift.min(1, ratios.min() ?? 1), Swift.max(10, ratios.max() ?? 10))
        func bx(_ r: Double) -> Double { barLeft + (log10(r) - rr.0) / (rr.1 - rr.0) * barWidth }
        var y = barTop + 30
        for e in Int(rr.0)...Int(rr.1) {
            let gx = bx(pow(10, Double(e)))
            out += "<line x1=\"\(gx)\" y1=\"\(y - 6)\" x2=\"\(gx)\" y2=\"\(y + Double(barCount) * barRowHeight)\" stroke=\"#eee\"/>"
            out += "<text x=\"\(gx)\" y=\"\(y - 10)\" text-anchor=\"middle\">\(Self.ratioLabel(e))</text>\n"
        }
        for problem in barProblems {
            let largest = barSize(of: problem.name)
            out += "<text x=\"12\" y=\"\(y + 11)\" font-weight=\"bold\">\(escape(problem.name)) \(escape(problem.sizeMeaning))=\(largest)</text>\n"
            y += barRowHeight
            for r in ok where r.problem == problem.name && r.size == largest && r.mode != "plain" {
                guard let ratio = r.ratioToPlain, ratio > 0 else { continue }
                let x0 = bx(pow(10, rr.0)), x1 = bx(ratio)
                out += "<text x=\"\(barLeft - 6)\" y=\"\(y + 10)\" text-anchor=\"end\">\(escape(r.mode))</text>"
                out += "<rect x=\"\(x0)\" y=\"\(y + 2)\" width=\"\(Swift.max(1, x1 - x0))\" height=\"\(barRowHeight - 4)\" fill=\"\(colour[r.mode] ?? "#888")\"/>"
                out += "<text x=\"\(x1 + 4)\" y=\"\(y + 11)\">\(Format.ratio(ratio))</text>\n"
                y += barRowHeight
            }
        }
        out += "</svg>\n"
        return out
    }

    /// The largest size of a problem at which the most modes have times: where the bars
    /// compare the most modes (modes that cost n² stop at smaller sizes).
    private func barSize(of problem: String) -> Int {
        let ok = records.filter { $0.problem == problem && $0.status == .ok }
        let sizes = Set(ok.map(\.size))
        return sizes.max { a, b in
            let ca = ok.filter { $0.size == a }.count, cb = ok.filter { $0.size == b }.count
            return ca != cb ? ca < cb : a < b
        } ?? 0
    }

    /// "1 ns", "10 ns", "100 ns", "1 µs", … for the decade 10^e nanoseconds.
    private static func durationLabel(_ e: Int) -> String {
        let units = ["ns", "µs", "ms", "s"]
        let group = Swift.min(Swift.max(e, 0) / 3, units.count - 1)
        return String(Int(pow(10, Double(e - 3 * group)))) + " " + units[group]
    }

    /// "0.1x", "1x", "10x", "1000x", "1e4x".
    private static func ratioLabel(_ e: Int) -> String {
        switch e {
        case ..<0: return String(format: "%gx", pow(10, Double(e)))
        case 0...3: return String(Int(pow(10, Double(e)))) + "x"
        default: return "1e\(e)x"
        }
    }

    /// The whole decades [floor(log10 lo), ceil(log10 hi)], at least one decade wide.
    private static func decades(_ lo: Double, _ hi: Double) -> (Double, Double) {
        let a = floor(log10(Swift.max(lo, 1e-300))), b = ceil(log10(Swift.max(hi, 1e-300)))
        return b > a ? (a, b) : (a, a + 1)
    }

    /// "1", "10", "100", "1k", "10k", "100k", "1M", or "1e-2".
    private static func powerLabel(_ e: Int) -> String {
        switch e {
        case 0...2: return String(Int(pow(10, Double(e))))
        case 3...5: return String(Int(pow(10, Double(e - 3)))) + "k"
        case 6...8: return String(Int(pow(10, Double(e - 6)))) + "M"
        default: return "1e\(e)"
        }
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

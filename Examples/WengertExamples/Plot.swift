// FoundationEssentials only: the whole of Foundation would add its ICU tables to the
// resident memory that `measure memory` reports.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `wengert-examples NAME --plot FILE`: the training examples draw their loss curve (and
// the sin and Legendre fits their fitted curve against the data) as an SVG file, written
// as text with no dependency, as the harness's chart is.

/// One line or cloud of points on a panel.
struct PlotSeries {
    var name: String
    var points: [(x: Double, y: Double)]
    var color: String
    var dots = false
}

/// One chart: axes with ticks at the data's ends, its series, a legend.
struct PlotPanel {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [PlotSeries]
    var logY = false
}

/// The file given after `--plot`, if any.
func plotFile() -> String? {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: "--plot"), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

/// Writes `panels`, stacked, to the `--plot` file when one was given, and says so.
func writePlot(_ panels: [PlotPanel]) {
    guard let path = plotFile() else { return }
    do {
        try svgDocument(panels).write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    } catch {
        print("could not write \(path): \(error)")
    }
}

/// The panels as one SVG document, 640 px wide, 320 px per panel.
func svgDocument(_ panels: [PlotPanel]) -> String {
    let width = 640.0, panelHeight = 320.0
    var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(panelHeight * Double(panels.count)))" \
        font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
    for (k, panel) in panels.enumerated() {
        let top = panelHeight * Double(k)
        let (left, right, plotTop, bottom) = (70.0, width - 20, top + 40, top + panelHeight - 50)
        let ys = panel.series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && (!panel.logY || $0 > 0) }
        let xs = panel.series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { continue }
        let fy: (Double) -> Double = panel.logY ? { log10($0) } : { $0 }
        let (ly0, ly1) = (fy(y0), fy(y1) == fy(y0) ? fy(y0) + 1 : fy(y1))
        let sx = { (x: Double) in left + (x - x0) / (x1 == x0 ? 1 : x1 - x0) * (right - left) }
        let sy = { (y: Double) in bottom - (fy(y) - ly0) / (ly1 - ly0) * (bottom - plotTop) }
        out += "<text x=\"\(left)\" y=\"\(top + 24)\" font-size=\"14\">\(escaped(panel.title))</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(plotTop)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        for (value, anchor) in [(x0, "start"), (x1, "end")] {
            out += "<text x=\"\(sx(value))\" y=\"\(bottom + 16)\" text-anchor=\"\(anchor)\">\(label(value))</text>\n"
        }
        for value in [y0, y1] {
            out += "<text x=\"\(left - 6)\" y=\"\(sy(value) + 4)\" text-anchor=\"end\">\(label(value))</text>\n"
        }
        out += "<text x=\"\((left + right) / 2)\" y=\"\(bottom + 34)\" text-anchor=\"middle\">\(escaped(panel.xLabel))</text>\n"
        out += "<text x=\"16\" y=\"\((plotTop + bottom) / 2)\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 16 \((plotTop + bottom) / 2))\">\(escaped(panel.yLabel))\(panel.logY ? " (log)" : "")</text>\n"
        for (i, series) in panel.series.enumerated() {
            let visible = series.points.filter { $0.x.isFinite && $0.y.isFinite && (!panel.logY || $0.y > 0) }
            if series.dots {
                for p in visible {
                    out += "<circle cx=\"\(sx(p.x))\" cy=\"\(sy(p.y))\" r=\"1.5\" fill=\"\(series.color)\"/>\n"
                }
            } else {
                let path = visible.map { "\(sx($0.x)),\(sy($0.y))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            }
            out += "<text x=\"\(right - 4)\" y=\"\(plotTop + 14 * Double(i + 1))\" text-anchor=\"end\" "
                + "fill=\"\(series.color)\">\(escaped(series.name))</text>\n"
        }
    }
    return out + "</svg>\n"
}

func label(_ value: Double) -> String {
    let magnitude = Swift.abs(value)
    if magnitude != 0 && magnitude.isFinite && (magnitude >= 1e5 || magnitude < 1e-3) {
        // %.2e by hand: a mantissa in [1, 10) with two decimals and the power of ten.
        var exponent = Int(log10(magnitude).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        if Swift.abs(mantissa) >= 9.995 { (mantissa, exponent) = (mantissa / 10, exponent + 1) }
        let e = String(Swift.abs(exponent))
        return fmt(mantissa, 2) + "e" + (exponent < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
    }
    return fmt(value, magnitude >= 100 ? 0 : 3)
}

func escaped(_ text: String) -> String {
    text.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
}

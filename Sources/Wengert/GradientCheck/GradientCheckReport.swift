// The result of a gradient check: every derivative a mode computed, beside the
// finite-difference estimate it was compared with, so that a failure points at the
// input and the mode whose rule is wrong.

/// The outcome of `gradientCheck(of:at:)`, `hessianCheck(of:at:)` or a tensor check:
/// analytic derivatives compared entry by entry with finite differences.
///
/// An entry passes when |analytic - numeric| ≤ absoluteTolerance + relativeTolerance ·
/// |numeric| (NumPy's `allclose`, as PyTorch's `gradcheck`); infinities must match
/// exactly and a NaN never passes. The check passes when every entry does.
///
/// ```swift
/// let report = gradientCheck(of: rosenbrock, at: [0.5, 0.6, 0.7])
/// report.passed            // true
/// print(report)            // a table of the worst entries
/// ```
public struct GradientCheckReport: Sendable, CustomStringConvertible {
    /// The differentiation mode an entry's analytic value came from.
    public enum Mode: String, Sendable, CaseIterable {
        /// Reverse mode: one backward sweep over the tape.
        case reverse
        /// Forward mode: a dual number along each basis direction.
        case forward
        /// A replayed recording at new inputs.
        case replay
        /// Forward over reverse: a Hessian-vector product.
        case forwardOverReverse = "forward-over-reverse"
        /// A recorded tensor backward pass (built-in or custom rules).
        case backward
        /// Reverse over reverse: a tensor Hessian-vector product, the backward pass of a
        /// recorded backward pass.
        case reverseOverReverse = "reverse-over-reverse"
    }

    /// One compared derivative.
    public struct Entry: Sendable {
        /// The flat index into the checked derivative (the input, or the input times
        /// the direction for Hessian-vector products).
        public var index: Int
        /// Where `analytic` came from.
        public var mode: Mode
        /// The derivative the mode computed.
        public var analytic: Double
        /// The finite-difference estimate.
        public var numeric: Double
        /// |analytic - numeric|; +∞ when either is NaN or only one is infinite.
        public var absoluteError: Double
        /// absoluteError / max(|analytic|, |numeric|), 0 when both are 0.
        public var relativeError: Double
        /// absoluteError / (absoluteTolerance + relativeTolerance · |numeric|): at most
        /// 1 for an entry that passes.
        public var severity: Double
        /// Whether the entry is within tolerance.
        public var passed: Bool { severity <= 1 }
    }

    /// Every compared derivative, in the order they were computed.
    public var entries: [Entry]
    /// The absolute tolerance the entries were judged with.
    public var absoluteTolerance: Double
    /// The relative tolerance the entries were judged with.
    public var relativeTolerance: Double
    /// What was checked, for the first line of `description` ("gradient", "Hessian-vector product").
    public var subject: String

    /// Judges `entries`' analytic against numeric values with the given tolerances.
    ///
    /// - Complexity: O(entries).
    public init(subject: String, absoluteTolerance: Double, relativeTolerance: Double,
                comparisons: [(index: Int, mode: Mode, analytic: Double, numeric: Double)]) {
        self.subject = subject
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        entries = comparisons.map { c in
            let (abs, rel) = Self.errors(c.analytic, c.numeric)
            let allowed = absoluteTolerance + relativeTolerance * Swift.abs(c.numeric)
            let severity: Double = abs == 0 ? 0 : abs.isFinite ? abs / allowed : .infinity
            return Entry(index: c.index, mode: c.mode, analytic: c.analytic, numeric: c.numeric,
                         absoluteError: abs, relativeError: rel, severity: severity)
        }
    }

    /// The errors of `analytic` against `numeric`: absolute and relative.
    static func errors(_ analytic: Double, _ numeric: Double) -> (Double, Double) {
        if analytic == numeric { return (0, 0) }
        if analytic.isNaN || numeric.isNaN || !analytic.isFinite || !numeric.isFinite {
            return (.infinity, .infinity)
        }
        let abs = Swift.abs(analytic - numeric)
        return (abs, abs / Swift.max(Swift.abs(analytic), Swift.abs(numeric)))
    }

    /// Whether every entry is within tolerance (true for an empty check).
    public var passed: Bool { entries.allSatisfy(\.passed) }

    /// The largest |analytic - numeric| over all entries.
    public var maxAbsoluteError: Double { entries.map(\.absoluteError).max() ?? 0 }

    /// The largest relative error over all entries.
    public var maxRelativeError: Double { entries.map(\.relativeError).max() ?? 0 }

    /// The entry furthest outside (or closest to the edge of) the tolerance; nil when empty.
    public var worstEntry: Entry? { entries.max { $0.severity < $1.severity } }

    /// The flat index of the worst entry (see `worstEntry`); nil when nothing was compared.
    public var worstIndex: Int? { worstEntry?.index }

    /// The entries outside tolerance, worst first.
    public var failures: [Entry] { entries.filter { !$0.passed }.sorted { $0.severity > $1.severity } }

    /// A verdict line and a table of the (at most 8) worst entries:
    ///
    /// ```
    /// gradient check FAILED: 2 of 6 entries outside |a - n| ≤ 1e-05 + 0.001·|n|; max abs error 1.5, max rel error 0.33
    ///  index  mode      analytic        numeric         abs error   rel error
    ///      1  reverse   3               4.5             1.5         0.33
    /// ```
    public var description: String {
        let failing = entries.count(where: { !$0.passed })
        let verdict = failing == 0 ? "passed" : "FAILED: \(failing) of \(entries.count) entries"
        var lines = ["\(subject) check \(verdict) (|a - n| ≤ \(absoluteTolerance) + \(relativeTolerance)·|n|); "
                     + "max abs error \(short(maxAbsoluteError)), max rel error \(short(maxRelativeError))"]
        lines.append(row(["index", "mode", "analytic", "numeric", "abs error", "rel error"]))
        for e in entries.sorted(by: { $0.severity > $1.severity }).prefix(8) {
            lines.append(row(["\(e.index)", e.mode.rawValue, short(e.analytic), short(e.numeric),
                              short(e.absoluteError), short(e.relativeError)] + (e.passed ? [] : ["✗"])))
        }
        return lines.joined(separator: "\n")
    }
}

/// A number in at most 12 characters: enough digits to see where two values part.
private func short(_ x: Double) -> String {
    if x == 0 || !x.isFinite { return x.isNaN ? "nan" : "\(x)" }
    let a = Swift.abs(x)
    if a >= 1e-4 && a < 1e7 {
        let s = "\((x * 1e8).rounded() / 1e8)"
        return s.count > 12 ? String(s.prefix(12)) : s
    }
    // Scientific with four significant digits: 3.691e-14.
    var exponent = Int(Double.log10(a).rounded(.down))
    var mantissa = ((x / Double.pow(10, Double(exponent))) * 1000).rounded() / 1000
    if Swift.abs(mantissa) >= 10 {
        mantissa /= 10
        exponent += 1
    }
    return "\(mantissa)e\(exponent)"
}

private func row(_ cells: [String]) -> String {
    let widths = [6, 21, 14, 14, 12, 12, 2]
    var line = ""
    for (i, cell) in cells.enumerated() {
        let w = widths[Swift.min(i, widths.count - 1)]
        line += i == 0 ? String(repeating: " ", count: Swift.max(0, w - cell.count)) + cell + "  "
                       : cell + String(repeating: " ", count: Swift.max(1, w - cell.count))
    }
    while line.last == " " { line.removeLast() }
    return line
}

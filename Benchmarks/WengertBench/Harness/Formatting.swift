import Foundation

/// Number formatting for the table: a unit chosen per value, three significant digits.
enum Format {
    /// "812 ns", "3.41 µs", "12.0 ms", "1.20 s".
    static func duration(nanoseconds ns: Double) -> String {
        switch ns {
        case ..<1_000: return significant(ns) + " ns"
        case ..<1_000_000: return significant(ns / 1e3) + " µs"
        case ..<1_000_000_000: return significant(ns / 1e6) + " ms"
        default: return significant(ns / 1e9) + " s"
        }
    }

    /// "512 B", "3.4 KiB", "120 MiB".
    static func bytes(_ b: Int) -> String {
        let v = Double(b)
        switch v {
        case ..<1024: return "\(b) B"
        case ..<(1024 * 1024): return significant(v / 1024) + " KiB"
        case ..<(1024 * 1024 * 1024): return significant(v / 1048576) + " MiB"
        default: return significant(v / 1073741824) + " GiB"
        }
    }

    /// A ratio with two significant decimals below 10 ("1.8x", "0.43x"), fewer above.
    static func ratio(_ r: Double) -> String {
        switch r {
        case ..<0.1: return String(format: "%.3fx", r)
        case ..<10: return String(format: "%.2fx", r)
        case ..<100: return String(format: "%.1fx", r)
        default: return String(format: "%.0fx", r)
        }
    }

    /// "±12%".
    static func percent(_ fraction: Double) -> String { String(format: "±%.0f%%", fraction * 50) }

    /// Three significant digits, no exponent.
    static func significant(_ v: Double) -> String {
        switch Swift.abs(v) {
        case ..<10: return String(format: "%.2f", v)
        case ..<100: return String(format: "%.1f", v)
        default: return String(format: "%.0f", v)
        }
    }

    /// Left-aligned first column(s), right-aligned numbers, two spaces between columns.
    static func table(header: [String], rows: [[String]], leftAligned: Int) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c < leftAligned ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

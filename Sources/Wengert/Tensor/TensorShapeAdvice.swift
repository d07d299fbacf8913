// The likely fix for a shape error, appended to its message (issue 14): a matmul whose
// shapes would agree with one operand transposed, a broadcast that needs an axis of
// extent 1 (unsqueezed) or the same scalars in another shape (reshaped).

enum TensorShapeAdvice {
    /// " Did you mean ...?" for matmul(a, b) of rank-2 shapes, or "".
    static func matmul(_ a: [Int], _ b: [Int]) -> String {
        guard a.count == 2, b.count == 2 else { return "" }
        if a[1] == b[1] { return " Did you mean matmul(a, b.transposed()) (\(a) x \([b[1], b[0]]))?" }
        if a[0] == b[0] { return " Did you mean matmul(a.transposed(), b) (\([a[1], a[0]]) x \(b))?" }
        if b[1] == a[0] { return " Did you mean matmul(b, a) (\(b) x \(a))?" }
        return ""
    }

    /// " Did you mean ...?" for shapes a and b that do not broadcast, or "".
    static func broadcast(_ a: [Int], _ b: [Int]) -> String {
        // A lower-rank operand whose extents lead the other's axes: it needs trailing axes
        // of extent 1, as a column vector does against a matrix.
        for (small, large, name) in [(a, b, "left"), (b, a, "right")] where small.count < large.count && !small.isEmpty {
            if Array(large.prefix(small.count)) == small {
                let target = small + Array(repeating: 1, count: large.count - small.count)
                let how = large.count - small.count == 1 ? "unsqueezed(axis: -1)" : "reshaped(to: \(target))"
                return " Did you mean the \(name) operand as \(target), with \(how), so it broadcasts along the "
                    + "trailing axes?"
            }
        }
        if TensorShape.count(a) == TensorShape.count(b), a != b {
            return " Both hold \(TensorShape.count(a)) scalars: did you mean one reshaped(to:) the other's shape?"
        }
        return ""
    }
}

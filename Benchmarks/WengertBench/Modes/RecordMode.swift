import Wengert

extension Mode {
    /// Recording alone, on one explicit `Tape` reset before each call: with `reverse`
    /// (recording and sweep) it splits reverse mode's cost into its two halves.
    static let record = Mode(
        name: "record", summary: "recording on a reused Tape<Double>, no sweep (reverse mode's first half)",
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let tape = Tape<Double>()
            let body = { (x: [Double]) -> Double in
                tape.reset()
                return f.value(tape.variables(x)).value
            }
            var run = PreparedRun(run: { sink(body(opaque(x))) }, output: { .value(body(x)) })
            (run.tapeEntries, run.tapeBytes) = recordingSize(of: { f.value($0) }, at: x)
            return run
        })
}

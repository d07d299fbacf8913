import Wengert

extension Mode {
    /// `gradient(of:at:)` (one recording and one sweep) for scalar objectives,
    /// `Reverse.jacobian(of:at:)` (one recording, m sweeps) for vector ones.
    static let reverse = Mode(
        name: "reverse", summary: "gradient(of:at:) / Reverse.jacobian: record on the tape, sweep back",
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                let body = { (x: [Double]) in gradient(of: { f.value($0) }, at: x) }
                var run = PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
                (run.tapeEntries, run.tapeBytes) = recordingSize(of: { f.value($0) }, at: x)
                return run
            case .vector(let f):
                let x = f.input
                let body = { (x: [Double]) in Reverse.jacobian(of: { f.values($0) }, at: x) }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .jacobian(body(x)) })
            case .tensor, .loop, .stream, .product:
                return nil
            }
        })
}

/// The entries and bytes one recording of f at x takes, from an explicit tape.
func recordingSize(of f: ([Var<Double>]) -> Var<Double>, at x: [Double]) -> (entries: Int, bytes: Int) {
    let tape = Tape<Double>()
    sink(f(tape.variables(x)))
    return (tape.entryCount, tape.recordedByteCount)
}

import Wengert

extension Mode {
    /// `CompiledGradient`: f recorded once outside the timing; each call replays the
    /// recording forward at the input and sweeps it back, with no new recording.
    static let replay = Mode(
        name: "replay", summary: "CompiledGradient.gradient(at:): replay one recording, then sweep",
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let compiled = CompiledGradient(of: { f.value($0) }, at: x)
            let body = { (x: [Double]) in compiled.gradient(at: x) }
            var run = PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
            (run.tapeEntries, run.tapeBytes) = recordingSize(of: { f.value($0) }, at: x)
            return run
        })
}

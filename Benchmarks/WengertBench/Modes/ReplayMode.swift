import Wengert

extension Mode {
    /// `CompiledGradient`: f recorded once outside the timing; each call replays the
    /// recording forward at the input and sweeps it back, with no new recording.
    static let replay = replay(name: "replay", .exact, "")
    /// `replay` with the elementary functions in batches through the vector kernels.
    static let replayVectorized = replay(
        name: "replay-vectorized", .vectorized, ", elementary functions batched through the vector kernels")

    static func replay(name: String, _ elementaryFunctions: ReplayElementaryFunctions, _ detail: String) -> Mode {
        Mode(name: name, summary: "CompiledGradient.gradient(at:): replay one recording, then sweep" + detail,
             prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let compiled = CompiledGradient(of: { f.value($0) }, at: x, elementaryFunctions: elementaryFunctions)
            let body = { (x: [Double]) in compiled.gradient(at: x) }
            var run = PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
            (run.tapeEntries, run.tapeBytes) = recordingSize(of: { f.value($0) }, at: x)
            return run
        })
    }
}

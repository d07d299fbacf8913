import Wengert

extension Mode {
    /// A tensor loss recorded on `Tensor<Float>` (`Tensor<Double>` where the problem is
    /// timed in double precision) and differentiated by `backward()`, as a training step
    /// does (the parameters' `grad` read back as an array).
    static let tensorBackward = Mode(
        name: "backward",
        summary: "Tensor<Float> (or <Double>, as the problem says) recording and backward(): the gradient of a tensor loss",
        prepare: { objective in
            guard case .tensor(let f) = objective else { return nil }
            if f.isTimedInDouble {
                let x = f.input
                return PreparedRun(
                    run: { sink(f.doubleLossGradient(opaque(x))) }, output: { .gradient(f.doubleLossGradient(x)) },
                    tapeEntries: f.recordedOperations)
            }
            let x = f.input.map { Float($0) }
            return PreparedRun(
                run: { sink(f.lossGradient(opaque(x))) },
                output: { .gradient(f.lossGradient(x).map { Double($0) }) },
                precision: 1e-3, tapeEntries: f.recordedOperations)
        })
}

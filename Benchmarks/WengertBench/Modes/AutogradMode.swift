import Wengert

extension Mode {
    /// A whole training loop recorded and differentiated by `backward()` at every step;
    /// `plain` runs the same loop with gradients written by hand.
    static let autograd = trainingLoop(
        name: "autograd", summary: "a whole training loop, gradients by recording and backward() (plain: by hand)"
    ) { $0.autograd() }

    /// The `autograd` loop with its loss written as a `LazyTensor`: the elementwise chain
    /// of each step runs as one fused pass forward and one backward, one recorded entry.
    static let fused = trainingLoop(
        name: "fused", summary: "the autograd loop with its loss a LazyTensor: one fused pass forward, one backward"
    ) { $0.fused() }

    /// A mode that times one way of running a problem's whole training loop.
    static func trainingLoop(name: String, summary: String, _ run: @escaping @Sendable (any TrainingLoop) -> [Float]) -> Mode {
        Mode(
            name: name, summary: summary,
            prepare: { objective in
                guard case .loop(let f) = objective else { return nil }
                return PreparedRun(
                    run: { sink(run(f)) },
                    output: { .trained(run(f).map { Double($0) }) })
            })
    }
}

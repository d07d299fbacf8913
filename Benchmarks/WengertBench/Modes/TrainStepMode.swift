import Wengert

extension Mode {
    /// One whole training step on a tensor loss that declares itself a training step:
    /// forward, `backward()`, an SGD update of the parameters and zeroing their gradient,
    /// on parameters that persist from call to call as in a training loop.
    static let trainStep = Mode(
        name: "train-step", summary: "Tensor<Float> forward, backward() and an SGD step (lr 1e-3) on a training-step problem",
        prepare: { objective in
            guard case .tensor(let f) = objective, f.isTrainingStep else { return nil }
            let x = f.input.map { Float($0) }
            let constants = f.constants.map { Tensor<Float>(shape: $0.shape, scalars: $0.float) }
            // The model's tensors as separate leaves, updated in place through
            // `update(&parameters)` as a training loop does; the closure owns them.
            func leaves() -> [Tensor<Float>] {
                f.partLayout.map { Tensor<Float>(shape: $0.shape, scalars: Array(x[$0.range])).requiringGradient() }
            }
            var parameters = leaves()
            let training = SGD<Float>(learningRate: 1e-3)
            return PreparedRun(
                run: {
                    let loss = f.loss(parts: parameters, opaque(constants))
                    loss.backward()
                    training.update(&parameters)
                    for p in parameters { p.zeroGradient() }
                    sink(loss.scalar)
                },
                output: {
                    // The gradient the step used, read before the update from fresh parameters.
                    let fresh = leaves()
                    f.loss(parts: fresh, constants).backward()
                    return .gradient(fresh.flatMap { $0.grad!.scalars.map { Double($0) } })
                },
                precision: 1e-3)
        })
}

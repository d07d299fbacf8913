import Wengert

extension Mode {
    /// The `autograd` loop with its loss written as a `LazyTensor`: the elementwise chain
    /// of each step runs as one fused pass forward and one backward, one recorded entry.
    static let fused = Mode(
        name: "fused", summary: "the autograd loop with its loss a LazyTensor: one fused pass forward, one backward",
        prepare: { objective in
            guard case .loop(let f) = objective else { return nil }
            return PreparedRun(
                run: { sink(f.fused()) },
                output: { .trained(f.fused().map { Double($0) }) })
        })
}

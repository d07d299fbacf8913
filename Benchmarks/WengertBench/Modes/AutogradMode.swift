import Wengert

extension Mode {
    /// A whole training loop recorded and differentiated by `backward()` at every step;
    /// `plain` runs the same loop with gradients written by hand.
    static let autograd = Mode(
        name: "autograd", summary: "a whole training loop, gradients by recording and backward() (plain: by hand)",
        prepare: { objective in
            guard case .loop(let f) = objective else { return nil }
            return PreparedRun(
                run: { sink(f.autograd()) },
                output: { .trained(f.autograd().map { Double($0) }) })
        })
}

import Wengert

extension Mode {
    /// `hessian(of:at:)`: n Hessian-vector products, forward over reverse.
    static let hessian = Mode(
        name: "hessian", summary: "hessian(of:at:): n forward-over-reverse products, the full n×n matrix",
        maximumInputs: 1_000,
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let body = { (x: [Double]) in Wengert.hessian(of: { f.value($0) }, at: x) }
            return PreparedRun(run: { sink(body(opaque(x))) }, output: { .hessian(body(x)) })
        })
}

import Wengert

extension Mode {
    /// Central differences, 2n evaluations of the plain function.
    static let finiteDifferences = Mode(
        name: "finite-diff", summary: "FiniteDifferences.gradient/jacobian: 2n plain evaluations",
        maximumInputs: 2_000,
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                let body = { (x: [Double]) in FiniteDifferences.gradient(of: { f.value($0) }, at: x) }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) }, isExact: false)
            case .vector(let f):
                let x = f.input
                let body = { (x: [Double]) in FiniteDifferences.jacobian(of: { f.values($0) }, at: x) }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .jacobian(body(x)) }, isExact: false)
            case .tensor, .loop, .stream, .product:
                return nil
            }
        })
}

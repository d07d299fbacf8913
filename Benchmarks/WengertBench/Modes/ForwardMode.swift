import Wengert

extension Mode {
    /// `Forward.gradient` / `Forward.jacobian`: chunked forward mode, eight directions per
    /// pass on `MultiDual<SIMD8<Double>>`, so ⌈n/8⌉ passes.
    static let forward = Mode(
        name: "forward", summary: "Forward.gradient/jacobian: ⌈n/8⌉ passes on MultiDual<SIMD8<Double>>",
        maximumInputs: 5_000,
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                let body = { (x: [Double]) in Forward.gradient(of: { f.value($0) }, at: x) }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
            case .vector(let f):
                let x = f.input
                let body = { (x: [Double]) in Forward.jacobian(of: { f.values($0) }, at: x) }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .jacobian(body(x)) })
            case .tensor, .loop, .stream, .product:
                return nil
            }
        })
}

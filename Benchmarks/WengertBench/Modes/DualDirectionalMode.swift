import Wengert

extension Mode {
    /// One forward pass on `Dual<Double>` along a fixed direction: the cost of a
    /// Jacobian-vector product, and the Dual/plain ratio of issue 2.
    static let dualDirectional = Mode(
        name: "dual-jvp", summary: "one Dual<Double> pass along a direction: ⟨∇f, v⟩ (cost of one JVP)",
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let v = checkDirection(count: x.count)
            let body = { (x: [Double]) -> Double in
                let tag = PerturbationTag.fresh()
                var duals: [Dual<Double>] = []
                duals.reserveCapacity(x.count)
                for i in x.indices { duals.append(Dual(x[i], derivative: v[i], tag: tag)) }
                return f.value(duals).derivative
            }
            return PreparedRun(run: { sink(body(opaque(x))) }, output: { .directionalDerivative(body(x)) })
        })
}

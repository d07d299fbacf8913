import Wengert

extension Mode {
    /// n forward passes on single-lane `Dual<Double>`, one per input: the gradient or
    /// Jacobian the simplest way forward mode can give it.
    static let dualLoop = Mode(
        name: "dual-loop", summary: "n single-lane Dual<Double> passes, one per input (forward mode, unchunked)",
        maximumInputs: 2_000,
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                let body = { (x: [Double]) -> [Double] in
                    var duals = x.map { Dual($0) }
                    var g = [Double](repeating: 0, count: x.count)
                    for i in x.indices {
                        let tag = PerturbationTag.fresh()
                        for j in duals.indices { duals[j].tag = tag }
                        duals[i].derivative = 1
                        g[i] = f.value(duals).derivative
                        duals[i].derivative = 0
                    }
                    return g
                }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .gradient(body(x)) })
            case .vector(let f):
                let x = f.input
                let m = f.outputCount
                let body = { (x: [Double]) -> [[Double]] in
                    var duals = x.map { Dual($0) }
                    var rows = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: m)
                    for j in x.indices {
                        let tag = PerturbationTag.fresh()
                        for i in duals.indices { duals[i].tag = tag }
                        duals[j].derivative = 1
                        let column = f.values(duals)
                        for i in 0..<m { rows[i][j] = column[i].derivative }
                        duals[j].derivative = 0
                    }
                    return rows
                }
                return PreparedRun(run: { sink(body(opaque(x))) }, output: { .jacobian(body(x)) })
            case .tensor, .loop, .stream, .product:
                return nil
            }
        })
}

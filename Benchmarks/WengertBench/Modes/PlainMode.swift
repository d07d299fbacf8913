import Wengert

extension Mode {
    /// The function itself on `Double`: the unit every other mode's time is divided by.
    static let plain = Mode(
        name: "plain", summary: "the function on Double, no derivatives (the ratio's unit)",
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                return PreparedRun(run: { sink(f.value(opaque(x))) }, output: { .value(f.value(x)) })
            case .vector(let f):
                let x = f.input
                return PreparedRun(run: { sink(f.values(opaque(x))) }, output: { .values(f.values(x)) })
            case .tensor(let f):
                let x = f.input.map { Float($0) }
                return PreparedRun(run: { sink(f.plainLoss(opaque(x))) }, output: { .value(Double(f.plainLoss(x))) })
            }
        })
}

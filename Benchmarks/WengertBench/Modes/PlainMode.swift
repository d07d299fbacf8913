import Wengert

extension Mode {
    /// The function itself on `Double`: the unit every other mode's time is divided by.
    static let plain = Mode(
        name: "plain",
        summary: "the function on Double, no derivatives; a loop with hand-written gradients; a memcpy (the ratio's unit)",
        prepare: { objective in
            switch objective {
            case .scalar(let f):
                let x = f.input
                return PreparedRun(run: { sink(f.value(opaque(x))) }, output: { .value(f.value(x)) })
            case .vector(let f):
                let x = f.input
                return PreparedRun(run: { sink(f.values(opaque(x))) }, output: { .values(f.values(x)) })
            case .tensor(let f) where f.isTimedInDouble:
                let x = f.input
                return PreparedRun(run: { sink(f.doubleLoss(opaque(x))) }, output: { .value(f.doubleLoss(x)) })
            case .tensor(let f):
                let x = f.input.map { Float($0) }
                return PreparedRun(run: { sink(f.plainLoss(opaque(x))) }, output: { .value(Double(f.plainLoss(x))) })
            case .loop(let f):
                return PreparedRun(run: { sink(f.handWritten()) }, output: { .trained(f.handWritten().map { Double($0) }) })
            case .stream(let f):
                return PreparedRun(
                    run: { f.copy() }, output: { f.copy(); return .selfChecked(f.checkCopy()) },
                    bytesMoved: f.bytesMoved)
            case .product(let f):
                let a = Tensor(shape: [f.s, f.s], scalars: f.a), b = Tensor(shape: [f.s, f.s], scalars: f.b)
                return PreparedRun(
                    run: { sink(matmul(opaque(a), b)) }, output: { .selfChecked(f.check(matmul(a, b))) },
                    floatingPointOperations: f.floatingPointOperations)
            }
        })
}

import Testing
import Wengert

/// A random program evaluated on tensors, each value a one-element tensor, through the
/// tensor forms of the table (`tensorApply`); a dot as its running sum of products.
func evaluateOnTensors(_ p: RandomProgram, _ x: [Tensor<Double>]) -> Tensor<Double> {
    var values = x
    for ins in p.instructions {
        guard let dot = ins.dot else {
            values.append(tensorApply(ins.operation, values[ins.first], values[ins.second]))
            continue
        }
        func tensor(_ o: RandomProgram.Operand) -> Tensor<Double> {
            switch o {
            case .value(let i): return values[i]
            case .constant(let c): return Tensor(repeating: c, shape: values[0].shape, on: values[0].device)
            }
        }
        let terms = zip(dot.x, dot.y).map { tensor($0) * tensor($1) }
        // dot(x, y) starts from its first product; a dot reads a value, so it has a term
        // or adds something.
        var s = dot.adding.map(tensor) ?? terms[0]
        for t in dot.adding == nil ? terms.dropFirst() : terms[...] { s = t + s }
        values.append(s)
    }
    return values[values.count - 1]
}

@Suite("Random programs on tensors", .tags(.verification))
struct TensorRandomProgramTests {
    @Test("tensor backward agrees with reverse mode on 2000 random programs (shared subexpressions included)")
    func tensorsAgreeWithReverseMode() {
        var failures: [String] = []
        for seed in 1...2000 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            let fails = { (q: RandomProgram) -> Bool in
                let leaves = q.inputs.map { Tensor<Double>([$0]).requiringGradient() }
                let out = evaluateOnTensors(q, leaves)
                out.sum().backward()
                let tensor = leaves.map { $0.grad?.scalars[0] ?? 0 }
                let reverse = gradient(of: { q.evaluate($0) }, at: q.inputs)
                return !sameValue(out.scalars[0], q.evaluate(q.inputs), ulps: 64)
                    || zip(tensor, reverse).contains { !matchesConvention($0, $1, tolerance: 1e-10) }
            }
            if fails(p) {
                failures.append("seed \(seed), shrunk:\n\(p.shrunk(while: fails))")
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }
}

import Testing
import Wengert

/// A random program evaluated on tensors, each value a one-element tensor, through the
/// tensor forms of the table (`tensorApply`).
func evaluateOnTensors(_ p: RandomProgram, _ x: [Tensor<Double>]) -> Tensor<Double> {
    var values = x
    for ins in p.instructions {
        values.append(tensorApply(ins.operation, values[ins.first], values[ins.second]))
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

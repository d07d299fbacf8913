import Testing
import Wengert

/// |a - r| ≤ 1e-4·|r| + 1e-6, with equal infinities and NaNs accepted: what `Float`
/// rounding of the value, the partial and the rule's intermediate steps allows.
func floatClose(_ a: Float, _ r: Double) -> Bool {
    let a = Double(a)
    if a == r || (a.isNaN && r.isNaN) { return true }
    return Swift.abs(a - r) <= 1e-4 * Swift.abs(r) + 1e-6
}

@Suite("Every operation in Float", .tags(.verification))
struct FloatOperationTests {
    @Test("Dual<Float> and Var<Float> match the reference partials at sample points",
          arguments: ScalarOperation.allCases)
    func floatModesAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let x = Float(p.x), y = Float(p.y)
            // The reference at the point Float can represent.
            let r = op.referencePartials(Double(x), Double(y))
            let dx = op.apply(Dual(x, derivative: 1), Dual(y)).derivative
            let dy = op.arity == 2 ? op.apply(Dual(x), Dual(y, derivative: 1)).derivative : 0
            #expect(floatClose(dx, r.x) && floatClose(dy, r.y), "\(op) Dual<Float> at \(p): (\(dx), \(dy)) vs \(r)")
            let tape = Tape<Float>()
            let a = tape.variable(x), b = tape.variable(y)
            let z = op.apply(a, b)
            let adjoints = tape.gradient(of: z)
            #expect(floatClose(adjoints[a], r.x) && floatClose(adjoints[b], r.y),
                    "\(op) Var<Float> at \(p): (\(adjoints[a]), \(adjoints[b])) vs \(r)")
            #expect(floatClose(z.value, op.apply(Double(x), Double(y))), "\(op) value at \(p)")
        }
    }
}

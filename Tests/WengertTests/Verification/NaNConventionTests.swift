import Testing
import Wengert

/// NaN propagates through max, min and relu in every mode, whatever its position, and
/// the derivative goes to the operand that produced the value (ARCHITECTURE.md, NaN).
@Suite("NaN through max, min and relu in every mode", .tags(.verification))
struct NaNConventionTests {
    /// (value, ∂/∂x, ∂/∂y) of `op` at (x, y) in Dual, MultiDual, the tape and tensors.
    static func everyMode(_ op: ScalarOperation, _ x: Double, _ y: Double) -> [(String, Double, Double, Double)] {
        let t = tensorPartials(op, [(x, y)])
        let tape = Tape<Double>()
        let value = op.apply(tape.variable(x), tape.variable(y)).value
        let d = dualPartials(op, x, y), m = multiDualPartials(op, x, y), r = tapePartials(op, x, y)
        return [
            ("plain", op.apply(x, y), .nan, .nan),
            ("Dual", op.apply(Dual(x, derivative: 1), Dual(y)).value, d.x, d.y),
            ("MultiDual", .nan, m.x, m.y),
            ("tape", value, r.x, r.y),
            ("tensor", t.value[0], t.x[0], t.y[0]),
        ]
    }

    @Test("max and min: NaN in either place gives NaN, and its operand the derivative",
          arguments: [ScalarOperation.max, .min])
    func extrema(_ op: ScalarOperation) {
        for (x, y, dx, dy) in [(1.0, Double.nan, 0.0, 1.0), (.nan, 1, 1, 0), (.nan, .nan, 1, 0)] {
            let reference = op.referencePartials(x, y)
            #expect(reference.x == dx && reference.y == dy, "\(op) reference at (\(x), \(y)): \(reference)")
            for (mode, value, px, py) in Self.everyMode(op, x, y) {
                if mode != "MultiDual" { #expect(value.isNaN, "\(op) \(mode) value at (\(x), \(y)): \(value)") }
                if mode != "plain" { #expect(px == dx && py == dy, "\(op) \(mode) at (\(x), \(y)): (\(px), \(py))") }
            }
        }
    }

    @Test("relu(NaN) is NaN with derivative 1 in every mode")
    func reluOfNaN() {
        #expect(ScalarOperation.relu.referencePartials(.nan, 0).x == 1)
        for (mode, value, px, _) in Self.everyMode(.relu, .nan, 0) {
            if mode != "MultiDual" { #expect(value.isNaN, "relu \(mode) value: \(value)") }
            if mode != "plain" { #expect(px == 1, "relu \(mode) derivative: \(px)") }
        }
        #expect(relu(Float.nan).isNaN && relu(-Float.infinity) == 0)
    }

    @Test("max(1, x) at x = NaN: Dual and Var agree (the issue's case)")
    func maxWithAConstant() {
        let dual = derivative(of: { x in max(Dual(1.0), x) }, at: Double.nan)
        let reverse = gradient(of: { x in max(Var(constant: 1.0), x[0]) }, at: [Double.nan])[0]
        #expect(dual == 1 && reverse == 1, "Dual \(dual), Var \(reverse)")
    }

    @Test("replay recomputes the NaN convention from the table")
    func replay() {
        let tape = Tape<Double>()
        let a = tape.variable(2.0), b = tape.variable(1.0)
        let y = max(a, b) + relu(a)
        tape.replay(at: [.nan, 1])
        let adjoints = tape.gradient(of: y)
        #expect(adjoints[a] == 2 && adjoints[b] == 0, "\(adjoints[a]), \(adjoints[b])")
    }

    @Test("a Dual<Double> is 24 bytes: the 4-byte tag padded to 8 (README)")
    func dualSize() {
        #expect(MemoryLayout<Dual<Double>>.stride == 24)
        #expect(MemoryLayout<Dual<Double>>.size == 20)
        #expect(MemoryLayout<PerturbationTag>.size == 4)
    }

    @Test("pow(0, y) has partial 0 in y in every mode, tensors included (the table's convention)")
    func powOfZeroBase() {
        for y in [-1.0, 0.5, 2] {
            let x = Tensor<Double>([0]).requiringGradient(), e = Tensor<Double>([y]).requiringGradient()
            pow(x, e).sum().backward()
            #expect(e.grad?.scalars == [0], "tensor ∂/∂y at y = \(y): \(e.grad!)")
            #expect(tapePartials(.pow, 0, y).y == 0 && dualPartials(.pow, 0, y).y == 0)
        }
    }
}

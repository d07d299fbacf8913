import Testing
import Wengert

/// ∂op/∂x and ∂op/∂y at (x, y) by one recording and sweep on a `Tape<Double>`.
func tapePartials(_ op: ScalarOperation, _ x: Double, _ y: Double) -> (x: Double, y: Double) {
    let tape = Tape<Double>()
    let a = tape.variable(x), b = tape.variable(y)
    let adjoints = tape.gradient(of: op.apply(a, b))
    return (adjoints[a], adjoints[b])
}

/// The operation as a function of an array: [x] for unary, [x, y] for binary operations.
func lifted<T: DifferentiableScalar>(_ op: ScalarOperation) -> ([T]) -> T {
    { v in op.arity == 2 ? op.apply(v[0], v[1]) : op.apply(v[0], v[0]) }
}

func point(_ op: ScalarOperation, _ p: (x: Double, y: Double)) -> [Double] {
    op.arity == 2 ? [p.x, p.y] : [p.x]
}

@Suite("Every operation in reverse mode, replay and forward over reverse", .tags(.verification))
struct ReverseOperationTests {
    @Test("the tape matches the reference partials and the plain value at sample points",
          arguments: ScalarOperation.allCases)
    func tapeAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let d = tapePartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
            let tape = Tape<Double>()
            #expect(op.apply(tape.variable(p.x), tape.variable(p.y)).value == op.apply(p.x, p.y))
        }
    }

    @Test("the tape follows the documented conventions at edge points", arguments: ScalarOperation.allCases)
    func tapeAtEdges(_ op: ScalarOperation) {
        for p in op.edgePoints {
            let d = tapePartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
        }
    }

    @Test("a recording replayed at every other sample point matches a fresh recording there",
          arguments: ScalarOperation.allCases)
    func replayAcrossSamples(_ op: ScalarOperation) {
        let samples = op.samplePoints
        let tape = Tape<Double>()
        let a = tape.variable(samples[0].x), b = tape.variable(samples[0].y)
        let y = op.apply(a, b)
        var replayed = 0
        for p in samples.dropFirst() {
            // Kinks (abs, min, max, relu) legitimately refuse to replay across the kink.
            if (op == .abs || op == .magnitude || op == .relu) && (p.x > 0) != (samples[0].x > 0) { continue }
            if (op == .min || op == .max) && (p.x < p.y) != (samples[0].x < samples[0].y) { continue }
            tape.replay(at: [p.x, p.y])
            let adjoints = tape.gradient(of: y)
            let fresh = tapePartials(op, p.x, p.y)
            #expect(tape.value(of: y) == op.apply(p.x, p.y), "\(op) value at \(p)")
            #expect(adjoints[a] == fresh.x && adjoints[b] == fresh.y,
                    "\(op) at \(p): replay (\(adjoints[a]), \(adjoints[b])) vs fresh \(fresh)")
            replayed += 1
        }
        #expect(replayed >= 1)
    }

    @Test("replay from a sample point to every edge point reproduces the conventions",
          arguments: ScalarOperation.allCases)
    func replayToEdges(_ op: ScalarOperation) {
        let start = op.samplePoints[0]
        let tape = Tape<Double>()
        let a = tape.variable(start.x), b = tape.variable(start.y)
        let y = op.apply(a, b)
        for p in op.edgePoints {
            // Kinks and ties are decided inside the rules, not by recorded comparisons,
            // so replay never refuses these points.
            tape.replay(at: [p.x, p.y])
            let adjoints = tape.gradient(of: y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(adjoints[a], r.x) && matchesConvention(adjoints[b], r.y),
                    "\(op) replayed at \(p): (\(adjoints[a]), \(adjoints[b])) vs \(r)")
        }
    }

    @Test("a tape of duals (the forward-over-reverse path) follows the conventions at edge points",
          arguments: ScalarOperation.allCases)
    func dualTapeAtEdges(_ op: ScalarOperation) {
        for p in op.edgePoints {
            let tape = Tape<Dual<Double>>()
            let a = tape.variable(Dual(p.x)), b = tape.variable(Dual(p.y))
            let adjoints = tape.gradient(of: op.apply(a, b))
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(adjoints[a].value, r.x) && matchesConvention(adjoints[b].value, r.y),
                    "\(op) at \(p): (\(adjoints[a].value), \(adjoints[b].value)) vs \(r)")
        }
    }

    @Test("gradientCheck passes at every sample point (reverse, replay, forward vs differences)",
          arguments: ScalarOperation.allCases)
    func gradientCheckAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let report = gradientCheck(of: lifted(op), at: point(op, p))
            #expect(report.passed, "\(op) at \(p):\n\(report)")
        }
    }

    @Test("hessianCheck passes at every sample point (forward over reverse vs differences)",
          arguments: ScalarOperation.allCases)
    func hessianCheckAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let report = hessianCheck(of: lifted(op), at: point(op, p))
            #expect(report.passed, "\(op) at \(p):\n\(report)")
        }
    }
}

import Testing
import Wengert

@Suite("Every operation in forward mode", .tags(.verification))
struct ForwardOperationTests {
    @Test("Dual matches the reference partials and the plain value at sample points",
          arguments: ScalarOperation.allCases)
    func dualAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let d = dualPartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
            #expect(sameValue(op.apply(Dual(p.x), Dual(p.y)).value, op.apply(p.x, p.y)), "\(op) value at \(p)")
        }
    }

    @Test("Dual follows the documented conventions at edge points", arguments: ScalarOperation.allCases)
    func dualAtEdges(_ op: ScalarOperation) {
        for p in op.edgePoints {
            let d = dualPartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
        }
    }

    @Test("a zero tangent stays zero through every operation, singular points included",
          arguments: ScalarOperation.allCases)
    func zeroTangentStaysZero(_ op: ScalarOperation) {
        for p in op.samplePoints + op.edgePoints {
            let d = op.apply(Dual(p.x, derivative: 0), Dual(p.y, derivative: 0)).derivative
            #expect(d == 0, "\(op) at \(p): \(d)")
        }
    }
}

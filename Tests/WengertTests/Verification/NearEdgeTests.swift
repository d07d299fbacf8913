import Testing
import Wengert

/// Every mode against the reference partials just inside the edges of each domain, where
/// a badly conditioned formula loses digits that the sample points cannot see. The tensor
/// column is the one that used to write its own partials (1/√(1 - x²) for asin).
@Suite("Every operation just inside the edge of its domain", .tags(.verification))
struct NearEdgeTests {
    static let tolerance = 1e-12

    @Test("Dual, MultiDual, the tape and tensors match the reference near the domain edges",
          arguments: ScalarOperation.allCases)
    func allModesNearEdges(_ op: ScalarOperation) {
        let points = op.nearEdgePoints
        #expect(points.count >= 2, "\(op) has too few near-edge points")
        let tensor = tensorPartials(op, points)
        for (i, p) in points.enumerated() {
            #expect(op.isValid(p.x, p.y, margin: 0), "\(op) near-edge point \(p) is outside the domain")
            let r = op.referencePartials(p.x, p.y)
            #expect(r.x.isFinite && r.y.isFinite, "\(op) at \(p): reference \(r) is not finite")
            let columns: [(String, (x: Double, y: Double))] = [
                ("Dual", dualPartials(op, p.x, p.y)),
                ("MultiDual", multiDualPartials(op, p.x, p.y)),
                ("tape", tapePartials(op, p.x, p.y)),
                ("tensor", (tensor.x[i], tensor.y[i])),
            ]
            for (mode, d) in columns {
                #expect(
                    matchesConvention(d.x, r.x, tolerance: Self.tolerance)
                        && matchesConvention(d.y, r.y, tolerance: Self.tolerance),
                    "\(op) \(mode) at \(p): \(d) vs reference \(r)")
            }
        }
    }

    @Test("the tensor asin and acos rules avoid the cancellation of 1 - x² near ±1")
    func tensorAsinNearOne() {
        let x = Tensor<Double>([0.9999999999, -0.9999999999]).requiringGradient()
        (asin(x) + 2 * acos(x)).sum().backward()
        // d/dx (asin + 2 acos) = -1/√((1 - x)(1 + x)); 1/√(1 - x²) differs in the 11th digit.
        let exact = x.scalars.map { -1 / ((1 - $0).squareRoot() * (1 + $0).squareRoot()) }
        let grad = x.grad!.scalars
        for i in 0..<2 { #expect(Swift.abs(grad[i] - exact[i]) <= 1e-13 * Swift.abs(exact[i]), "\(grad) vs \(exact)") }
        let naive = -1 / (1 - 0.9999999999 * 0.9999999999).squareRoot()
        #expect(Swift.abs(naive - exact[0]) > 1e-11 * Swift.abs(exact[0]), "the point no longer separates the formulas")
    }
}

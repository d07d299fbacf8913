import Testing
import Wengert

/// (∂op/∂x, ∂op/∂y) at (x, y) in one chunk-mode pass: two lanes seeded with the basis.
func multiDualPartials(_ op: ScalarOperation, _ x: Double, _ y: Double) -> (x: Double, y: Double) {
    let a = MultiDual<SIMD2<Double>>(x, partials: [1, 0]), b = MultiDual<SIMD2<Double>>(y, partials: [0, 1])
    let r = op.apply(a, b)
    return (r.partials[0], op.arity == 2 ? r.partials[1] : 0)
}

@Suite("Every operation in chunk mode", .tags(.verification))
struct MultiDualOperationTests {
    @Test("MultiDual matches the reference partials and the plain value at sample points",
          arguments: ScalarOperation.allCases)
    func multiDualAtSamples(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let d = multiDualPartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
            #expect(sameValue(op.apply(MultiDual<SIMD2<Double>>(p.x), MultiDual(p.y)).value, op.apply(p.x, p.y)))
        }
    }

    @Test("MultiDual follows the documented conventions at edge points", arguments: ScalarOperation.allCases)
    func multiDualAtEdges(_ op: ScalarOperation) {
        for p in op.edgePoints {
            let d = multiDualPartials(op, p.x, p.y)
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(d.x, r.x) && matchesConvention(d.y, r.y), "\(op) at \(p): \(d) vs \(r)")
        }
    }

    @Test("zero lanes stay zero through every operation, singular points included",
          arguments: ScalarOperation.allCases)
    func zeroLanesStayZero(_ op: ScalarOperation) {
        for p in op.samplePoints + op.edgePoints {
            let r = op.apply(MultiDual<SIMD2<Double>>(p.x), MultiDual(p.y)).partials
            #expect(r == SIMD2(0, 0), "\(op) at \(p): \(r)")
        }
    }

    @Test("Forward.gradient (chunks) and Forward.jvp agree with reverse mode on random programs")
    func chunkModeOnRandomPrograms() {
        for seed in 0..<300 as Range<UInt64> {
            let p = RandomProgram(seed: seed)
            let reverse = gradient(of: { p.evaluate($0) }, at: p.inputs)
            let chunked = Forward.gradient(of: { p.evaluate($0) }, at: p.inputs)
            #expect(zip(reverse, chunked).allSatisfy { matchesConvention($0, $1, tolerance: 1e-10) },
                    "seed \(seed): reverse \(reverse), chunked \(chunked)\n\(p)")
            // ⟨∇f, u⟩ by a JVP equals the same by the reverse gradient.
            let u = p.inputs.indices.map { Double($0 + 1) * 0.5 }
            let jvp = Forward.jvp(of: { [p.evaluate($0)] }, at: p.inputs, along: u).tangent[0]
            let dot = zip(reverse, u).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(matchesConvention(jvp, dot, tolerance: 1e-10), "seed \(seed): jvp \(jvp) vs ⟨∇f, u⟩ \(dot)")
        }
    }
}

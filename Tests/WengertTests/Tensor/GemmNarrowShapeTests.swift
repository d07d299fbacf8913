import Testing
import Wengert

/// Narrow products, the shapes of small layers and per-component batched products (a
/// mixture's [N x 10]·[10 x 10]): every m and n from 1 to 17 at several k, all four
/// transpositions, Float and Double, every instruction-set level this CPU has, against
/// the product by its definition. They cross the narrow kernel's width (more than one
/// column panel and at most one narrow panel: 9-12 doubles), one and two padded panels
/// (Float's 16 and 17), partial vectors at the right edge of C, and row tiles of every
/// remainder. At k = 5 the product is added to C (its entries 2 before).
@Suite("GEMM narrow shapes", .tags(.tensor))
struct GemmNarrowShapeTests {
    @Test(arguments: [1, 5, 10, 17])
    func everyNarrowShapeMatchesTheDefinition(_ k: Int) {
        let a = Tensor<Double>(randomNormal: [17 * k], seed: 41).scalars
        let b = Tensor<Double>(randomNormal: [k * 17], seed: 42).scalars
        let accumulate = k == 5, prior: Double = accumulate ? 2 : 0, fill: Double = accumulate ? 2 : 7
        for m in 1...17 {
            for n in 1...17 {
                let a = Array(a[..<(m * k)]), b = Array(b[..<(k * n)])
                for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                    let expected = GemmKernelTests.reference(ta, tb, m, n, k, a, b)
                    for level in GemmKernelTests.levels {
                        let (d, f) = CPUKernels.withLevel(level) {
                            (GemmKernelTests.run(Double.self, ta, tb, m, n, k, a, b, accumulate: accumulate),
                             GemmKernelTests.run(Float.self, ta, tb, m, n, k, a, b, accumulate: accumulate))
                        }
                        var worstDouble = 0.0, worstFloat = 0.0, paddingIntact = true
                        for i in 0..<m {
                            for j in 0..<(n + 3) {
                                let at = i * (n + 3) + j
                                guard j < n else {
                                    paddingIntact = paddingIntact && d[at] == fill && Double(f[at]) == fill
                                    continue
                                }
                                worstDouble = max(worstDouble, abs(d[at] - prior - expected[i * n + j]))
                                worstFloat = max(worstFloat, abs(Double(f[at]) - prior - expected[i * n + j]))
                            }
                        }
                        let shape = "\(level) \(m) x \(n) x \(k) ta \(ta) tb \(tb)"
                        #expect(worstDouble < 1e-13 * Double(k + 1), "\(shape): Double error \(worstDouble)")
                        #expect(worstFloat < 2e-6 * Double(k + 1), "\(shape): Float error \(worstFloat)")
                        #expect(paddingIntact, "\(shape): wrote past n in a row of C")
                    }
                }
            }
        }
    }
}

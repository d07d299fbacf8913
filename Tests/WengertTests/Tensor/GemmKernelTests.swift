import Testing
import Wengert

/// The GEMM at every instruction-set level this CPU has, against a reference in double
/// precision: all four transposition cases, sizes that hit every edge of the micro-tiles
/// and cache blocks (k past one KC block of 256, m past one MC block), empty products,
/// a row stride of C wider than n, accumulation, and the thread split.
@Suite("GEMM kernels", .tags(.tensor))
struct GemmKernelTests {
    static let levels = CPUKernels.Level.allCases.filter { $0.rawValue <= CPUKernels.supportedLevel.rawValue }

    /// C = op(A)·op(B) by the definition, in Double.
    static func reference(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [Double], _ b: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    /// op(A)·op(B) through the kernel into a C with row stride n + 3 prefilled with 7s
    /// (2 when accumulating), returning the whole buffer.
    static func run<S: TensorScalar>(
        _: S.Type, _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [Double], _ b: [Double],
        accumulate: Bool = false
    ) -> [S] {
        let a = a.map { S($0) }, b = b.map { S($0) }
        let ldc = n + 3
        var c = [S](repeating: accumulate ? 2 : 7, count: max(m * ldc, 1))
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Empty operands still need a valid address.
                    let dummy = UnsafeMutablePointer<S>.allocate(capacity: 1)
                    defer { dummy.deallocate() }
                    S._gemmStridedKernel(
                        transposeA: ta, transposeB: tb, m, n, k, pa.baseAddress ?? UnsafePointer(dummy), ta ? m : k,
                        pb.baseAddress ?? UnsafePointer(dummy), tb ? k : n, pc.baseAddress!, ldc, accumulate: accumulate)
                }
            }
        }
        return c
    }

    /// Tile and block edges, k cut into equal blocks (784 = 4 x 196, 513 = 3 x 171), and
    /// the skinny products whose A is read in place (n at most two column panels: 10, 32,
    /// 33 with AVX2; row counts off the micro-tile), and B packed four panels at a time
    /// across three k blocks (200 columns: three groups of 64 and a padded panel).
    static let shapes = [
        (1, 1, 1), (12, 32, 5), (13, 33, 7), (7, 5, 300), (100, 47, 513), (37, 130, 64), (0, 5, 3), (4, 0, 3), (3, 4, 0),
        (13, 10, 784), (64, 32, 257), (65, 33, 10), (203, 16, 64), (5, 70, 40), (50, 200, 800),
    ]

    @Test(arguments: shapes)
    func everyLevelAndTranspositionMatchesTheReference(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Tensor<Double>(randomNormal: [max(m * k, 1)], seed: 11).scalars
        let b = Tensor<Double>(randomNormal: [max(k * n, 1)], seed: 12).scalars
        for level in Self.levels {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let expected = Self.reference(ta, tb, m, n, k, a, b)
                let (d, f) = CPUKernels.withLevel(level) {
                    (Self.run(Double.self, ta, tb, m, n, k, a, b), Self.run(Float.self, ta, tb, m, n, k, a, b))
                }
                var worstDouble = 0.0, worstFloat = 0.0, paddingIntact = true
                for i in 0..<m {
                    for j in 0..<(n + 3) {
                        if j >= n {
                            paddingIntact = paddingIntact && d[i * (n + 3) + j] == 7 && f[i * (n + 3) + j] == 7
                            continue
                        }
                        worstDouble = max(worstDouble, abs(d[i * (n + 3) + j] - expected[i * n + j]))
                        worstFloat = max(worstFloat, abs(Double(f[i * (n + 3) + j]) - expected[i * n + j]))
                    }
                }
                #expect(worstDouble < 1e-12 * Double(k + 1), "\(level) ta \(ta) tb \(tb) \(shape): Double error \(worstDouble)")
                #expect(worstFloat < 2e-5 * Double(k + 1), "\(level) ta \(ta) tb \(tb) \(shape): Float error \(worstFloat)")
                #expect(paddingIntact, "\(level) \(shape): wrote past n in a row of C")
            }
        }
    }

    /// The last tile of a few rows (64 = 10 x 6 + 4 with AVX2, 5 x 12 + 4 with AVX-512)
    /// goes through a kernel of fewer rows: its rows must have the bits they get inside a
    /// full tile, which a product with A's rows extended to a multiple of every tile height
    /// computes. Packed A (n past two column panels) and A in place, every transposition.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 10, 13, 16, 64])
    func edgeTilesHaveTheBitsOfFullTiles(_ m: Int) {
        let k = 70, full = (m + 23) / 24 * 24
        for level in Self.levels {
            for n in [10, 40, 100] {
                for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                    let extended = Tensor<Double>(randomNormal: [full * k], seed: 31).scalars
                    // A's first m rows of the extended A, in the layout `run` reads (k x m when ta).
                    let a = (0..<(m * k)).map { ta ? extended[($0 / m) * full + $0 % m] : extended[$0] }
                    let b = Tensor<Double>(randomNormal: [k * n], seed: 32).scalars
                    let (f, fFull, d, dFull) = CPUKernels.withLevel(level) {
                        (Self.run(Float.self, ta, tb, m, n, k, a, b), Self.run(Float.self, ta, tb, full, n, k, extended, b),
                         Self.run(Double.self, ta, tb, m, n, k, a, b), Self.run(Double.self, ta, tb, full, n, k, extended, b))
                    }
                    let rows = m * (n + 3)
                    #expect(Array(f[..<rows]) == Array(fFull[..<rows]), "\(level) m \(m) n \(n) ta \(ta) tb \(tb): Float")
                    #expect(Array(d[..<rows]) == Array(dFull[..<rows]), "\(level) m \(m) n \(n) ta \(ta) tb \(tb): Double")
                }
            }
        }
    }

    @Test func accumulateAddsToC() {
        let (m, n, k) = (29, 45, 270)
        let a = Tensor<Double>(randomNormal: [m * k], seed: 13).scalars
        let b = Tensor<Double>(randomNormal: [k * n], seed: 14).scalars
        let expected = Self.reference(false, true, m, n, k, a, b)
        for level in Self.levels {
            let c = CPUKernels.withLevel(level) { Self.run(Double.self, false, true, m, n, k, a, b, accumulate: true) }
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    let want: Double = expected[i * n + j] + 2
                    worst = max(worst, abs(c[i * (n + 3) + j] - want))
                }
            }
            #expect(worst < 1e-11, "\(level): accumulate error \(worst)")
        }
    }

    @Test func levelsAgreeWithThePortableKernelAndThreadsChangeNothing() {
        // Large enough to be split across threads; each entry of C is computed by one
        // thread in the same order, so the split is bitwise invisible.
        let (m, n, k) = (300, 200, 260)
        let a = Tensor<Double>(randomNormal: [m * k], seed: 15).scalars
        let b = Tensor<Double>(randomNormal: [k * n], seed: 16).scalars
        let previous = CPUKernels.threadCount
        defer { CPUKernels.threadCount = previous }
        CPUKernels.threadCount = 1
        let single = Self.run(Float.self, true, false, m, n, k, a, b)
        CPUKernels.threadCount = 4
        let split = Self.run(Float.self, true, false, m, n, k, a, b)
        #expect(single == split)
        let portable = CPUKernels.withLevel(.portable) { Self.run(Double.self, false, false, m, n, k, a, b) }
        for level in Self.levels {
            let c = CPUKernels.withLevel(level) { Self.run(Double.self, false, false, m, n, k, a, b) }
            #expect(zip(c, portable).allSatisfy { abs($0 - $1) <= 1e-12 * Swift.max(1, abs($1)) * 16 }, "\(level) differs from portable")
        }
    }

    /// Products split by rows (shared packed B), by rows with a small B packed by the
    /// caller (a weight's gradient xᵀ·g over a batch of 64), by columns (few rows: A read in
    /// place by every thread) and skinny ones, at every level and transposition: 2 and 3
    /// threads give the bits of 1. Row splits over several blocks: 197 x 40 x 1100 has 3
    /// to 5 k blocks (each row part accumulates them in order, B packed again for each),
    /// 197 x 3100 x 8 two column blocks of uneven width, both uneven row parts.
    @Test(arguments: [
        (300, 200, 260), (784, 256, 64), (40, 600, 300), (64, 256, 784), (784, 10, 64), (7, 1000, 100), (197, 40, 1100),
        (197, 3100, 8),
    ])
    func threadSplitsAreBitwiseEqualToOneThread(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Tensor<Double>(randomNormal: [m * k], seed: 21).scalars
        let b = Tensor<Double>(randomNormal: [k * n], seed: 22).scalars
        let previous = CPUKernels.threadCount
        defer { CPUKernels.threadCount = previous }
        for level in Self.levels {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                func run(threads: Int) -> ([Float], [Double]) {
                    CPUKernels.threadCount = threads
                    return CPUKernels.withLevel(level) {
                        (Self.run(Float.self, ta, tb, m, n, k, a, b), Self.run(Double.self, ta, tb, m, n, k, a, b))
                    }
                }
                let one = run(threads: 1)
                for threads in [2, 3] {
                    let split = run(threads: threads)
                    #expect(split.0 == one.0 && split.1 == one.1, "\(level) ta \(ta) tb \(tb) \(shape): \(threads) threads differ from 1")
                }
                let expected = Self.reference(ta, tb, m, n, k, a, b)
                var worst = 0.0
                for i in 0..<m { for j in 0..<n { worst = max(worst, abs(one.1[i * (n + 3) + j] - expected[i * n + j])) } }
                #expect(worst < 1e-12 * Double(k + 1), "\(level) ta \(ta) tb \(tb) \(shape): Double error \(worst)")
            }
        }
    }

    /// A whole untransposed A about the size of L2 is read in place by the column split
    /// at any row count (256², on one thread too); a transposed A is packed. Both layouts
    /// of the same A must give the same bits, on one and two threads, at every level.
    @Test(arguments: [(256, 256, 256), (300, 200, 260), (2048, 64, 64), (37, 3100, 20)])
    func aReadInPlaceHasTheBitsOfPackedA(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Tensor<Double>(randomNormal: [m * k], seed: 23).scalars
        let b = Tensor<Double>(randomNormal: [k * n], seed: 24).scalars
        let aT = (0..<(m * k)).map { a[($0 % m) * k + $0 / m] }
        let previous = CPUKernels.threadCount
        defer { CPUKernels.threadCount = previous }
        for level in Self.levels {
            for threads in [1, 2] {
                CPUKernels.threadCount = threads
                let (inPlace, packed) = CPUKernels.withLevel(level) {
                    (Self.run(Float.self, false, false, m, n, k, a, b), Self.run(Float.self, true, false, m, n, k, aT, b))
                }
                #expect(inPlace == packed, "\(level) \(shape) \(threads) threads: A in place differs from A packed")
            }
        }
    }

    @Test func matmulBackwardUsesTransposedProductsCorrectly() {
        // The pullback of matmul reads a and b transposed in place; batched and broadcast.
        let a = Tensor<Double>(randomNormal: [3, 5, 4], seed: 17).requiringGradient()
        let b = Tensor<Double>(randomNormal: [4, 6], seed: 18).requiringGradient()
        let g = Tensor<Double>(randomNormal: [3, 5, 6], seed: 19)
        (matmul(a, b) * g).sum().backward()
        var expectedA = [Double](), expectedB = [Double](repeating: 0, count: 24)
        for s in 0..<3 {
            let gs = Array(g.scalars[(s * 30)..<(s * 30 + 30)]), as_ = Array(a.scalars[(s * 20)..<(s * 20 + 20)])
            expectedA += Self.reference(false, true, 5, 4, 6, gs, b.scalars)
            let db = Self.reference(true, false, 4, 6, 5, as_, gs)
            for i in 0..<24 { expectedB[i] += db[i] }
        }
        #expect(zip(a.grad!.scalars, expectedA).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(b.grad!.scalars, expectedB).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

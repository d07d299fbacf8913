import Wengert

/// C = A·B on s × s `Tensor<Float>` matrices, unrecorded: the GEMM alone, reported in
/// GFLOP/s (2s³ floating-point operations per call). The thread count is the kernels'
/// (`--threads`, else `WENGERT_THREADS`, else the online CPUs).
struct MatrixProductObjective: Sendable {
    let s: Int
    let a: [Float]
    let b: [Float]
    /// Floating-point operations of one product.
    var floatingPointOperations: Int { 2 * s * s * s }

    init(s: Int) {
        self.s = s
        a = tensorConstant(shape: [s, s], seed: 61).float
        b = tensorConstant(shape: [s, s], seed: 62).float
    }

    /// nil when 64 sampled entries of `c` match dot products summed in Double to within
    /// Float rounding of the sum's magnitude.
    func check(_ c: Tensor<Float>) -> String? {
        guard c.shape == [s, s] else { return "A·B has shape \(c.shape), expected [\(s), \(s)]" }
        let (x, y, z) = (a, b, c.scalars)
        var g = SplitMix64(seed: 63)
        for _ in 0..<64 {
            let i = Int(g.next() % UInt64(s)), j = Int(g.next() % UInt64(s))
            var sum = 0.0, magnitude = 0.0
            for p in 0..<s {
                let term = Double(x[i * s + p]) * Double(y[p * s + j])
                sum += term
                magnitude += abs(term)
            }
            if abs(Double(z[i * s + j]) - sum) > 1e-5 * magnitude + 1e-30 {
                return "entry (\(i), \(j)) of A·B is \(z[i * s + j]), expected \(sum)"
            }
        }
        return nil
    }
}

extension Problem {
    static let matrixProduct = Problem(
        name: "sgemm",
        summary: "Tensor<Float> C = A·B, s×s, unrecorded: the GEMM in GFLOP/s (size s; threads: --threads)",
        sizeMeaning: "s", defaultSizes: [256, 512, 1024, 2048], quickSizes: [64], minimumSize: 1,
        make: { s in .product(MatrixProductObjective(s: s)) })
}

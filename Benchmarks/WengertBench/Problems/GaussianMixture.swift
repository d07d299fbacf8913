// The Gaussian mixture model objective of ADBench (Srajer, Kukelova & Fitzgibbon 2018,
// "A benchmark of selected algorithmic differentiation tools on some problems in computer
// vision and machine learning"), with its parameterisation: mixture weights α (k), means
// μ (k × d), and per component an inverse Cholesky factor Q = diag(exp q) + L, stored as
// the d log-diagonal entries q followed by the d(d-1)/2 entries of the strictly lower
// triangle L, column by column; plus a Wishart prior on the precisions.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Wengert

/// The negative log-likelihood of N points under a k-component, d-dimensional Gaussian
/// mixture plus a Wishart prior, as a function of k(1 + d + d(d+1)/2) parameters.
///
///   Σᵢ logsumexpₖ(αₖ + Σ qₖ - ½‖Qₖ(xᵢ - μₖ)‖²) - N·logsumexp(α)
///     + Σₖ (½γ²(‖exp qₖ‖² + ‖Lₖ‖²) - m Σ qₖ) + constants
struct GaussianMixtureObjective: ScalarObjective {
    let d: Int
    let k: Int
    /// N × d data points, row by row.
    let points: [Double]
    let input: [Double]
    /// Wishart prior parameters (ADBench uses γ = 1, m = 0).
    let gamma = 1.0
    let wishartM = 0
    /// Terms that do not depend on the parameters, so the value matches ADBench's.
    let constant: Double
    /// Where L[row, col] (row > col) sits in a component's strictly lower triangle,
    /// stored column by column: `lowerOffset[row * d + col]`.
    let lowerOffset: [Int]

    /// N, the number of data points.
    var pointCount: Int { points.count / d }

    init(d: Int, k: Int, pointCount: Int) {
        self.d = d
        self.k = k
        points = deterministicInput(count: pointCount * d, lower: -1, upper: 1, seed: 7)
        let icfSize = d * (d + 1) / 2
        var rng = SplitMix64(seed: 11)
        var params: [Double] = []
        params.reserveCapacity(k * (1 + d + icfSize))
        for _ in 0..<k { params.append(rng.nextUnit()) }                 // α
        for _ in 0..<(k * d) { params.append(rng.nextUnit() * 2 - 1) }   // μ
        for _ in 0..<(k * icfSize) { params.append(rng.nextUnit() * 0.2 - 0.1) } // q, L
        input = params
        var offsets = [Int](repeating: 0, count: d * d)
        var l = 0
        for col in 0..<d {
            for row in (col + 1)..<d {
                offsets[row * d + col] = l
                l += 1
            }
        }
        lowerOffset = offsets
        let n = Double(d + wishartM + 1), p = Double(d)
        var logGammaD = 0.25 * p * (p - 1) * log(Double.pi)
        for j in 1...d { logGammaD += lgamma(0.5 * n + 0.5 * Double(1 - j)) }
        let wishartC = n * p * (log(gamma) - 0.5 * log(2.0)) - logGammaD
        constant = -Double(pointCount * d) * 0.5 * log(2 * Double.pi) - Double(k) * wishartC
    }

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
        let icfSize = d * (d + 1) / 2
        let alphaStart = 0, meanStart = k, icfStart = k + k * d
        // exp(q) and Σq once per component, as ADBench's reference does.
        var qDiag: [T] = []
        qDiag.reserveCapacity(k * d)
        var sumQ: [T] = []
        sumQ.reserveCapacity(k)
        for c in 0..<k {
            var s: T = 0
            for j in 0..<d {
                let q = x[icfStart + c * icfSize + j]
                s += q
                qDiag.append(exp(q))
            }
            sumQ.append(s)
        }
        // αₖ + Σ qₖ once per component rather than once per point.
        var offset: [T] = []
        offset.reserveCapacity(k)
        for c in 0..<k { offset.append(x[alphaStart + c] + sumQ[c]) }
        // Each component's strictly lower triangle gathered row by row (it is stored
        // column by column), so that a row of Q(x - μ) is one dot product.
        let lowerCount = d * (d - 1) / 2
        var lowerRows: [T] = []
        lowerRows.reserveCapacity(k * lowerCount)
        for c in 0..<k {
            let lStart = icfStart + c * icfSize + d
            for row in 0..<d {
                for col in 0..<row { lowerRows.append(x[lStart + lowerOffset[row * d + col]]) }
            }
        }
        // The per-point work runs on raw buffers: as arrays and slices, each `dot` call
        // retained and released its operands' storage and each store checked uniqueness,
        // four runtime calls per row of Q(x - μ) when `dot` is not inlined (on a tape).
        var centredStorage = [T](repeating: 0, count: d)
        var transformedStorage = [T](repeating: 0, count: d)
        var mainTerm = [T](repeating: 0, count: k)
        var total: T = 0
        lowerRows.withUnsafeBufferPointer { lowerRows in
        qDiag.withUnsafeBufferPointer { qDiag in
        centredStorage.withUnsafeMutableBufferPointer { centred in
        transformedStorage.withUnsafeMutableBufferPointer { transformed in
            for i in 0..<pointCount {
                for c in 0..<k {
                    for j in 0..<d { centred[j] = T(points[i * d + j]) - x[meanStart + c * d + j] }
                    // Q(x - μ) row by row, each row a dot product continuing the diagonal
                    // term, and then its squared norm: `dot` records one tape entry per
                    // term where `t += a * b` records two. The terms are added in
                    // ADBench's order (diagonal first, then the columns), so the value is
                    // the same.
                    for row in 0..<d {
                        let rowStart = c * lowerCount + row * (row - 1) / 2
                        transformed[row] = dot(UnsafeBufferPointer(rebasing: lowerRows[rowStart..<(rowStart + row)]),
                                               UnsafeBufferPointer(rebasing: centred[0..<row]),
                                               adding: qDiag[c * d + row] * centred[row])
                    }
                    let sq = dot(UnsafeBufferPointer(transformed), UnsafeBufferPointer(transformed))
                    mainTerm[c] = offset[c] - 0.5 * sq
                }
                total += Self.logSumExp(mainTerm)
            }
        }
        }
        }
        }
        total -= T(pointCount) * Self.logSumExp(Array(x[alphaStart..<(alphaStart + k)]))
        // Wishart prior: ½γ²‖Q‖²_F - m log det Q for each component.
        let halfGammaSquared = T(0.5 * gamma * gamma)
        for c in 0..<k {
            var frobenius: T = 0
            for j in 0..<d { frobenius += qDiag[c * d + j] * qDiag[c * d + j] }
            for l in (icfStart + c * icfSize + d)..<(icfStart + (c + 1) * icfSize) { frobenius += x[l] * x[l] }
            total += halfGammaSquared * frobenius - T(wishartM) * sumQ[c]
        }
        return total + T(constant)
    }

    static func logSumExp<T: DifferentiableScalar>(_ v: [T]) -> T {
        var m = v[0]
        for e in v.dropFirst() where e > m { m = e }
        var s: T = 0
        for e in v { s += exp(e - m) }
        return m + log(s)
    }

    /// ADBench's pairs: d = 2 → k = 5, up to d = 64 → k = 50.
    static func components(forDimension d: Int) -> Int {
        d <= 2 ? 5 : d <= 10 ? 10 : d <= 32 ? 25 : 50
    }
}

extension Problem {
    static let gaussianMixture = Problem(
        name: "gmm",
        summary: "ADBench Gaussian mixture, k(1 + d + d(d+1)/2) parameters, N = 50 points, k from d",
        sizeMeaning: "d", defaultSizes: [2, 10, 20], quickSizes: [2], minimumSize: 1,
        make: { d in
            .scalar(GaussianMixtureObjective(
                d: d, k: GaussianMixtureObjective.components(forDimension: d), pointCount: 50))
        })
}

extension Problem {
    /// ADBench's own GMM instance as the peers' script times it (d = 10, k = 5), sized
    /// by the number of points.
    static let gaussianMixtureADBench = Problem(
        name: "gmm-d10k5",
        summary: "ADBench Gaussian mixture d = 10, k = 5 (330 parameters), N points: the peers' GMM (size: N)",
        sizeMeaning: "N", defaultSizes: [1000], quickSizes: [20], minimumSize: 1,
        make: { n in .scalar(GaussianMixtureObjective(d: 10, k: 5, pointCount: n)) })
}

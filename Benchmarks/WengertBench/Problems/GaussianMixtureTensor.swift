// ADBench's GMM objective (GaussianMixture.swift) written as a user of the tensors would,
// vectorised over the points as the peers' PyTorch and JAX versions are: one batched
// product per component instead of ~410 scalar tape entries per point.

import Wengert

/// The same function, inputs and value as `GaussianMixtureObjective`, on one flat
/// parameter tensor: α (k), μ (k × d), then per component q (d) and the strictly lower
/// triangle L (d(d-1)/2, column by column).
///
/// Per component Qᵀ is gathered from [0, exp q, L] (the zero fills the upper triangle),
/// so the N rows of Q(x - μ) are one product (x - μ)Qᵀ: [k, N, d] × [k, d, d].
struct GaussianMixtureTensorObjective: TensorObjective {
    /// The scalar formulation whose parameters, points and constant this one shares.
    let scalar: GaussianMixtureObjective
    /// The points, [N, d].
    let constants: [TensorConstant]
    /// For each entry of Qᵀ (row-major, d × d), its position in a component's row
    /// [0, exp q₀ … exp q_{d-1}, L...]: 0 above Q's diagonal, 1 + j on it, 1 + d + the
    /// offset of L[i, j] below it.
    let transposedFactorIndices: [Int]

    var input: [Double] { scalar.input }
    var parameterShape: [Int] { [scalar.input.count] }
    // ADBench and the peers' scripts time this objective in double precision.
    var isTimedInDouble: Bool { true }

    init(_ scalar: GaussianMixtureObjective) {
        self.scalar = scalar
        let d = scalar.d
        constants = [TensorConstant(scalar.points.map { Float($0) }, scalar.points, [scalar.pointCount, d])]
        var indices = [Int](repeating: 0, count: d * d)
        for column in 0..<d {
            for row in 0..<d where row >= column {
                // Qᵀ[column, row] = Q[row, column].
                indices[column * d + row] = row == column ? 1 + row : 1 + d + scalar.lowerOffset[row * d + column]
            }
        }
        transposedFactorIndices = indices
    }

    func loss<S: TensorScalar>(_ w: Tensor<S>, _ constants: [Tensor<S>]) -> Tensor<S> {
        let (d, k) = (scalar.d, scalar.k)
        let icfSize = d * (d + 1) / 2
        let alphas = w[0..<k]
        let means = w[k..<(k + k * d)].reshaped(to: [k, 1, d])
        let icf = w[(k + k * d)..<(k + k * d + k * icfSize)].reshaped(to: [k, icfSize])
        let q = icf.slice(along: 1, range: 0..<d)
        let lower = icf.slice(along: 1, range: d..<icfSize)
        let qDiagonal = exp(q)
        let sumQ = q.sum(alongAxes: 1)
        let transposedFactor = Tensor(concatenating: [Tensor(zeros: [k, 1]), qDiagonal, lower], alongAxis: 1)
            .gathering(along: 1, indices: transposedFactorIndices)
            .reshaped(to: [k, d, d])
        // [N, d] - [k, 1, d] broadcasts to the [k, N, d] centred points.
        let transformed = matmul(constants[0] - means, transposedFactor)
        let mainTerm = (alphas + sumQ).reshaped(to: [k, 1]) - 0.5 * transformed.squared().sum(alongAxes: 2)
        let prior = S(0.5 * scalar.gamma * scalar.gamma) * (qDiagonal.squared().sum() + lower.squared().sum())
            - S(scalar.wishartM) * sumQ.sum()
        return mainTerm.logSumExp(alongAxes: 0).sum() - S(scalar.pointCount) * alphas.logSumExp(alongAxes: 0)
            + prior + S(scalar.constant)
    }
}

extension Problem {
    /// `gmm-d10k5` with tensors: the peers' formulation, to set beside the scalar tape's.
    static let gaussianMixtureTensor = Problem(
        name: "gmm-d10k5-tensor",
        summary: "the same GMM on Tensor<Double>, vectorised over the points as the peers write it (size: N)",
        sizeMeaning: "N", defaultSizes: [1000], quickSizes: [20], minimumSize: 1,
        make: { n in .tensor(GaussianMixtureTensorObjective(GaussianMixtureObjective(d: 10, k: 5, pointCount: n))) })
}

/// A family of objectives indexed by a size, as listed by `--list`.
struct Problem: Sendable {
    /// The name used on the command line and in the output.
    var name: String
    /// One line: the function and what it stresses.
    var summary: String
    /// What the size parameter means ("n", "d").
    var sizeMeaning: String
    /// Sizes of the default run.
    var defaultSizes: [Int]
    /// Sizes of `--quick`.
    var quickSizes: [Int]
    /// The smallest size the problem accepts.
    var minimumSize: Int
    /// Builds the instance of the given size (deterministic: same size, same input).
    var make: @Sendable (Int) -> Objective

    /// Every problem, in display order. Adding a problem is one file and one line here.
    static let all: [Problem] = [
        .rosenbrock, .logSumExp, .product, .elementaryHeavy, .gaussianMixture, .gaussianMixtureADBench, .gaussianMixtureTensor,
        .narrowJacobian, .wideJacobian, .polynomialFit, .tensorOpOverhead, .tensorElementwise, .tensorElementwiseLazy, .tensorLoss, .tensorLossLazy, .tensorReduction, .tensorMatmul,
        .mlpStep, .mlp784, .seedLinearRegression, .seedSinCubic, .bandwidth, .matrixProduct,
    ]

    /// The problem with the given name, if any.
    static func named(_ name: String) -> Problem? { all.first { $0.name == name } }
}

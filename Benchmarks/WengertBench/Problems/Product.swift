import Wengert

/// Π xᵢ with every xᵢ near 1 (so it neither overflows nor underflows): a chain of
/// dependent multiplications, the worst case for a reverse sweep's memory traffic, and a
/// gradient whose entries are products of all the other inputs.
struct ProductObjective: ScalarObjective {
    let input: [Double]

    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
        var p: T = 1
        for v in x { p *= v }
        return p
    }
}

extension Problem {
    static let product = Problem(
        name: "product",
        summary: "Π x[i], x[i] near 1: a chain of dependent multiplications",
        sizeMeaning: "n", defaultSizes: [10, 1_000, 100_000], quickSizes: [10], minimumSize: 1,
        make: { n in
            // Entries 1 ± 1/√n keep the product within a few orders of magnitude of 1.
            let spread = 1 / Double(n).squareRoot()
            return .scalar(ProductObjective(input: deterministicInput(count: n, lower: 1 - spread, upper: 1 + spread)))
        })
}

import Testing
import Wengert

extension Tag {
    @Tag static var tensor: Self
}

/// Every recorded operation's vector-Jacobian product against central differences.
@Suite("Tensor backward rules", .tags(.tensor))
struct TensorGradientTests {
    static let unary: [TensorCase] = [
        TensorCase("sin", [[2, 3]]) { sin($0[0]) },
        TensorCase("cos", [[2, 3]]) { cos($0[0]) },
        TensorCase("tan", [[2, 3]], in: -1...1) { tan($0[0]) },
        TensorCase("asin", [[2, 3]], in: -0.9...0.9) { asin($0[0]) },
        TensorCase("acos", [[2, 3]], in: -0.9...0.9) { acos($0[0]) },
        TensorCase("atan", [[2, 3]]) { atan($0[0]) },
        TensorCase("sinh", [[2, 3]]) { sinh($0[0]) },
        TensorCase("cosh", [[2, 3]]) { cosh($0[0]) },
        TensorCase("tanh", [[2, 3]]) { tanh($0[0]) },
        TensorCase("exp", [[2, 3]]) { exp($0[0]) },
        TensorCase("expm1", [[2, 3]]) { expm1($0[0]) },
        TensorCase("log", [[2, 3]], in: 0.5...3) { log($0[0]) },
        TensorCase("log1p", [[2, 3]], in: 0.5...3) { log1p($0[0]) },
        TensorCase("log2", [[2, 3]], in: 0.5...3) { log2($0[0]) },
        TensorCase("log10", [[2, 3]], in: 0.5...3) { log10($0[0]) },
        TensorCase("sqrt", [[2, 3]], in: 0.5...3) { sqrt($0[0]) },
        TensorCase("cbrt", [[2, 3]], in: 0.5...3) { cbrt($0[0]) },
        TensorCase("abs", [[2, 3]]) { abs($0[0]) },
        TensorCase("erf", [[2, 3]]) { erf($0[0]) },
        TensorCase("sigmoid", [[2, 3]]) { sigmoid($0[0]) },
        TensorCase("softplus", [[2, 3]]) { softplus($0[0]) },
        TensorCase("relu", [[2, 3]]) { relu($0[0]) },
        TensorCase("squared", [[2, 3]]) { $0[0].squared() },
        TensorCase("negate", [[2, 3]]) { -$0[0] },
    ]

    static let binary: [TensorCase] = [
        TensorCase("add broadcast", [[2, 3], [3]]) { $0[0] + $0[1] },
        TensorCase("subtract broadcast", [[2, 1], [1, 3]]) { $0[0] - $0[1] },
        TensorCase("multiply broadcast", [[2, 3], [2, 1]]) { $0[0] * $0[1] },
        TensorCase("divide broadcast", [[2, 3], [3]], in: 0.5...2) { $0[0] / $0[1] },
        TensorCase("scalar arithmetic", [[4]]) { 3 - 2 * $0[0] / 4 + 1 },
        TensorCase("pow", [[2, 3], [2, 3]], in: 0.5...2) { pow($0[0], $0[1]) },
        TensorCase("atan2", [[2, 3], [3]]) { atan2($0[0], $0[1]) },
        TensorCase("hypot", [[2, 3], [2, 3]]) { hypot($0[0], $0[1]) },
        TensorCase("min", [[2, 3], [2, 3]]) { min($0[0], $0[1]) },
        TensorCase("max", [[2, 3], [3]]) { max($0[0], $0[1]) },
        TensorCase("matmul", [[3, 4], [4, 2]]) { matmul($0[0], $0[1]) },
        TensorCase("matmul batched, broadcast", [[2, 3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
        TensorCase("replacing(with:where:)", [[2, 3], [2, 3]]) { $0[0].replacing(with: $0[1], where: $0[0] .> Tensor(0)) },
        TensorCase("concatenating", [[2, 3], [2, 2]]) { Tensor(concatenating: [$0[0], $0[1]], alongAxis: 1) },
    ]

    static let structural: [TensorCase] = [
        TensorCase("sum", [[2, 3]]) { $0[0].sum() },
        TensorCase("sum along 1", [[2, 3, 2]]) { $0[0].sum(alongAxes: 1) },
        TensorCase("sum along 0, 2 kept", [[2, 3, 2]]) { $0[0].sum(alongAxes: 0, 2, keepingDimensions: true) },
        TensorCase("mean", [[2, 3]]) { $0[0].mean() },
        TensorCase("mean along -1", [[2, 3]]) { $0[0].mean(alongAxes: -1) },
        TensorCase("max", [[2, 3]]) { $0[0].max() },
        TensorCase("min along 0", [[3, 2]]) { $0[0].min(alongAxes: 0) },
        TensorCase("logSumExp", [[2, 3]]) { $0[0].logSumExp(alongAxes: 1) },
        TensorCase("softmax", [[2, 3]]) { softmax($0[0]) },
        TensorCase("logSoftmax", [[2, 3]]) { logSoftmax($0[0], alongAxis: 0) },
        TensorCase("reshaped", [[2, 3]]) { $0[0].reshaped(to: [3, -1]) * Tensor([1, 2]) },
        TensorCase("transposed", [[2, 3]]) { $0[0].transposed() * Tensor([1, 2]) },
        TensorCase("transposed permutation", [[2, 3, 4]]) { $0[0].transposed(permutation: [2, 0, 1]) },
        TensorCase("squeezed / unsqueezed", [[2, 1, 3]]) { $0[0].squeezed().unsqueezed(axis: 0) * 2 },
        TensorCase("subscript index", [[3, 2]]) { $0[0][1] * 3 },
        TensorCase("subscript range", [[4, 2]]) { $0[0][1..<3] },
        TensorCase("slice along 1", [[2, 4]]) { $0[0].slice(along: 1, range: 1..<3) },
        TensorCase("gathering", [[3, 2]]) { $0[0].gathering(along: 0, indices: [2, 0, 2]) },
        TensorCase("mean squared error", [[5], [5]]) { meanSquaredError(predicted: $0[0], expected: $0[1]) },
        TensorCase("cross-entropy", [[3, 4]]) { softmaxCrossEntropy(logits: $0[0], labels: [1, 0, 3]) },
        TensorCase("custom P3", [[5]]) { p3Double($0[0]) },
    ]

    @Test("elementwise functions", arguments: unary)
    func elementwise(_ c: TensorCase) {
        #expect(maximumVJPError(of: c.function, at: c.inputs) < 1e-6, "\(c)")
    }

    @Test("binary operations", arguments: binary)
    func binaryOperations(_ c: TensorCase) {
        #expect(maximumVJPError(of: c.function, at: c.inputs) < 1e-6, "\(c)")
    }

    @Test("reductions, shapes, losses", arguments: structural)
    func structuralOperations(_ c: TensorCase) {
        #expect(maximumVJPError(of: c.function, at: c.inputs) < 1e-6, "\(c)")
    }

    @Test func wrongCustomBackwardIsCaught() {
        let wrong = CustomFunction<Double>(forward: { x in x * x * x }, backward: { x, upstream in upstream * 2 * x * x })
        #expect(maximumVJPError(of: { wrong($0[0]) }, at: [Tensor([0.5, -1.5])]) > 0.1)
    }
}

let p3Double = CustomFunction<Double>(
    forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
    backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })

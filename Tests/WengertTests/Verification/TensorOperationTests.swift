import Testing
@testable import Wengert

/// The operation of the table applied elementwise to tensors. The switch is exhaustive,
/// so a new `ScalarOperation` does not compile here until its tensor form is given.
func tensorApply(_ op: ScalarOperation, _ x: Tensor<Double>, _ y: Tensor<Double>) -> Tensor<Double> {
    switch op {
    case .add: return x + y
    case .subtract: return x - y
    case .multiply: return x * y
    case .multiplyAdd: return x * y + x * y
    case .sumOfProducts: return x * y + x * y + y * x
    case .divide: return x / y
    case .negate: return -x
    case .addAssign: var r = x * 1; r += y; return r
    case .subtractAssign: var r = x * 1; r -= y; return r
    case .multiplyAssign: var r = x * 1; r *= y; return r
    case .divideAssign: var r = x * 1; r /= y; return r
    case .magnitude, .abs: return abs(x)
    case .addConstant: return x + 0.75
    case .subtractFromConstant: return 1.5 - x
    case .multiplyByConstant: return -2.5 * x
    case .divideConstant: return 1.25 / x
    case .powerOfConstant: return pow(Tensor(repeating: 1.7, shape: x.shape, on: x.device), x)
    case .powerByConstant: return pow(x, 3)
    case .sin: return sin(x)
    case .cos: return cos(x)
    case .tan: return tan(x)
    case .asin: return asin(x)
    case .acos: return acos(x)
    case .atan: return atan(x)
    case .atan2: return atan2(x, y)
    case .sinh: return sinh(x)
    case .cosh: return cosh(x)
    case .tanh: return tanh(x)
    case .exp: return exp(x)
    case .expm1: return expm1(x)
    case .log: return log(x)
    case .log1p: return log1p(x)
    case .log2: return log2(x)
    case .log10: return log10(x)
    case .pow: return pow(x, y)
    case .sqrt: return sqrt(x)
    case .cbrt: return cbrt(x)
    case .hypot: return hypot(x, y)
    case .min: return min(x, y)
    case .max: return max(x, y)
    case .erf: return erf(x)
    case .sigmoid: return sigmoid(x)
    case .softplus: return softplus(x)
    case .relu: return relu(x)
    }
}

/// Elementwise partials of the tensor form at the given points: one backward pass of the
/// sum, on `device`.
func tensorPartials(
    _ op: ScalarOperation, _ points: [(x: Double, y: Double)], on device: Device = .cpu
) -> (x: [Double], y: [Double], value: [Double]) {
    let x = Tensor<Double>(points.map(\.x)).moved(to: device).requiringGradient()
    let y = Tensor<Double>(points.map(\.y)).moved(to: device).requiringGradient()
    let out = tensorApply(op, x, y)
    out.sum().backward()
    let zeros = [Double](repeating: 0, count: points.count)
    return (x.grad?.scalars ?? zeros, y.grad?.scalars ?? zeros, out.scalars)
}

@Suite("Every operation on tensors", .tags(.verification))
struct TensorOperationTests {
    @Test("tensor backward matches the reference partials elementwise at sample points",
          arguments: ScalarOperation.allCases)
    func tensorAtSamples(_ op: ScalarOperation) {
        let points = op.samplePoints
        let t = tensorPartials(op, points)
        for (i, p) in points.enumerated() {
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(t.x[i], r.x) && matchesConvention(t.y[i], r.y),
                    "\(op) at \(p): (\(t.x[i]), \(t.y[i])) vs \(r)")
            #expect(sameValue(t.value[i], op.apply(p.x, p.y)), "\(op) value at \(p): \(t.value[i])")
        }
    }

    @Test("tensor backward follows the documented conventions at edge points",
          arguments: ScalarOperation.allCases)
    func tensorAtEdges(_ op: ScalarOperation) {
        for p in op.edgePoints {
            let t = tensorPartials(op, [p])
            let r = op.referencePartials(p.x, p.y)
            #expect(matchesConvention(t.x[0], r.x) && matchesConvention(t.y[0], r.y),
                    "\(op) at \(p): (\(t.x[0]), \(t.y[0])) vs \(r)")
        }
    }
}

@Suite("Zero cotangents on tensors", .tags(.verification))
struct TensorZeroCotangentTests {
    @Test("a zero cotangent stays zero through every tensor rule, singular points included",
          arguments: ScalarOperation.allCases)
    func zeroCotangentStaysZero(_ op: ScalarOperation) {
        let points = op.samplePoints + op.edgePoints
        let x = Tensor<Double>(points.map(\.x)).requiringGradient()
        let y = Tensor<Double>(points.map(\.y)).requiringGradient()
        tensorApply(op, x, y).backward(seed: Tensor(zeros: [points.count]))
        let gx = x.grad?.scalars ?? [], gy = y.grad?.scalars ?? []
        #expect(gx.allSatisfy { $0 == 0 } && gy.allSatisfy { $0 == 0 }, "\(op) at \(points): \(gx), \(gy)")
    }
}


/// The table's second-order column: every operation's second derivative, taken by
/// reverse over reverse (its backward rule run on a recording and differentiated
/// again), against central differences of its first derivative (`hessianCheck`).
@Suite("Second derivatives of every tensor operation", .tags(.verification, .higherOrder))
struct TensorSecondOrderTests {
    @Test("elementwise: the recorded rule's derivative matches differences of the rule",
          arguments: ScalarOperation.allCases)
    func elementwise(_ op: ScalarOperation) {
        let points = op.samplePoints
        // Row 0 holds the x operands, row 1 the y operands: one input, both partials.
        let z = Tensor<Double>(shape: [2, points.count], scalars: points.map(\.x) + points.map(\.y))
        let report = hessianCheck(of: { z in tensorApply(op, z[0], z[1]).sum() }, at: z)
        #expect(report.passed, "\(op): \(report)")
    }

    @Test("elementwise: a graph-creating backward gives the same first derivatives as the fused rules",
          arguments: ScalarOperation.allCases)
    func recordedRuleAgreesWithFusedRule(_ op: ScalarOperation) {
        let points = op.samplePoints
        let x = Tensor<Double>(points.map(\.x)).requiringGradient()
        let y = Tensor<Double>(points.map(\.y)).requiringGradient()
        let recorded = gradients(of: tensorApply(op, x, y).sum(), withRespectTo: [x, y], creatingGraph: true)
        let t = tensorPartials(op, points)
        for i in points.indices {
            #expect(matchesConvention(recorded[0].scalars[i], t.x[i], tolerance: 1e-12)
                    && matchesConvention(recorded[1].scalars[i], t.y[i], tolerance: 1e-12),
                    "\(op) at \(points[i]): (\(recorded[0].scalars[i]), \(recorded[1].scalars[i])) vs (\(t.x[i]), \(t.y[i]))")
        }
    }

    @Test("the other operations, and the steps backward rules record", arguments: TensorStructuralCase.all)
    func structural(_ c: TensorStructuralCase) {
        let report = hessianCheck(of: c.function, at: c.point)
        #expect(report.passed, "\(c.name): \(report)")
    }

    @Test("every recorded operation has a second-order check")
    func everyOperationIsCovered() {
        let covered = Set(TensorStructuralCase.all.flatMap(\.operations)).union(TensorStructuralCase.elementwise)
        let all = (0...255).compactMap { TensorOperation(rawValue: UInt8($0)) }
        let missing = all.filter { !covered.contains($0) && $0 != .leaf && $0 != .customBackward }
        #expect(all.count > 40)
        #expect(missing.isEmpty, "operations without a second-order check: \(missing)")
    }
}

/// A tensor function exercising non-elementwise operations, nonlinear around them so
/// their rules' own derivatives matter.
struct TensorStructuralCase: CustomTestStringConvertible, Sendable {
    let name: String
    let operations: [TensorOperation]
    let point: Tensor<Double>
    let function: @Sendable (Tensor<Double>) -> Tensor<Double>
    var testDescription: String { name }

    /// Covered by the elementwise table (ScalarOperation), whose coverage of
    /// `DifferentiableScalar` is checked by `OperationTableTests`.
    static let elementwise: Set<TensorOperation> = [
        .add, .subtract, .multiply, .divide, .negate, .power, .atan2, .hypot, .minimum, .maximum, .sin, .cos, .tan,
        .asin, .acos, .atan, .sinh, .cosh, .tanh, .exp, .expm1, .log, .log1p, .log2, .log10, .sqrt, .cbrt, .abs,
        .erf, .sigmoid, .softplus, .relu, .squared,
    ]

    static let x23 = Tensor<Double>(shape: [2, 3], scalars: [0.3, -0.7, 1.1, 0.45, 0.9, -0.2])

    /// The gradient of `f`, recorded, as a function: differentiating it twice more
    /// reaches the steps that backward rules record (expand, scatter, chain, the
    /// transposed products).
    static func recordedGradient(_ f: @escaping @Sendable (Tensor<Double>) -> Tensor<Double>) -> @Sendable (Tensor<Double>) -> Tensor<Double> {
        { x in
            // A plain x (a finite-difference evaluation) gets a leaf of its own.
            let leaf = x.requiresGradient ? x : x.requiringGradient()
            let g = gradients(of: f(leaf), withRespectTo: [leaf], creatingGraph: true)[0]
            return (g * sin(leaf)).sum()
        }
    }

    static let all: [TensorStructuralCase] = [
        // Every step kind of a lazy expression, with a broadcast row and a constant: its
        // second derivatives come from the steps' rules written as tensor operations.
        .init(name: "lazy expression", operations: [.fused], point: x23) { x in
            let row = x.slice(along: 0, range: 0..<1)
            let a = exp(x.lazy * row.lazy) / (LazyTensor(1) + x.lazy.squared()) - sin(x.lazy) * cos(row.lazy)
            let b = tanh(a) + sigmoid(-a) * sqrt(abs(x.lazy) + LazyTensor(0.5)) - relu(x.lazy) + log(LazyTensor(2) + x.lazy)
            return (b.evaluated() * x).sum() + b.mean()
        },
        .init(name: "sum along an axis", operations: [.sum], point: x23) { x in sin(x.sum(alongAxes: 1)).sum() * x.sum() },
        .init(name: "mean", operations: [.mean], point: x23) { x in x.mean(alongAxes: 0).squared().sum() * x.mean() },
        .init(name: "max along an axis", operations: [.maximumAlongAxes], point: x23) { x in x.max(alongAxes: 1).squared().sum() * x.max() },
        .init(name: "min along an axis", operations: [.minimumAlongAxes], point: x23) { x in exp(x.min(alongAxes: 0)).sum() },
        .init(name: "reshape", operations: [.reshape], point: x23) { x in (sin(x.reshaped(to: [3, 2])) * x.reshaped(to: [3, 2])).sum() },
        .init(name: "transpose", operations: [.transpose], point: x23) { x in (x.transposed().squared() * sin(x.transposed())).sum() },
        .init(name: "slice", operations: [.slice], point: x23) { x in
            (x.slice(along: 1, range: 1..<3).squared() * x.slice(along: 1, range: 0..<2)).sum()
        },
        .init(name: "gather", operations: [.gather], point: x23) { x in
            (x.gathering(along: 1, indices: [2, 0, 2]).squared() * x.gathering(along: 1, indices: [0, 1, 1])).sum()
        },
        .init(name: "concatenate", operations: [.concatenate], point: x23) { x in
            sin(Tensor(concatenating: [x, x.squared()], alongAxis: 0)).sum()
        },
        .init(name: "select", operations: [.select], point: x23) { x in
            x.replacing(with: x.squared() * x, where: x .> Tensor(0)).squared().sum()
        },
        .init(name: "matmul", operations: [.matmul], point: x23) { x in
            tanh(matmul(x, x.transposed())).sum() + matmul(x, Tensor(shape: [3, 1], scalars: [1, -2, 0.5])).squared().sum()
        },
        .init(name: "matmul of a batch by a matrix", operations: [.matmul], point: x23) { x in
            tanh(matmul(x.reshaped(to: [2, 1, 3]), x.transposed())).sum()
        },
        .init(name: "softmax cross-entropy", operations: [.gather, .maximumAlongAxes], point: x23) { x in
            softmaxCrossEntropy(logits: x, labels: [2, 0])
        },
        .init(name: "custom function with a differentiable backward", operations: [.custom], point: x23) { x in
            let cube = CustomFunction<Double>(
                differentiableBackward: true, forward: { $0 * $0 * $0 }, backward: { x, g in g * 3 * x * x })
            return sin(cube(x)).sum()
        },
        .init(name: "expand (the sum rule, differentiated again)", operations: [.expand], point: x23,
              function: recordedGradient { x in sin(x.sum(alongAxes: 1)).squared().sum() }),
        .init(name: "scatter (the gather rule, differentiated again)", operations: [.scatter], point: x23,
              function: recordedGradient { x in sin(x.gathering(along: 1, indices: [2, 0, 2])).squared().sum() }),
        .init(name: "chain (the elementwise rules, differentiated again)", operations: [.chain], point: x23,
              function: recordedGradient { x in (tanh(x) * sin(x)).sum() }),
        .init(name: "transposed products (the matmul rule, differentiated again)", operations: [.matmul], point: x23,
              function: recordedGradient { x in tanh(matmul(x, x.transposed())).sum() }),
    ]
}

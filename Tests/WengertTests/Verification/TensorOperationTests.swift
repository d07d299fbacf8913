import Testing
import Wengert

/// The operation of the table applied elementwise to tensors. The switch is exhaustive,
/// so a new `ScalarOperation` does not compile here until its tensor form is given.
func tensorApply(_ op: ScalarOperation, _ x: Tensor<Double>, _ y: Tensor<Double>) -> Tensor<Double> {
    switch op {
    case .add: return x + y
    case .subtract: return x - y
    case .multiply: return x * y
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
    case .powerOfConstant: return pow(Tensor(repeating: 1.7, shape: x.shape), x)
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

/// Elementwise partials of the tensor form at the given points: one backward pass of the sum.
func tensorPartials(_ op: ScalarOperation, _ points: [(x: Double, y: Double)]) -> (x: [Double], y: [Double], value: [Double]) {
    let x = Tensor<Double>(points.map(\.x)).requiringGradient()
    let y = Tensor<Double>(points.map(\.y)).requiringGradient()
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


// gradientCheck for tensor functions and custom functions: the recorded backward
// pass (built-in pullbacks and `CustomFunction` backwards alike) against central
// differences, as PyTorch's `gradcheck` does for autograd.Functions. A function with
// a non-scalar result is checked through ⟨u, f(x)⟩ for a fixed seeded cotangent u,
// which exercises the whole vector-Jacobian product in one backward pass.

/// Checks the gradient that `backward()` computes for a tensor function against central
/// finite differences, entry by entry (mode `.backward`).
///
/// ```swift
/// let wrong = CustomFunction<Double>(forward: { x in x * x * x },
///                                    backward: { x, upstream in upstream * 2 * x * x })
/// gradientCheck(of: { x in wrong(x).sum() }, at: Tensor<Double>([0.5, -1.5])).passed   // false
/// ```
///
/// When f returns more than one element, the check compares uᵀJ, computed by
/// `backward(seed: u)`, with differences of ⟨u, f(x)⟩, for u drawn from a fixed seed
/// (entries in [0.5, 1.5] with random signs). `x` itself is not modified: the check
/// differentiates a detached copy, and its `grad` is left as it was.
///
/// Steps, tolerances and Richardson extrapolation are as in `gradientCheck(of:at:)`;
/// the defaults suit `Double`. Entry i of the report is the flat (row-major) index i of x.
///
/// - Complexity: one recorded evaluation and backward pass, and 2n unrecorded
///   evaluations of f for n = x.scalarCount (6 more per entry needing extrapolation).
///   Traps, naming the element, when x is not finite. A result whose shape changes
///   between evaluations stops with the tensor library's shape message.
public func gradientCheck<Scalar: TensorScalar>(
    of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    gradientCheck(of: { f($0[0]) }, at: [x], epsilon: epsilon,
                  absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
}

/// Checks the gradients that `backward()` computes for a function of several tensors,
/// as `gradientCheck(of:at:)` does for one. The report's flat index runs through the
/// inputs in order: entry k of input j has index (scalar counts of inputs 0..<j) + k.
///
/// ```swift
/// gradientCheck(of: { t in matmul(t[0], t[1]).sum() },
///               at: [Tensor<Double>(randomNormal: [2, 3], seed: 1), Tensor(randomNormal: [3, 2], seed: 2)]).passed
/// ```
///
/// - Complexity: one recorded evaluation and backward pass, and 2N unrecorded
///   evaluations of f for N scalars in all inputs.
public func gradientCheck<Scalar: TensorScalar>(
    of f: ([Tensor<Scalar>]) -> Tensor<Scalar>, at inputs: [Tensor<Scalar>],
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    let point = inputs.flatMap { $0.scalars.map { Double($0) } }
    validateCheckArguments("gradientCheck", point, epsilon, absoluteTolerance, relativeTolerance)
    let shapes = inputs.map(\.shape), devices = inputs.map(\.device)
    let leaves = inputs.map { $0.detached().requiringGradient() }
    let y = f(leaves)
    let u = checkCotangent(count: y.scalarCount)
    var analytic = point.map { _ in 0.0 }
    if y.requiresGradient {
        y.backward(seed: Tensor<Scalar>(shape: y.shape, scalars: u.map { Scalar($0) }, on: y.device))
        var offset = 0
        for (leaf, input) in zip(leaves, inputs) {
            if let grad = leaf.grad {
                for (k, g) in grad.scalars.enumerated() { analytic[offset + k] = Double(g) }
            }
            offset += input.scalarCount
        }
    }
    return CheckComparison.gradient(
        subject: "tensor gradient", at: point, analytic: [(.backward, analytic)],
        value: { p in
            var offset = 0
            let shifted = zip(shapes, devices).map { shape, device in
                let count = shape.reduce(1, *)
                defer { offset += count }
                return Tensor<Scalar>(shape: shape, scalars: p[offset..<(offset + count)].map { Scalar($0) }, on: device)
            }
            // Recording stays on: the inputs are untracked, so nothing is recorded unless f
            // differentiates something itself (a gradient penalty), which needs it on.
            let out = f(shifted)
            return zip(out.scalars, u).reduce(0) { $0 + Double($1.0) * $1.1 }
        },
        epsilon: epsilon, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
        quantize: { Double(Scalar($0)) })
}

/// The cotangent for a result of `count` elements: 1 for a scalar, else a fixed
/// pseudo-random vector with entries of magnitude in [0.5, 1.5] (never near 0, so no
/// output's derivative is weighted away).
func checkCotangent(count: Int) -> [Double] {
    if count == 1 { return [1] }
    var rng = CheckRandom(seed: 0xC07A)
    return (0..<count).map { _ in
        Double.random(in: 0.5...1.5, using: &rng) * (Bool.random(using: &rng) ? 1 : -1)
    }
}

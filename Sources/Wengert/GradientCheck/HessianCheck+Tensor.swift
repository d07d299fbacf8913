// The second-order check for tensor functions (PyTorch's gradgradcheck): Hessian-vector
// products by reverse over reverse, the backward pass of a recorded backward pass,
// against central differences of the first-order backward pass along the same
// direction. Each rule of the table is differentiated by its own recorded form here, so
// a rule whose first derivative is right but whose recorded form is not (or is missing
// a dependence: a partial computed from an untracked value) fails this check only.

/// Checks the second derivatives of a tensor function against central differences of
/// its first (PyTorch's `gradgradcheck`): for each direction v, H(x)·v computed by
/// `hessianVectorProduct(of:at:along:)` (reverse over reverse) is compared with
/// (∇s(x + hv) - ∇s(x - hv)) / 2h, each gradient a first-order `backward()`.
///
/// ```swift
/// hessianCheck(of: { x in (tanh(x) * x).sum() }, at: Tensor<Double>([0.5, -1])).passed   // true
/// ```
///
/// s is f itself when f has one scalar result, else ⟨u, f(x)⟩ for the fixed seeded
/// cotangent u of `gradientCheck(of:at:)`, which exercises every second derivative of a
/// vector-valued f. A `CustomFunction` inside f is checked too when it was made with
/// `differentiableBackward: true`; one without stops with a message naming it.
///
/// - Parameters:
///   - f: the tensor function, applied to tracked and to plain tensors.
///   - x: the point; it is not modified and its `grad` is untouched.
///   - directions: the vectors v, each of x's shape; by default the basis vectors for
///     x of at most 16 scalars (the whole Hessian) and 16 seeded random directions beyond.
///   - epsilon: the relative step of the central differences.
///   - absoluteTolerance: the error allowed where an entry is near zero.
///   - relativeTolerance: the error allowed relative to the entry elsewhere.
/// - Returns: entry k·n + i compares (H vₖ)ᵢ, i the flat index into x.
/// - Complexity: per direction one Hessian-vector product and two (eight with
///   extrapolation) gradients. Traps when a direction's shape is not x's, or an argument
///   is not finite.
public func hessianCheck<Scalar: TensorScalar>(
    of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>, along directions: [Tensor<Scalar>]? = nil,
    epsilon: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3
) -> GradientCheckReport {
    let point = x.scalars.map { Double($0) }
    validateCheckArguments("hessianCheck", point, epsilon, absoluteTolerance, relativeTolerance)
    let vs: [[Double]] =
        directions.map { given in
            given.enumerated().map { k, v in
                if v.shape != x.shape {
                    invalidCheckArgument("hessianCheck: direction \(k) has shape \(v.shape) but the point has shape \(x.shape)")
                }
                return v.scalars.map { Double($0) }
            }
        } ?? defaultDirections(point.count)
    let u = checkCotangent(count: f(x.detached()).scalarCount)
    let weights = Tensor<Scalar>(scalars: u)
    func s(_ t: Tensor<Scalar>) -> Tensor<Scalar> {
        let y = f(t)
        return u.count == 1 ? y.reshaped(to: []) : (y * weights.reshaped(to: y.shape)).sum()
    }
    let products = vs.map { v in
        hessianVectorProduct(of: s, at: x, along: Tensor(shape: x.shape, scalars: v.map { Scalar($0) })).scalars
            .map { Double($0) }
    }
    return CheckComparison.hessian(
        at: point, directions: vs, products: products,
        gradient: { p in
            let leaf = Tensor<Scalar>(shape: x.shape, scalars: p.map { Scalar($0) }).requiringGradient()
            let y = s(leaf)
            guard y.requiresGradient else { return p.map { _ in 0 } }
            return gradients(of: y, withRespectTo: [leaf])[0].scalars.map { Double($0) }
        },
        epsilon: epsilon, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
        mode: .reverseOverReverse)
}

extension Tensor {
    /// A 1-D tensor of `values` converted from Double.
    init(scalars values: [Double]) {
        self.init(shape: [values.count], scalars: values.map { Scalar($0) })
    }
}

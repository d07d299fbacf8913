// Second derivatives of tensor functions by reverse over reverse: a backward pass that
// records (`gradients(of:withRespectTo:creatingGraph: true)`) gives ∇f(x) as a recorded
// function of x, and a second backward pass of ⟨∇f(x), v⟩ gives H(x)·v (Pearlmutter
// 1994). The tensor layer has no forward mode, so the scalar Hessians' forward over
// reverse (Hessian.swift) has no tensor counterpart; reverse over reverse costs the same
// order: the recorded backward repeats the backward pass's products once more.

/// The Hessian-vector product H(x)·v of a tensor function f with a one-scalar result,
/// exactly, without forming H; the result has x's shape.
///
/// ```swift
/// let f = { (w: Tensor<Double>) in (tanh(matmul(x, w)) - y).squared().mean() }
/// let hv = hessianVectorProduct(of: f, at: w, along: v)   // shape of w
/// ```
///
/// `x` itself is not modified and its `grad` is untouched: f is applied to a detached
/// copy. Zeros when f(x) does not depend on x, or depends on it linearly.
///
/// Stops with a message when f's result has more than one scalar or `v`'s shape is
/// not x's. A `CustomFunction` inside f needs `differentiableBackward: true` (else it
/// stops, naming the function).
/// - Complexity: one recorded evaluation of f, one recorded backward pass and one
///   backward pass over that recording: about two to three gradients
///   (`wengert-bench --hvp` measures the ratio).
@inlinable
public func hessianVectorProduct<Scalar: TensorScalar>(
    of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>, along v: Tensor<Scalar>
) -> Tensor<Scalar> {
    if v.shape != x.shape {
        wengertTensorInvalid("hessianVectorProduct: the direction has shape \(v.shape) but the point has shape \(x.shape).")
    }
    let (leaf, gradient) = recordedGradient(of: f, at: x, operation: "hessianVectorProduct")
    guard gradient.requiresGradient else { return Tensor(zeros: x.shape, on: x.device) }
    return gradients(of: gradient, withRespectTo: [leaf], seed: v)[0]
}

/// The Hessian ∇²f(x) of a tensor function f with a one-scalar result, as a tensor of
/// shape x.shape + x.shape: entry [i…, j…] is ∂²f/∂xᵢ∂xⱼ (an [n, n] matrix for an x of
/// shape [n]).
///
/// ```swift
/// hessian(of: { x in (x * x * x).sum() }, at: Tensor<Double>([1, 2]))   // [[6, 0], [0, 12]]
/// ```
///
/// Row i is the backward pass of the recorded gradient's element i, so the recording of
/// f and of its backward pass is made once and swept n times.
/// - Complexity: one recorded evaluation and backward pass of f, then n backward passes
///   over that recording for n = x.scalarCount; memory O(n²) for the result.
@inlinable
public func hessian<Scalar: TensorScalar>(
    of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>
) -> Tensor<Scalar> {
    let (leaf, gradient) = recordedGradient(of: f, at: x, operation: "hessian")
    guard gradient.requiresGradient else { return Tensor(zeros: x.shape + x.shape, on: x.device) }
    return Tensor(rowsOf: gradient, withRespectTo: leaf)
}

/// A detached copy of x that requires a gradient, and ∇f there as a recorded tensor.
/// (Inlinable, as everything on this path: called from unspecialised code, the tensor
/// machinery runs unspecialised too, several times slower.)
@inlinable
func recordedGradient<Scalar: TensorScalar>(
    of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>, operation: String
) -> (leaf: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    let leaf = x.detached().requiringGradient()
    let y = f(leaf)
    if y.scalarCount != 1 {
        wengertTensorInvalid("\(operation) needs a function with one scalar result; it returned shape \(y.shape).")
    }
    guard y.requiresGradient else { return (leaf, Tensor(zeros: x.shape, on: x.device)) }
    return (leaf, gradients(of: y, withRespectTo: [leaf], creatingGraph: true)[0])
}

extension Tensor {
    /// The Jacobian of `output` with respect to `input`, shape output.shape +
    /// input.shape, one backward pass per scalar of `output` (rows by reverse mode),
    /// over one recording kept until the last row.
    @inlinable init(rowsOf output: Tensor, withRespectTo input: Tensor) {
        let m = output.scalarCount, n = input.scalarCount
        var scalars = [Scalar]()
        scalars.reserveCapacity(m * n)
        var seed = [Scalar](repeating: 0, count: m)
        for i in 0..<m {
            seed[i] = 1
            let row = gradients(
                of: output, withRespectTo: [input], seed: Tensor(shape: output.shape, scalars: seed),
                retainingGraph: i < m - 1)[0]
            scalars += row.scalars
            seed[i] = 0
        }
        self.init(shape: output.shape + input.shape, scalars: scalars)
    }
}

extension Reverse {
    /// The Jacobian ∂f/∂x of a tensor function, shape f(x).shape + x.shape, by rows:
    /// one backward pass per scalar of f(x) over one recording.
    ///
    /// ```swift
    /// Reverse.jacobian(of: { x in sin(x) * 2 }, at: Tensor<Double>([0, 1]))   // [[2, 0], [0, 2cos 1]]
    /// ```
    ///
    /// Rows by reverse mode, because the tensor layer is reverse mode only: a column
    /// would need a forward (tangent) pass, which tensors do not have; the double
    /// backward that can stand in for one (a vector-Jacobian product differentiated
    /// again) costs two sweeps per column, so it would only pay when f(x) has more than
    /// twice as many scalars as x. `x` is not modified; f is applied to a detached copy.
    /// Zeros where f(x) does not depend on x.
    /// - Complexity: one recorded evaluation of f and m = f(x).scalarCount backward
    ///   passes; memory O(m·n) for the result.
    @inlinable public static func jacobian<Scalar: TensorScalar>(
        of f: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>
    ) -> Tensor<Scalar> {
        let leaf = x.detached().requiringGradient()
        let y = f(leaf)
        guard y.requiresGradient else { return Tensor(zeros: y.shape + x.shape, on: x.device) }
        return Tensor(rowsOf: y, withRespectTo: leaf)
    }
}

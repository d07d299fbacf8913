// The names people type from PyTorch and NumPy, each a compile-time error whose fix-it
// writes the Swift name (`sum(axis: 0)` said "argument passed to call that takes no
// arguments" before). Unavailable rather than deprecated, so there is one spelling of
// each operation in code that compiles.

extension Tensor {
    /// NumPy's spelling; use ``sum(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "sum(alongAxes:keepingDimensions:)")
    public func sum(axis: Int, keepdims: Bool = false) -> Tensor { fatalError() }
    /// PyTorch's spelling; use ``sum(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "sum(alongAxes:keepingDimensions:)")
    public func sum(dim: Int, keepdim: Bool = false) -> Tensor { fatalError() }
    /// NumPy's spelling; use ``mean(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "mean(alongAxes:keepingDimensions:)")
    public func mean(axis: Int, keepdims: Bool = false) -> Tensor { fatalError() }
    /// PyTorch's spelling; use ``mean(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "mean(alongAxes:keepingDimensions:)")
    public func mean(dim: Int, keepdim: Bool = false) -> Tensor { fatalError() }
    /// PyTorch's spelling; use ``max(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "max(alongAxes:keepingDimensions:)")
    public func max(dim: Int, keepdim: Bool = false) -> Tensor { fatalError() }
    /// PyTorch's spelling; use ``min(alongAxes:keepingDimensions:)``.
    @available(*, unavailable, renamed: "min(alongAxes:keepingDimensions:)")
    public func min(dim: Int, keepdim: Bool = false) -> Tensor { fatalError() }
    /// PyTorch's spelling; use ``argmax(alongAxis:)``.
    @available(*, unavailable, renamed: "argmax(alongAxis:)")
    public func argmax(dim: Int) -> [Int] { fatalError() }
    /// PyTorch's `item()`; use ``scalar``.
    @available(*, unavailable, renamed: "scalar", message: "a one-element tensor's value is `.scalar`")
    public func item() -> Scalar { fatalError() }
    /// PyTorch's `numel()`; use ``scalarCount``.
    @available(*, unavailable, renamed: "scalarCount")
    public func numel() -> Int { fatalError() }
    /// PyTorch's `tolist()`/NumPy's `numpy()`; use ``scalars`` (row-major).
    @available(*, unavailable, renamed: "scalars")
    public func tolist() -> [Scalar] { fatalError() }
    /// PyTorch's `view`/`reshape`; use ``reshaped(to:)``.
    @available(*, unavailable, renamed: "reshaped(to:)")
    public func view(_ shape: Int...) -> Tensor { fatalError() }
    /// PyTorch's `reshape`; use ``reshaped(to:)``.
    @available(*, unavailable, renamed: "reshaped(to:)")
    public func reshape(_ shape: Int...) -> Tensor { fatalError() }
    /// PyTorch's `unsqueeze`; use ``unsqueezed(axis:)``.
    @available(*, unavailable, renamed: "unsqueezed(axis:)")
    public func unsqueeze(_ axis: Int) -> Tensor { fatalError() }
    /// PyTorch's `t()`; use ``transposed()``.
    @available(*, unavailable, renamed: "transposed()")
    public func t() -> Tensor { fatalError() }
    /// PyTorch's `detach()`; use ``detached()``.
    @available(*, unavailable, renamed: "detached()")
    public func detach() -> Tensor { fatalError() }
    /// PyTorch's `requires_grad_()`; use ``requiringGradient()``.
    @available(*, unavailable, renamed: "requiringGradient()")
    public func requires_grad_() -> Tensor { fatalError() }
    /// PyTorch's `.grad.zero_()`/`zero_grad()`; use ``zeroGradient()``.
    @available(*, unavailable, renamed: "zeroGradient()")
    public func zero_grad() { fatalError() }
    /// PyTorch's `clamp`; use ``clamped(min:max:)``.
    @available(*, unavailable, renamed: "clamped(min:max:)")
    public func clamp(min: Scalar? = nil, max: Scalar? = nil) -> Tensor { fatalError() }
}

extension Tensor {
    /// xⁿ elementwise for an integer exponent, by repeated squaring: exact products, so
    /// it is right at negative bases (see the scalar `pow(_:n:)`).
    /// - Complexity: O(n log |n|) and O(log |n|) recorded entries; with nothing to record
    ///   (a constant, or gradients off) on the CPU, one pass and one buffer.
    // Inlinable so that it runs specialised: generic, each product looked up `Tensor<S>`'s
    // metadata (callgrind: 2.4 % of the seed's sin cubic step).
    @inlinable
    public static func integerPower(_ x: Tensor, _ n: Int) -> Tensor {
        if n == 0 { return Tensor(repeating: 1, shape: x.shape, on: x.device) }
        if n.magnitude >= 2 && x.takesScalarPath {
            // Nothing to record (a constant, or gradients off): the same products in one
            // C pass and one buffer, not one tensor per product.
            TensorKernels.requireConsistent(x, operation: "pow")
            let count = x.scalarCount, px = x.hostBase
            let result = withExtendedLifetime(x) {
                Tensor.host(shape: x.dimensions, count: count) { Scalar._integerPowerKernel(px, n.magnitude, $0, count) }
            }
            return n < 0 ? 1 / result : result
        }
        // Square-and-multiply from the lowest bit: the powers below the lowest set bit,
        // then each square and each product with the result, in that order. No optional
        // result: its copies through `map` and `??` cost more than a small product.
        var base = x, e = n.magnitude
        while e & 1 == 0 {
            base = base * base
            e >>= 1
        }
        var result = base
        e >>= 1
        while e != 0 {
            base = base * base
            if e & 1 == 1 { result = result * base }
            e >>= 1
        }
        return n < 0 ? 1 / result : result
    }
}

/// xⁿ elementwise for an integer exponent (see the scalar `pow(_:n:)`).
/// - Complexity: O(n log |n|) and O(log |n|) recorded entries.
@inlinable public func pow<S>(_ x: Tensor<S>, n: Int) -> Tensor<S> { Tensor.integerPower(x, n) }

// The elementary functions of DifferentiableScalar, elementwise on tensors. Each computes
// with the scalar function and records one entry whose rule is in TensorPullbacks.swift.
// They are @_disfavoredOverload so that scalar expressions such as
// `exp(-abs(x)) / ((1 + exp(-abs(x))) * ...)` do not explore them (the type checker gave
// up on that expression without it); for a tensor argument they are the only candidates.

extension Tensor {
    @inlinable static func unary(_ x: Tensor, _ operation: TensorOperation, savingOutput: Bool, _ f: (Scalar) -> Scalar) -> Tensor {
        let out = TensorKernels.elementwise(x, operation, f)
        return recorded(out, operation, x, saving: x, savingOutput ? out : nil, savedOutput: savingOutput ? 1 : -1)
    }
    @inlinable static func binary(_ x: Tensor, _ y: Tensor, _ operation: TensorOperation, _ name: StaticString, _ f: (Scalar, Scalar) -> Scalar) -> Tensor {
        let out = TensorKernels.zip(x, y, operation: name, code: TensorKernels.backendOperation(binary: operation).map { .binary($0) }, f)
        return recorded(out, operation, x, y, saving: x, y, out, savedOutput: 2)
    }
}

/// sin(x) elementwise. Derivative cos(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func sin<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .sin, savingOutput: false) { S.sin($0) } }
/// cos(x) elementwise. Derivative -sin(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func cos<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .cos, savingOutput: false) { S.cos($0) } }
/// tan(x) elementwise. Derivative 1 + tan²(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func tan<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .tan, savingOutput: true) { S.tan($0) } }
/// asin(x) elementwise on [-1, 1]. Derivative 1/√(1-x²). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func asin<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .asin, savingOutput: false) { S.asin($0) } }
/// acos(x) elementwise on [-1, 1]. Derivative -1/√(1-x²). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func acos<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .acos, savingOutput: false) { S.acos($0) } }
/// atan(x) elementwise. Derivative 1/(1+x²). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func atan<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .atan, savingOutput: false) { S.atan($0) } }
/// sinh(x) elementwise. Derivative cosh(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func sinh<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .sinh, savingOutput: false) { S.sinh($0) } }
/// cosh(x) elementwise. Derivative sinh(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func cosh<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .cosh, savingOutput: false) { S.cosh($0) } }
/// tanh(x) elementwise. Derivative 1 - tanh²(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func tanh<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .tanh, savingOutput: true) { S.tanh($0) } }
/// eˣ elementwise. Derivative eˣ. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func exp<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .exp, savingOutput: true) { S.exp($0) } }
/// eˣ - 1 elementwise, accurate near 0. Derivative eˣ. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func expm1<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .expm1, savingOutput: true) { S.expm1($0) } }
/// ln x elementwise. Derivative 1/x. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func log<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .log, savingOutput: false) { S.log($0) } }
/// ln(1 + x) elementwise, accurate near 0. Derivative 1/(1+x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func log1p<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .log1p, savingOutput: false) { S.log1p($0) } }
/// log₂ x elementwise. Derivative 1/(x ln 2). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func log2<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .log2, savingOutput: false) { S.log2($0) } }
/// log₁₀ x elementwise. Derivative 1/(x ln 10). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func log10<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .log10, savingOutput: false) { S.log10($0) } }
/// √x elementwise. Derivative 1/(2√x), +∞ at 0. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func sqrt<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .sqrt, savingOutput: true) { S.sqrt($0) } }
/// ∛x elementwise. Derivative 1/(3∛x²), +∞ at 0. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func cbrt<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .cbrt, savingOutput: true) { S.cbrt($0) } }
/// |x| elementwise. Derivative sign(x), 0 at 0. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func abs<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .abs, savingOutput: false) { Swift.abs($0) } }
/// erf(x) elementwise. Derivative 2/√π·e^(-x²). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func erf<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .erf, savingOutput: false) { S.erf($0) } }
/// 1/(1+e⁻ˣ) elementwise. Derivative σ(x)(1-σ(x)). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func sigmoid<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .sigmoid, savingOutput: true) { S.sigmoid($0) } }
/// log(1+eˣ) elementwise without overflow. Derivative σ(x). - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func softplus<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .softplus, savingOutput: false) { S.softplus($0) } }
/// max(x, 0) elementwise; NaN stays NaN. Derivative 1 for x > 0 and for NaN, else 0
/// (the convention of `max`: the operand that produced the value gets the gradient).
/// - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func relu<S>(_ x: Tensor<S>) -> Tensor<S> { .unary(x, .relu, savingOutput: false) { ElementaryRule.relu($0).value } }

/// xʸ elementwise with broadcasting. Partials y·xʸ⁻¹ in x, xʸ·ln x in y (0 where x = 0).
/// - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func pow<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { .binary(x, y, .power, "pow") { S.pow($0, $1) } }
/// xʸ elementwise for a constant exponent.
@inlinable @_disfavoredOverload public func pow<S>(_ x: Tensor<S>, _ y: S) -> Tensor<S> { pow(x, Tensor(y)) }
/// atan2(y, x) elementwise with broadcasting. Partials x/(x²+y²) in y, -y/(x²+y²) in x.
/// - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func atan2<S>(_ y: Tensor<S>, _ x: Tensor<S>) -> Tensor<S> { .binary(y, x, .atan2, "atan2") { S.atan2($0, $1) } }
/// √(x²+y²) elementwise with broadcasting. Partials x/h and y/h (0 where h = 0).
/// - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func hypot<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { .binary(x, y, .hypot, "hypot") { S.hypot($0, $1) } }
/// The elementwise minimum with broadcasting; NaN where either is NaN (IEEE, PyTorch).
/// The gradient goes to the operand that produced the value: `x` at a tie or when both
/// are NaN. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func min<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { .binary(x, y, .minimum, "min") { ElementaryRule.min($0, $1).value } }
/// The elementwise maximum with broadcasting; NaN where either is NaN (IEEE, PyTorch).
/// The gradient goes to the operand that produced the value: `x` at a tie or when both
/// are NaN. - Complexity: O(n), one entry.
@inlinable @_disfavoredOverload public func max<S>(_ x: Tensor<S>, _ y: Tensor<S>) -> Tensor<S> { .binary(x, y, .maximum, "max") { ElementaryRule.max($0, $1).value } }

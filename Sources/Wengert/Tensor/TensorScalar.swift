import CWengert

/// A plain floating-point number a ``Tensor`` can hold: `Float` or `Double`.
///
/// It adds to ``DifferentiableScalar`` the entry points of the vectorised C kernels
/// (AVX-512, AVX2 or portable, chosen at run time). The underscored requirements are
/// implementation hooks, not API.
public protocol TensorScalar: DifferentiableScalar, BinaryFloatingPoint, Sendable {
    /// out[i] = a[i·incA] op b[i·incB] (op: 0 add, 1 subtract, 2 multiply, 3 divide,
    /// 4 chain: a·b but 0 where a is 0),
    /// where each increment is 1 (a run of n scalars) or 0 (one scalar, read n times):
    /// the C kernels read any increment other than 1 as 0, so callers pass only these.
    /// The caller guarantees n readable scalars behind each pointer of increment 1.
    /// - Complexity: O(n), vectorised.
    static func _binaryKernel(
        _ op: Int32, _ a: UnsafePointer<Self>, _ incA: Int, _ b: UnsafePointer<Self>, _ incB: Int,
        _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// `_binaryKernel` over a whole broadcast: `out`, contiguous and row-major of `shape`,
    /// holds a[Σ index·stridesA] op b[Σ index·stridesB], the last axis's strides 0 or 1.
    /// Equal to `_binaryKernel` called once per row of the last axis, in one C call.
    /// `shape.count` must be at most `WENGERT_BROADCAST_MAX_RANK` (else nothing is
    /// written); `out` must not alias `a` or `b`.
    /// - Complexity: O(count of `shape`), the rows vectorised.
    static func _binaryBroadcastKernel(
        _ op: Int32, _ a: UnsafePointer<Self>, _ stridesA: UnsafePointer<Int>, _ b: UnsafePointer<Self>,
        _ stridesB: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Self>, _ shape: UnsafePointer<Int>, _ rank: Int)
    /// `out`, contiguous and row-major of `shape`, holds a[Σ index·stridesA]: `a`
    /// broadcast to `shape` (stride 0 along broadcast axes, the last 0 or 1), copied.
    /// `shape.count` must be at most `WENGERT_BROADCAST_MAX_RANK` (else nothing is
    /// written); `out` must not alias `a`.
    /// - Complexity: O(count of `shape`).
    static func _broadcastCopyKernel(
        _ a: UnsafePointer<Self>, _ stridesA: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Self>,
        _ shape: UnsafePointer<Int>, _ rank: Int)
    /// out[i] = a[i] + s·b[i] for i < n, rounded as the product then the sum (no fused
    /// multiply-add); `out` may alias `a` or `b`.
    /// - Complexity: O(n), vectorised.
    static func _scaledAddKernel(
        _ a: UnsafePointer<Self>, _ s: Self, _ b: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// One Adam step over n scalars in one pass (`wengert_adam_*`): the moments and the
    /// parameter as `Adam`'s tensor operations compute them, each operation rounded on its
    /// own. `settings` is β₁, 1 - β₁, β₂, 1 - β₂, η / (1 - β₁ᵗ), 1 - β₂ᵗ, ε and λ (the
    /// fields of `wengert_adam_settings_*`). Each output may alias its own input.
    /// - Complexity: O(n), vectorised.
    static func _adamKernel(
        _ settings: (Self, Self, Self, Self, Self, Self, Self, Self), _ p: UnsafePointer<Self>, _ g: UnsafePointer<Self>,
        _ m: UnsafePointer<Self>, _ v: UnsafePointer<Self>, _ pOut: UnsafeMutablePointer<Self>,
        _ mOut: UnsafeMutablePointer<Self>, _ vOut: UnsafeMutablePointer<Self>, _ n: Int)
    /// out[i] = g[i]·p(v[i]) with the chain rule's convention, p the partial of the
    /// `wengert_partial_op` `op` (from the forward value or input, as the scalar table).
    /// - Complexity: O(n), vectorised.
    static func _unaryBackwardKernel(
        _ op: Int32, _ g: UnsafePointer<Self>, _ v: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// out[i] = f(x[i]) for i < n, f the `wengert_unary_op` `op` (vectorised for the
    /// elementary functions, within a few ulps of libm; see CWengertKernels.h).
    /// - Complexity: O(n), vectorised, split across the kernel threads when large.
    static func _unaryKernel(_ op: Int32, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// Σ x[i] for i < n, with independent partial sums (sixteen in double precision for
    /// `Float`, eight for `Double`).
    /// - Complexity: O(n).
    static func _sumKernel(_ x: UnsafePointer<Self>, _ n: Int) -> Self
    /// Σ chain(g[i], p[i]) for i < n (the chain operation of `_binaryKernel`): equal to
    /// that kernel followed by `_sumKernel`, in one pass and without the array between.
    /// - Complexity: O(n).
    static func _chainSumKernel(_ g: UnsafePointer<Self>, _ p: UnsafePointer<Self>, _ n: Int) -> Self
    /// Runs a fused elementwise program forward (`wengert_fused_forward_f32`/`_f64`, a
    /// LazyTensor's): the values into `out`, their sum into `sum`, and the steps' values
    /// into `values` for the backward pass, each when not nil.
    /// - Complexity: O(n · steps), in blocks that stay in cache.
    static func _fusedForwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Self>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ out: UnsafeMutablePointer<Self>?, _ sum: UnsafeMutablePointer<Double>?,
        _ values: UnsafeMutablePointer<Self>?)
    /// Runs a fused elementwise program backward (`wengert_fused_backward_f32`/`_f64`):
    /// each input's cotangent into its `grad` pointer, when not nil, reading the steps'
    /// values from `values` or, when it is nil, recomputing them block by block.
    /// - Complexity: O(n · steps).
    static func _fusedBackwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Self>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ g: UnsafePointer<Self>, _ incG: Int, _ grad: UnsafePointer<UnsafeMutablePointer<Self>?>,
        _ values: UnsafePointer<Self>?)
    /// out[i] = v for i < n.
    /// - Complexity: O(n), vectorised.
    static func _fillKernel(_ v: Self, _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// out[i] = x[i]ᵉ for e ≥ 1 (nothing for e = 0), by square-and-multiply from the
    /// lowest bit of e, each product rounded on its own in `Tensor.integerPower`'s order:
    /// equal to its products to the bit, in one pass and one buffer. `out` must not
    /// alias `x`.
    /// - Complexity: O(n log e), vectorised.
    static func _integerPowerKernel(_ x: UnsafePointer<Self>, _ e: UInt, _ out: UnsafeMutablePointer<Self>, _ n: Int)
    /// out[o·inner + i] = Σ_s x[(o·size + s)·inner + i] for a row-major [outer, size,
    /// inner] array: one axis summed away, in order, vectorised over `inner`.
    /// - Complexity: O(outer·size·inner).
    static func _sumAxisKernel(_ x: UnsafePointer<Self>, outer: Int, size: Int, inner: Int, _ out: UnsafeMutablePointer<Self>)
    /// Row-major C (+)= A·B with A m×k and B k×n.
    /// - Complexity: O(m·n·k), register-blocked AVX-512 where available.
    static func _gemmKernel(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>,
        _ c: UnsafeMutablePointer<Self>, accumulate: Bool)
    /// Row-major C (+)= op(A)·op(B), C m×n with row stride ldc; op(A) is A (row stride
    /// lda) or, when `transposeA`, the transpose of a k×m A; likewise op(B). Reads the
    /// operands in place: the backward products g·Bᵀ and Aᵀ·g copy no transpose.
    /// - Complexity: O(m·n·k): packed panels, cache blocking, AVX-512 / AVX2 micro-kernels,
    ///   split across the kernel threads when large.
    static func _gemmStridedKernel(
        transposeA: Bool, transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Self>, _ lda: Int,
        _ b: UnsafePointer<Self>, _ ldb: Int, _ c: UnsafeMutablePointer<Self>, _ ldc: Int, accumulate: Bool)
}

extension Float: TensorScalar {
    /// Calls `wengert_binary_f32`.
    @inlinable public static func _binaryKernel(
        _ op: Int32, _ a: UnsafePointer<Float>, _ incA: Int, _ b: UnsafePointer<Float>, _ incB: Int,
        _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) { wengert_binary_f32(op, a, incA, b, incB, out, n) }
    /// Calls `wengert_binary_broadcast_f32`.
    @inlinable public static func _binaryBroadcastKernel(
        _ op: Int32, _ a: UnsafePointer<Float>, _ stridesA: UnsafePointer<Int>, _ b: UnsafePointer<Float>,
        _ stridesB: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Float>, _ shape: UnsafePointer<Int>, _ rank: Int
    ) { wengert_binary_broadcast_f32(op, a, stridesA, b, stridesB, out, shape, rank) }
    /// Calls `wengert_broadcast_copy_f32`.
    @inlinable public static func _broadcastCopyKernel(
        _ a: UnsafePointer<Float>, _ stridesA: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Float>,
        _ shape: UnsafePointer<Int>, _ rank: Int
    ) { wengert_broadcast_copy_f32(a, stridesA, out, shape, rank) }
    /// Calls `wengert_scaled_add_f32`.
    @inlinable public static func _scaledAddKernel(
        _ a: UnsafePointer<Float>, _ s: Float, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) { wengert_scaled_add_f32(a, s, b, out, n) }
    /// Calls `wengert_adam_f32`.
    @inlinable public static func _adamKernel(
        _ settings: (Float, Float, Float, Float, Float, Float, Float, Float), _ p: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
        _ m: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ pOut: UnsafeMutablePointer<Float>,
        _ mOut: UnsafeMutablePointer<Float>, _ vOut: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        var s = wengert_adam_settings_f32(
            beta1: settings.0, one_minus_beta1: settings.1, beta2: settings.2, one_minus_beta2: settings.3,
            step_size: settings.4, correction2: settings.5, epsilon: settings.6, weight_decay: settings.7)
        wengert_adam_f32(&s, p, g, m, v, pOut, mOut, vOut, n)
    }
    /// Calls `wengert_unary_backward_f32`.
    @inlinable public static func _unaryBackwardKernel(
        _ op: Int32, _ g: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) { wengert_unary_backward_f32(op, g, v, out, n) }
    /// Calls `wengert_sum_axis_f32`.
    @inlinable public static func _sumAxisKernel(
        _ x: UnsafePointer<Float>, outer: Int, size: Int, inner: Int, _ out: UnsafeMutablePointer<Float>
    ) { wengert_sum_axis_f32(x, outer, size, inner, out) }
    /// Calls `wengert_unary_f32`.
    @inlinable public static func _unaryKernel(
        _ op: Int32, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) { wengert_unary_f32(op, x, out, n) }
    /// Calls `wengert_sum_f32`.
    @inlinable public static func _sumKernel(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        Float(wengert_sum_f32(x, n))
    }
    /// Calls `wengert_chain_sum_f32`.
    /// Calls `wengert_fused_forward_f32`.
    @inlinable public static func _fusedForwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Float>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ out: UnsafeMutablePointer<Float>?, _ sum: UnsafeMutablePointer<Double>?,
        _ values: UnsafeMutablePointer<Float>?
    ) { wengert_fused_forward_f32(program, steps, inputs, input, counts, n, out, sum, values) }
    /// Calls `wengert_fused_backward_f32`.
    @inlinable public static func _fusedBackwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Float>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ g: UnsafePointer<Float>, _ incG: Int, _ grad: UnsafePointer<UnsafeMutablePointer<Float>?>,
        _ values: UnsafePointer<Float>?
    ) { wengert_fused_backward_f32(program, steps, inputs, input, counts, n, g, incG, grad, values) }
    @inlinable public static func _chainSumKernel(_ g: UnsafePointer<Float>, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
        Float(wengert_chain_sum_f32(g, p, n))
    }
    /// Calls `wengert_fill_f32`.
    @inlinable public static func _fillKernel(_ v: Float, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        wengert_fill_f32(v, out, n)
    }
    /// Calls `wengert_integer_power_f32`.
    @inlinable public static func _integerPowerKernel(
        _ x: UnsafePointer<Float>, _ e: UInt, _ out: UnsafeMutablePointer<Float>, _ n: Int
    ) { wengert_integer_power_f32(x, e, out, n) }
    /// Calls `wengert_gemm_f32`.
    @inlinable public static func _gemmKernel(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) { wengert_gemm_f32(m, n, k, a, b, c, accumulate ? 1 : 0) }
    /// Calls `wengert_gemm_strided_f32`.
    @inlinable public static func _gemmStridedKernel(
        transposeA: Bool, transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
        _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool
    ) {
        wengert_gemm_strided_f32(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
    }
}

extension Double: TensorScalar {
    /// Calls `wengert_binary_f64`.
    @inlinable public static func _binaryKernel(
        _ op: Int32, _ a: UnsafePointer<Double>, _ incA: Int, _ b: UnsafePointer<Double>, _ incB: Int,
        _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) { wengert_binary_f64(op, a, incA, b, incB, out, n) }
    /// Calls `wengert_binary_broadcast_f64`.
    @inlinable public static func _binaryBroadcastKernel(
        _ op: Int32, _ a: UnsafePointer<Double>, _ stridesA: UnsafePointer<Int>, _ b: UnsafePointer<Double>,
        _ stridesB: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Double>, _ shape: UnsafePointer<Int>, _ rank: Int
    ) { wengert_binary_broadcast_f64(op, a, stridesA, b, stridesB, out, shape, rank) }
    /// Calls `wengert_broadcast_copy_f64`.
    @inlinable public static func _broadcastCopyKernel(
        _ a: UnsafePointer<Double>, _ stridesA: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Double>,
        _ shape: UnsafePointer<Int>, _ rank: Int
    ) { wengert_broadcast_copy_f64(a, stridesA, out, shape, rank) }
    /// Calls `wengert_scaled_add_f64`.
    @inlinable public static func _scaledAddKernel(
        _ a: UnsafePointer<Double>, _ s: Double, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) { wengert_scaled_add_f64(a, s, b, out, n) }
    /// Calls `wengert_adam_f64`.
    @inlinable public static func _adamKernel(
        _ settings: (Double, Double, Double, Double, Double, Double, Double, Double), _ p: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ m: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ pOut: UnsafeMutablePointer<Double>,
        _ mOut: UnsafeMutablePointer<Double>, _ vOut: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        var s = wengert_adam_settings_f64(
            beta1: settings.0, one_minus_beta1: settings.1, beta2: settings.2, one_minus_beta2: settings.3,
            step_size: settings.4, correction2: settings.5, epsilon: settings.6, weight_decay: settings.7)
        wengert_adam_f64(&s, p, g, m, v, pOut, mOut, vOut, n)
    }
    /// Calls `wengert_unary_backward_f64`.
    @inlinable public static func _unaryBackwardKernel(
        _ op: Int32, _ g: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) { wengert_unary_backward_f64(op, g, v, out, n) }
    /// Calls `wengert_sum_axis_f64`.
    @inlinable public static func _sumAxisKernel(
        _ x: UnsafePointer<Double>, outer: Int, size: Int, inner: Int, _ out: UnsafeMutablePointer<Double>
    ) { wengert_sum_axis_f64(x, outer, size, inner, out) }
    /// Calls `wengert_unary_f64`.
    @inlinable public static func _unaryKernel(
        _ op: Int32, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) { wengert_unary_f64(op, x, out, n) }
    /// Calls `wengert_sum_f64`.
    @inlinable public static func _sumKernel(_ x: UnsafePointer<Double>, _ n: Int) -> Double {
        wengert_sum_f64(x, n)
    }
    /// Calls `wengert_chain_sum_f64`.
    /// Calls `wengert_fused_forward_f64`.
    @inlinable public static func _fusedForwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Double>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ out: UnsafeMutablePointer<Double>?, _ sum: UnsafeMutablePointer<Double>?,
        _ values: UnsafeMutablePointer<Double>?
    ) { wengert_fused_forward_f64(program, steps, inputs, input, counts, n, out, sum, values) }
    /// Calls `wengert_fused_backward_f64`.
    @inlinable public static func _fusedBackwardKernel(
        _ program: UnsafePointer<wengert_fused_step>, _ steps: Int, _ inputs: Int, _ input: UnsafePointer<UnsafePointer<Double>?>,
        _ counts: UnsafePointer<Int>, _ n: Int, _ g: UnsafePointer<Double>, _ incG: Int, _ grad: UnsafePointer<UnsafeMutablePointer<Double>?>,
        _ values: UnsafePointer<Double>?
    ) { wengert_fused_backward_f64(program, steps, inputs, input, counts, n, g, incG, grad, values) }
    @inlinable public static func _chainSumKernel(_ g: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ n: Int) -> Double {
        wengert_chain_sum_f64(g, p, n)
    }
    /// Calls `wengert_fill_f64`.
    @inlinable public static func _fillKernel(_ v: Double, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        wengert_fill_f64(v, out, n)
    }
    /// Calls `wengert_integer_power_f64`.
    @inlinable public static func _integerPowerKernel(
        _ x: UnsafePointer<Double>, _ e: UInt, _ out: UnsafeMutablePointer<Double>, _ n: Int
    ) { wengert_integer_power_f64(x, e, out, n) }
    /// Calls `wengert_gemm_f64`.
    @inlinable public static func _gemmKernel(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
        _ c: UnsafeMutablePointer<Double>, accumulate: Bool
    ) { wengert_gemm_f64(m, n, k, a, b, c, accumulate ? 1 : 0) }
    /// Calls `wengert_gemm_strided_f64`.
    @inlinable public static func _gemmStridedKernel(
        transposeA: Bool, transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Double>, _ lda: Int,
        _ b: UnsafePointer<Double>, _ ldb: Int, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, accumulate: Bool
    ) {
        wengert_gemm_strided_f64(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
    }
}

#ifndef CWENGERT_KERNELS_H
#define CWENGERT_KERNELS_H

// Dense CPU kernels for Tensor<Float> and Tensor<Double>. Each public entry point
// dispatches at run time to an AVX-512F, an AVX2+FMA or a portable variant; the variants
// are compiled with __attribute__((target(...))) so the package needs no build flags.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Elementwise binary operations: 0 add, 1 subtract, 2 multiply, 3 divide, 4 chain
/// (a·b, but 0 where a is 0: a cotangent times a partial that may be infinite or NaN).
/// out[i] = a[i * inc_a] op b[i * inc_b] for i < n; inc_a and inc_b are 0 (a scalar
/// operand) or 1. `out` may alias `a` or `b`.
void wengert_binary_f32(int op, const float *a, long inc_a, const float *b, long inc_b, float *out, long n);
void wengert_binary_f64(int op, const double *a, long inc_a, const double *b, long inc_b, double *out, long n);

/// The most axes `wengert_binary_broadcast` takes.
#define WENGERT_BROADCAST_MAX_RANK 16
/// Elementwise binary operation `op` (as wengert_binary) with broadcasting: out, contiguous
/// and row-major of `shape` (`rank` axes), holds a[Σ index·stride_a] op b[Σ index·stride_b].
/// A broadcast axis has stride 0; the last axis's strides are 0 or 1. Equal, bit for bit,
/// to wengert_binary called once per row of the last axis in row-major order, without
/// those calls. Does nothing for rank > WENGERT_BROADCAST_MAX_RANK (callers take the row
/// loop there). `out` must not alias `a` or `b`.
void wengert_binary_broadcast_f32(int op, const float *a, const long *stride_a, const float *b, const long *stride_b,
                                  float *out, const long *shape, long rank);
void wengert_binary_broadcast_f64(int op, const double *a, const long *stride_a, const double *b,
                                  const long *stride_b, double *out, const long *shape, long rank);
/// out, contiguous and row-major of `shape`, holds a[Σ index·stride_a] (a broadcast to
/// `shape`: stride 0 along broadcast axes, the last axis's stride 0 or 1), copied. Does
/// nothing for rank > WENGERT_BROADCAST_MAX_RANK. `out` must not alias `a`.
void wengert_broadcast_copy_f32(const float *a, const long *stride_a, float *out, const long *shape, long rank);
void wengert_broadcast_copy_f64(const double *a, const long *stride_a, double *out, const long *shape, long rank);

/// out[i] = v for i < n.
void wengert_fill_f32(float v, float *out, long n);
void wengert_fill_f64(double v, double *out, long n);

/// out[i] = x[i]ᵉ for e ≥ 1, by square-and-multiply from the lowest bit of e, each product
/// rounded on its own in the order of the tensor operator's products (x³ = x·(x·x)), so
/// it equals those products to the bit. Does nothing for e = 0. `out` must not alias `x`.
void wengert_integer_power_f32(const float *x, unsigned long e, float *out, long n);
void wengert_integer_power_f64(const double *x, unsigned long e, double *out, long n);

/// out[i] = a[i] + s·b[i], rounded as a product then a sum (never a fused multiply-add,
/// so it equals the two tensor operations it replaces): one pass for an optimiser's
/// p - η·g. `out` may alias `a` or `b`.
void wengert_scaled_add_f32(const float *a, float s, const float *b, float *out, long n);
void wengert_scaled_add_f64(const double *a, double s, const double *b, double *out, long n);

/// The scalars of one Adam step: β₁, 1 - β₁, β₂, 1 - β₂, the step size η / (1 - β₁ᵗ),
/// the second moment's correction 1 - β₂ᵗ, ε, and λ (L2 weight decay, 0 for none).
typedef struct { float beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, correction2, epsilon, weight_decay; } wengert_adam_settings_f32;
typedef struct { double beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, correction2, epsilon, weight_decay; } wengert_adam_settings_f64;
/// One Adam step over n scalars, as torch.optim.Adam: g' = g + λp (when λ ≠ 0),
/// m' = β₁m + (1-β₁)g', v' = β₂v + (1-β₂)g'², p' = p - step_size·m' / (√(v'/correction2) + ε),
/// each operation rounded on its own (equal to the tensor operations it replaces).
/// The outputs may alias their own inputs (p_out p, m_out m, v_out v).
void wengert_adam_f32(const wengert_adam_settings_f32 *s, const float *p, const float *g, const float *m, const float *v,
                      float *p_out, float *m_out, float *v_out, long n);
void wengert_adam_f64(const wengert_adam_settings_f64 *s, const double *p, const double *g, const double *m, const double *v,
                      double *p_out, double *m_out, double *v_out, long n);

/// Backward rules of elementwise functions: out[i] = g[i]·p(v[i]), 0 where g[i] or the
/// partial is 0 (the chain rule's convention), with the partial p as the scalar table
/// computes it: tanh from its value t (1 - t²), relu from its input (1 for x > 0 or NaN,
/// else 0), exp from its value (eˣ itself), the square from its input (2x, so that
/// it equals the product 2 * x then the chain). `out` may alias `g` or `v`.
typedef enum { WENGERT_PARTIAL_TANH, WENGERT_PARTIAL_RELU, WENGERT_PARTIAL_EXP, WENGERT_PARTIAL_SQUARE } wengert_partial_op;
void wengert_unary_backward_f32(int op, const float *g, const float *v, float *out, long n);
void wengert_unary_backward_f64(int op, const double *g, const double *v, double *out, long n);

/// Elementwise functions, out[i] = f(x[i]) (`out` may alias `x`). The first group is
/// vectorised (AVX-512, AVX2 or portable, computed in double precision for both types);
/// the last five run libm per element. Large arrays are split across the kernel threads.
typedef enum {
    WENGERT_UNARY_EXP, WENGERT_UNARY_EXPM1, WENGERT_UNARY_LOG, WENGERT_UNARY_LOG1P, WENGERT_UNARY_LOG2,
    WENGERT_UNARY_LOG10, WENGERT_UNARY_SIN, WENGERT_UNARY_COS, WENGERT_UNARY_TAN, WENGERT_UNARY_TANH,
    WENGERT_UNARY_SIGMOID, WENGERT_UNARY_SOFTPLUS, WENGERT_UNARY_SINH, WENGERT_UNARY_COSH, WENGERT_UNARY_SQRT,
    WENGERT_UNARY_ABS, WENGERT_UNARY_RELU, WENGERT_UNARY_NEGATE,
    WENGERT_UNARY_ASIN, WENGERT_UNARY_ACOS, WENGERT_UNARY_ATAN, WENGERT_UNARY_CBRT, WENGERT_UNARY_ERF,
    WENGERT_UNARY_COUNT
} wengert_unary_op;
void wengert_unary_f32(int op, const float *x, float *out, long n);
void wengert_unary_f64(int op, const double *x, double *out, long n);

/// The sum of x[0..<n], accumulated in double precision lanes for f32.
double wengert_sum_f32(const float *x, long n);
double wengert_sum_f64(const double *x, long n);

/// Σ chain(g[i], p[i]), chain(g, p) = g·p but 0 where either is 0, rounded as the chain
/// kernel's values and summed in the lanes of wengert_sum: equal to the chain kernel
/// (op 4 of wengert_binary) followed by wengert_sum, without the array between.
double wengert_chain_sum_f32(const float *g, const float *p, long n);
double wengert_chain_sum_f64(const double *g, const double *p, long n);

/// out[o·inner + i] = Σ_s x[(o·size + s)·inner + i]: a sum along the middle axis of a
/// row-major [outer, size, inner] array (0 when size is 0), in the order s = 0, 1, ...
void wengert_sum_axis_f32(const float *x, long outer, long size, long inner, float *out);
void wengert_sum_axis_f64(const double *x, long outer, long size, long inner, double *out);

/// The steps of a fused elementwise program (Fused.c). An operand k >= 0 is step k's
/// value, -1 - j is input j; the program's value is its last step's. Binary steps read
/// operands `a` and `b`, unary ones `a` (`b` is INT32_MIN);
/// WENGERT_FUSED_UNARY applies `unary`, a wengert_unary_op among exp, log, sin, cos,
/// tanh, sigmoid, sqrt, abs, relu and negate; WENGERT_FUSED_CONSTANT's value is
/// `constant` (its `a` is ignored).
typedef enum {
    WENGERT_FUSED_ADD, WENGERT_FUSED_SUBTRACT, WENGERT_FUSED_MULTIPLY, WENGERT_FUSED_DIVIDE,
    WENGERT_FUSED_SQUARE, WENGERT_FUSED_UNARY, WENGERT_FUSED_CONSTANT
} wengert_fused_op;
typedef struct {
    int32_t op, a, b, unary;
    double constant;
} wengert_fused_step;

/// Runs `program` over n positions: input j holds input_count[j] scalars, n (read at
/// each position) or 1 (broadcast). Writes the value at each position to `out` when it
/// is not NULL, and their sum (in double precision) to `*sum` when that is not NULL.
/// When `values` is not NULL (steps·n scalars), each step that varies by position keeps
/// its values there (step k's at values + k·n), for wengert_fused_backward to read
/// instead of recomputing them. Each step's values equal the library's kernel for it
/// (wengert_binary, wengert_unary) to the bit. Uses the calling thread's scratch memory.
void wengert_fused_forward_f32(const wengert_fused_step *program, long steps, long inputs, const float *const *input,
                               const long *input_count, long n, float *out, double *sum, float *values);
void wengert_fused_forward_f64(const wengert_fused_step *program, long steps, long inputs, const double *const *input,
                               const long *input_count, long n, double *out, double *sum, double *values);
/// The cotangent of each input of `program` (as in wengert_fused_forward) given the
/// cotangent g of its value (g[i·inc_g], inc_g 0 or 1), written to grad[j]
/// (input_count[j] scalars; an input of one scalar broadcast over n > 1 positions gets
/// the sum over them); grad[j] NULL skips input j. The chain rule's convention: a zero
/// cotangent passes nothing through an infinite partial. `values` is what the forward
/// pass kept there, or NULL to recompute the steps block by block.
void wengert_fused_backward_f32(const wengert_fused_step *program, long steps, long inputs, const float *const *input,
                                const long *input_count, long n, const float *g, long inc_g, float *const *grad,
                                const float *values);
void wengert_fused_backward_f64(const wengert_fused_step *program, long steps, long inputs, const double *const *input,
                                const long *input_count, long n, const double *g, long inc_g, double *const *grad,
                                const double *values);

/// Row-major C[m x n] (+)= A[m x k] * B[k x n]; `accumulate` 0 overwrites C.
void wengert_gemm_f32(long m, long n, long k, const float *a, const float *b, float *c, int accumulate);
void wengert_gemm_f64(long m, long n, long k, const double *a, const double *b, double *c, int accumulate);

/// Row-major C (+)= op(A)·op(B) with C m x n (row stride ldc), op(A) m x k and op(B) k x n.
/// op(A) is A (A(i,p) = a[i·lda + p]) when trans_a is 0, else Aᵀ (A(i,p) = a[p·lda + i]);
/// likewise B(p,j) = b[p·ldb + j] or b[j·ldb + p]. So the backward products g·Bᵀ and
/// Aᵀ·g read A and B in place, with no transposed copy. Packed panels, cache blocking,
/// AVX-512 / AVX2+FMA / portable micro-kernels, split across the thread pool when large.
void wengert_gemm_strided_f32(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda,
                              const float *b, long ldb, float *c, long ldc, int accumulate);
void wengert_gemm_strided_f64(int trans_a, int trans_b, long m, long n, long k, const double *a, long lda,
                              const double *b, long ldb, double *c, long ldc, int accumulate);

/// The instruction set the kernels use on the calling thread: 2 AVX-512F, 1 AVX2+FMA,
/// 0 portable. The process-wide level is the best the CPU has, or lower when the
/// WENGERT_KERNEL_LEVEL environment variable (avx512, avx2, portable) asks for it.
int wengert_kernel_level(void);
/// The best level the CPU supports.
int wengert_kernel_level_supported(void);
/// Forces the calling thread's kernels to `level` (capped at the CPU's; -1 restores the
/// process-wide level) and returns the previous level. For tests of every path.
int wengert_set_thread_kernel_level(int level);

/// The kernels' thread count (WENGERT_THREADS, else the online CPUs).
int wengert_thread_count(void);
/// Sets the kernels' thread count (<= 0: back to the default) and returns the previous one.
int wengert_set_thread_count(int count);

/// Floating-point operations in one iteration of `wengert_fma_peak` on one thread, at the
/// calling thread's kernel level.
long wengert_fma_peak_flops_per_iteration(void);
/// Runs `parts` copies of a loop of `iterations` independent fused multiply-adds (Float, the
/// widest vectors of the kernel level, no memory traffic) on the kernel threads, and
/// returns a value that depends on them all: the cores' peak, for measurements.
float wengert_fma_peak(long iterations, long parts);

/// The plain memory copy used as the bandwidth reference in measurements.
void wengert_copy_bytes(void *destination, const void *source, long count);
/// Sets `count` bytes at `destination` to zero (memset: the zero padding of a cotangent).
void wengert_zero_bytes(void *destination, long count);

#ifdef __cplusplus
}
#endif

#endif

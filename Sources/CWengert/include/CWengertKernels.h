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

/// Elementwise binary operations: 0 add, 1 subtract, 2 multiply, 3 divide.
/// out[i] = a[i * inc_a] op b[i * inc_b] for i < n; inc_a and inc_b are 0 (a scalar
/// operand) or 1. `out` may alias `a` or `b`.
void wengert_binary_f32(int op, const float *a, long inc_a, const float *b, long inc_b, float *out, long n);
void wengert_binary_f64(int op, const double *a, long inc_a, const double *b, long inc_b, double *out, long n);

/// The sum of x[0..<n], accumulated in double precision lanes for f32.
double wengert_sum_f32(const float *x, long n);
double wengert_sum_f64(const double *x, long n);

/// Row-major C[m x n] (+)= A[m x k] * B[k x n]; `accumulate` 0 overwrites C.
void wengert_gemm_f32(long m, long n, long k, const float *a, const float *b, float *c, int accumulate);
void wengert_gemm_f64(long m, long n, long k, const double *a, const double *b, double *c, int accumulate);

/// The plain memory copy used as the bandwidth reference in measurements.
void wengert_copy_bytes(void *destination, const void *source, long count);

#ifdef __cplusplus
}
#endif

#endif

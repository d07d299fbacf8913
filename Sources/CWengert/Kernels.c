// Dense kernels behind Tensor<Float> and Tensor<Double> (see CWengertKernels.h).
//
// Swift's SIMD types compile to SSE under default flags (shared/NOTES.md), so the hot
// loops live here, compiled three times with __attribute__((target(...))) and chosen once
// per process by CPU feature. The elementwise loops are simple enough for clang's loop
// vectoriser; the GEMM micro-kernel uses intrinsics so its register blocking is explicit.

#include "CWengertKernels.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define WENGERT_X86 1
#else
#define WENGERT_X86 0
#endif

static int wengert_level = -1; // 2 avx512f, 1 avx2+fma, 0 portable

static int wengert_kernel_level(void) {
    int level = __atomic_load_n(&wengert_level, __ATOMIC_RELAXED);
    if (level < 0) {
        extern int wengert_cpu_has_avx512f(void);
        extern int wengert_cpu_has_avx2_fma(void);
        level = wengert_cpu_has_avx512f() ? 2 : (wengert_cpu_has_avx2_fma() ? 1 : 0);
        __atomic_store_n(&wengert_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

void wengert_copy_bytes(void *destination, const void *source, long count) {
    memcpy(destination, source, (size_t)count);
}

// One body per scalar type and instruction set: the loop with both increments known
// lets the vectoriser emit unit-stride or broadcast code without run-time checks.
#define WENGERT_BINARY_BODY(T)                                                           \
    if (inc_a == 1 && inc_b == 1) {                                                      \
        switch (op) {                                                                    \
        case 0: for (long i = 0; i < n; i++) out[i] = a[i] + b[i]; break;                \
        case 1: for (long i = 0; i < n; i++) out[i] = a[i] - b[i]; break;                \
        case 2: for (long i = 0; i < n; i++) out[i] = a[i] * b[i]; break;                \
        default: for (long i = 0; i < n; i++) out[i] = a[i] / b[i]; break;               \
        }                                                                                \
    } else if (inc_a == 1) {                                                             \
        const T s = b[0];                                                                \
        switch (op) {                                                                    \
        case 0: for (long i = 0; i < n; i++) out[i] = a[i] + s; break;                   \
        case 1: for (long i = 0; i < n; i++) out[i] = a[i] - s; break;                   \
        case 2: for (long i = 0; i < n; i++) out[i] = a[i] * s; break;                   \
        default: for (long i = 0; i < n; i++) out[i] = a[i] / s; break;                  \
        }                                                                                \
    } else if (inc_b == 1) {                                                             \
        const T s = a[0];                                                                \
        switch (op) {                                                                    \
        case 0: for (long i = 0; i < n; i++) out[i] = s + b[i]; break;                   \
        case 1: for (long i = 0; i < n; i++) out[i] = s - b[i]; break;                   \
        case 2: for (long i = 0; i < n; i++) out[i] = s * b[i]; break;                   \
        default: for (long i = 0; i < n; i++) out[i] = s / b[i]; break;                  \
        }                                                                                \
    } else {                                                                             \
        T r;                                                                             \
        switch (op) {                                                                    \
        case 0: r = a[0] + b[0]; break;                                                  \
        case 1: r = a[0] - b[0]; break;                                                  \
        case 2: r = a[0] * b[0]; break;                                                  \
        default: r = a[0] / b[0]; break;                                                 \
        }                                                                                \
        for (long i = 0; i < n; i++) out[i] = r;                                         \
    }

#define WENGERT_DEFINE_BINARY(T, SUFFIX)                                                                   \
    static void binary_##SUFFIX##_portable(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) { WENGERT_BINARY_BODY(T) } \
    WENGERT_TARGET_AVX2 static void binary_##SUFFIX##_avx2(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) { WENGERT_BINARY_BODY(T) } \
    WENGERT_TARGET_AVX512 static void binary_##SUFFIX##_avx512(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) { WENGERT_BINARY_BODY(T) } \
    void wengert_binary_##SUFFIX(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) {   \
        switch (wengert_kernel_level()) {                                                                   \
        case 2: binary_##SUFFIX##_avx512(op, a, inc_a, b, inc_b, out, n); break;                            \
        case 1: binary_##SUFFIX##_avx2(op, a, inc_a, b, inc_b, out, n); break;                              \
        default: binary_##SUFFIX##_portable(op, a, inc_a, b, inc_b, out, n); break;                         \
        }                                                                                                   \
    }

#if WENGERT_X86
#define WENGERT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define WENGERT_TARGET_AVX512 __attribute__((target("avx512f,fma"), min_vector_width(512)))
#else
#define WENGERT_TARGET_AVX2
#define WENGERT_TARGET_AVX512
#endif

WENGERT_DEFINE_BINARY(float, f32)
WENGERT_DEFINE_BINARY(double, f64)

// Sums use eight independent partial sums so the additions pipeline and vectorise
// without -ffast-math (which would let the compiler reassociate the single sum).
double wengert_sum_f32(const float *x, long n) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) s[j] += (double)x[i + j];
    for (; i < n; i++) s[0] += (double)x[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

double wengert_sum_f64(const double *x, long n) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) s[j] += x[i + j];
    for (; i < n; i++) s[0] += x[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// GEMM: a plain i-p-j loop (broadcast A[i,p], stream a row of B) for the edges and the
// portable path; on AVX-512 a 4 x 32 (f32) or 4 x 16 (f64) register block of C that
// stays in eight zmm accumulators across the whole k loop.
#define WENGERT_GEMM_REFERENCE(T)                                                        \
    for (long i = i0; i < m; i++) {                                                      \
        T *crow = c + i * n;                                                             \
        if (!accumulate) for (long j = j0; j < n; j++) crow[j] = 0;                      \
        for (long p = 0; p < k; p++) {                                                   \
            const T aip = a[i * k + p];                                                  \
            const T *brow = b + p * n;                                                   \
            for (long j = j0; j < n; j++) crow[j] += aip * brow[j];                      \
        }                                                                                \
    }

static void gemm_f32_tail(long i0, long j0, long m, long n, long k, const float *a, const float *b, float *c, int accumulate) {
    WENGERT_GEMM_REFERENCE(float)
}
static void gemm_f64_tail(long i0, long j0, long m, long n, long k, const double *a, const double *b, double *c, int accumulate) {
    WENGERT_GEMM_REFERENCE(double)
}

#if WENGERT_X86
WENGERT_TARGET_AVX512 static void gemm_f32_avx512(long m, long n, long k, const float *a, const float *b, float *c, int accumulate) {
    long mb = m - m % 4, nb = n - n % 32;
    for (long i = 0; i < mb; i += 4) {
        for (long j = 0; j < nb; j += 32) {
            __m512 c00, c01, c10, c11, c20, c21, c30, c31;
            if (accumulate) {
                c00 = _mm512_loadu_ps(c + (i + 0) * n + j); c01 = _mm512_loadu_ps(c + (i + 0) * n + j + 16);
                c10 = _mm512_loadu_ps(c + (i + 1) * n + j); c11 = _mm512_loadu_ps(c + (i + 1) * n + j + 16);
                c20 = _mm512_loadu_ps(c + (i + 2) * n + j); c21 = _mm512_loadu_ps(c + (i + 2) * n + j + 16);
                c30 = _mm512_loadu_ps(c + (i + 3) * n + j); c31 = _mm512_loadu_ps(c + (i + 3) * n + j + 16);
            } else {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = _mm512_setzero_ps();
            }
            for (long p = 0; p < k; p++) {
                __m512 b0 = _mm512_loadu_ps(b + p * n + j), b1 = _mm512_loadu_ps(b + p * n + j + 16);
                __m512 a0 = _mm512_set1_ps(a[(i + 0) * k + p]);
                __m512 a1 = _mm512_set1_ps(a[(i + 1) * k + p]);
                __m512 a2 = _mm512_set1_ps(a[(i + 2) * k + p]);
                __m512 a3 = _mm512_set1_ps(a[(i + 3) * k + p]);
                c00 = _mm512_fmadd_ps(a0, b0, c00); c01 = _mm512_fmadd_ps(a0, b1, c01);
                c10 = _mm512_fmadd_ps(a1, b0, c10); c11 = _mm512_fmadd_ps(a1, b1, c11);
                c20 = _mm512_fmadd_ps(a2, b0, c20); c21 = _mm512_fmadd_ps(a2, b1, c21);
                c30 = _mm512_fmadd_ps(a3, b0, c30); c31 = _mm512_fmadd_ps(a3, b1, c31);
            }
            _mm512_storeu_ps(c + (i + 0) * n + j, c00); _mm512_storeu_ps(c + (i + 0) * n + j + 16, c01);
            _mm512_storeu_ps(c + (i + 1) * n + j, c10); _mm512_storeu_ps(c + (i + 1) * n + j + 16, c11);
            _mm512_storeu_ps(c + (i + 2) * n + j, c20); _mm512_storeu_ps(c + (i + 2) * n + j + 16, c21);
            _mm512_storeu_ps(c + (i + 3) * n + j, c30); _mm512_storeu_ps(c + (i + 3) * n + j + 16, c31);
        }
    }
    // Right edge (columns nb..<n) for the blocked rows, then the bottom rows entirely.
    if (nb < n) for (long i = 0; i < mb; i += 4) gemm_f32_tail(i, nb, i + 4, n, k, a, b, c, accumulate);
    if (mb < m) gemm_f32_tail(mb, 0, m, n, k, a, b, c, accumulate);
}

WENGERT_TARGET_AVX512 static void gemm_f64_avx512(long m, long n, long k, const double *a, const double *b, double *c, int accumulate) {
    long mb = m - m % 4, nb = n - n % 16;
    for (long i = 0; i < mb; i += 4) {
        for (long j = 0; j < nb; j += 16) {
            __m512d c00, c01, c10, c11, c20, c21, c30, c31;
            if (accumulate) {
                c00 = _mm512_loadu_pd(c + (i + 0) * n + j); c01 = _mm512_loadu_pd(c + (i + 0) * n + j + 8);
                c10 = _mm512_loadu_pd(c + (i + 1) * n + j); c11 = _mm512_loadu_pd(c + (i + 1) * n + j + 8);
                c20 = _mm512_loadu_pd(c + (i + 2) * n + j); c21 = _mm512_loadu_pd(c + (i + 2) * n + j + 8);
                c30 = _mm512_loadu_pd(c + (i + 3) * n + j); c31 = _mm512_loadu_pd(c + (i + 3) * n + j + 8);
            } else {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = _mm512_setzero_pd();
            }
            for (long p = 0; p < k; p++) {
                __m512d b0 = _mm512_loadu_pd(b + p * n + j), b1 = _mm512_loadu_pd(b + p * n + j + 8);
                __m512d a0 = _mm512_set1_pd(a[(i + 0) * k + p]);
                __m512d a1 = _mm512_set1_pd(a[(i + 1) * k + p]);
                __m512d a2 = _mm512_set1_pd(a[(i + 2) * k + p]);
                __m512d a3 = _mm512_set1_pd(a[(i + 3) * k + p]);
                c00 = _mm512_fmadd_pd(a0, b0, c00); c01 = _mm512_fmadd_pd(a0, b1, c01);
                c10 = _mm512_fmadd_pd(a1, b0, c10); c11 = _mm512_fmadd_pd(a1, b1, c11);
                c20 = _mm512_fmadd_pd(a2, b0, c20); c21 = _mm512_fmadd_pd(a2, b1, c21);
                c30 = _mm512_fmadd_pd(a3, b0, c30); c31 = _mm512_fmadd_pd(a3, b1, c31);
            }
            _mm512_storeu_pd(c + (i + 0) * n + j, c00); _mm512_storeu_pd(c + (i + 0) * n + j + 8, c01);
            _mm512_storeu_pd(c + (i + 1) * n + j, c10); _mm512_storeu_pd(c + (i + 1) * n + j + 8, c11);
            _mm512_storeu_pd(c + (i + 2) * n + j, c20); _mm512_storeu_pd(c + (i + 2) * n + j + 8, c21);
            _mm512_storeu_pd(c + (i + 3) * n + j, c30); _mm512_storeu_pd(c + (i + 3) * n + j + 8, c31);
        }
    }
    if (nb < n) for (long i = 0; i < mb; i += 4) gemm_f64_tail(i, nb, i + 4, n, k, a, b, c, accumulate);
    if (mb < m) gemm_f64_tail(mb, 0, m, n, k, a, b, c, accumulate);
}

WENGERT_TARGET_AVX2 static void gemm_f32_avx2(long m, long n, long k, const float *a, const float *b, float *c, int accumulate) {
    long i0 = 0, j0 = 0;
    WENGERT_GEMM_REFERENCE(float)
}
WENGERT_TARGET_AVX2 static void gemm_f64_avx2(long m, long n, long k, const double *a, const double *b, double *c, int accumulate) {
    long i0 = 0, j0 = 0;
    WENGERT_GEMM_REFERENCE(double)
}
#endif

void wengert_gemm_f32(long m, long n, long k, const float *a, const float *b, float *c, int accumulate) {
#if WENGERT_X86
    switch (wengert_kernel_level()) {
    case 2: gemm_f32_avx512(m, n, k, a, b, c, accumulate); return;
    case 1: gemm_f32_avx2(m, n, k, a, b, c, accumulate); return;
    default: break;
    }
#endif
    gemm_f32_tail(0, 0, m, n, k, a, b, c, accumulate);
}

void wengert_gemm_f64(long m, long n, long k, const double *a, const double *b, double *c, int accumulate) {
#if WENGERT_X86
    switch (wengert_kernel_level()) {
    case 2: gemm_f64_avx512(m, n, k, a, b, c, accumulate); return;
    case 1: gemm_f64_avx2(m, n, k, a, b, c, accumulate); return;
    default: break;
    }
#endif
    gemm_f64_tail(0, 0, m, n, k, a, b, c, accumulate);
}

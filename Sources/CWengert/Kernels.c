// Dense kernels behind Tensor<Float> and Tensor<Double> (see CWengertKernels.h).
//
// Swift's SIMD types compile to SSE under default flags (docs/measurements.md), so the hot
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
// portable path; on AVX-512 a register-blocked micro-kernel (below).
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
// The AVX-512 micro-kernel keeps a ROWS x (2 vectors) block of C in 2·ROWS zmm
// accumulators across the whole k loop: per k step two loads of B, ROWS broadcasts of A
// and 2·ROWS fused multiply-adds. Six rows give twelve independent accumulators, enough
// to cover the FMA latency; the constant-bound loops are fully unrolled by clang.
#define WENGERT_GEMM_ROWS 6
#define WENGERT_DEFINE_GEMM_AVX512(T, SUFFIX, VEC, LANES, LOAD, STORE, SET1, ZERO, FMA)                  \
    WENGERT_TARGET_AVX512 static void gemm_##SUFFIX##_avx512(long m, long n, long k, const T *a,          \
                                                             const T *b, T *c, int accumulate) {         \
        const long R = WENGERT_GEMM_ROWS;                                                                \
        long mb = m - m % R, nb = n - n % (2 * LANES);                                                   \
        for (long i = 0; i < mb; i += R) {                                                               \
            for (long j = 0; j < nb; j += 2 * LANES) {                                                   \
                VEC acc[WENGERT_GEMM_ROWS][2];                                                           \
                for (int r = 0; r < WENGERT_GEMM_ROWS; r++) {                                            \
                    acc[r][0] = accumulate ? LOAD(c + (i + r) * n + j) : ZERO();                         \
                    acc[r][1] = accumulate ? LOAD(c + (i + r) * n + j + LANES) : ZERO();                 \
                }                                                                                        \
                for (long p = 0; p < k; p++) {                                                           \
                    VEC b0 = LOAD(b + p * n + j), b1 = LOAD(b + p * n + j + LANES);                      \
                    for (int r = 0; r < WENGERT_GEMM_ROWS; r++) {                                        \
                        VEC ar = SET1(a[(i + r) * k + p]);                                               \
                        acc[r][0] = FMA(ar, b0, acc[r][0]);                                              \
                        acc[r][1] = FMA(ar, b1, acc[r][1]);                                              \
                    }                                                                                    \
                }                                                                                        \
                for (int r = 0; r < WENGERT_GEMM_ROWS; r++) {                                            \
                    STORE(c + (i + r) * n + j, acc[r][0]);                                               \
                    STORE(c + (i + r) * n + j + LANES, acc[r][1]);                                       \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
        /* Right edge (columns nb..<n) of the blocked rows, then the bottom rows. */                     \
        if (nb < n) for (long i = 0; i < mb; i += R) gemm_##SUFFIX##_tail(i, nb, i + R, n, k, a, b, c, accumulate); \
        if (mb < m) gemm_##SUFFIX##_tail(mb, 0, m, n, k, a, b, c, accumulate);                           \
    }

WENGERT_DEFINE_GEMM_AVX512(float, f32, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps,
                           _mm512_setzero_ps, _mm512_fmadd_ps)
WENGERT_DEFINE_GEMM_AVX512(double, f64, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd,
                           _mm512_setzero_pd, _mm512_fmadd_pd)

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

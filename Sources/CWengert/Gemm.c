// GEMM for Tensor<Float> and Tensor<Double> (see CWengertKernels.h): the Goto/BLIS
// scheme. C is walked in column blocks of NC, the inner dimension in blocks of KC, and
// rows in blocks of MC; each (KC x NC) block of B and (MC x KC) block of A is copied once
// into contiguous panels of NR columns / MR rows (padded with zeros), so the micro-kernel
// reads both operands with unit stride whatever the transposition flags, and the B panel
// it sweeps stays in L1 while the A block stays in L2.
//
// The micro-kernel keeps an MR x NR tile of C in registers across the KC loop: per step
// NR/LANES vector loads of B, MR broadcasts of A and MR·NR/LANES fused multiply-adds.
// AVX-512: 12 x 32 floats / 12 x 16 doubles (24 zmm accumulators of 32). AVX2: 6 x 16 /
// 6 x 8 (12 ymm accumulators of 16). Portable: a 4 x 8 scalar tile clang vectorises to
// whatever the baseline has. The level comes from wengert_kernel_level (Dispatch.c).
//
// Large products are split across the thread pool (ThreadPool.c) by rows or columns of C,
// each part an independent GEMM with its own per-thread packing buffers.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Blocking. KC·NR·sizeof(T) is the B micro-panel the micro-kernel sweeps per tile
// (256·32·4 = 32 KiB: L1 is 48 KiB here), MC·KC·sizeof(T) the packed A block (L2).
#define KC_F32 256
#define KC_F64 256
#define MC_F32 192
#define MC_F64 96
#define NC_ALL 3072

typedef struct {
    int level, trans_a, trans_b, accumulate;
    long m, n, k, lda, ldb, ldc;
    const void *a, *b;
    void *c;
    long parts, split_rows, step; // the split: `parts` blocks of `step` rows or columns
} gemm_job;

// ---------------------------------------------------------------------------------------
// Packing, generic over the element type and the tile shape.

#define DEFINE_PACK(T, SUFFIX)                                                                         \
    /* ap[(i/mr)·mr·kc + p·mr + r] = A(i0 + i, p0 + p), zero beyond m. */                              \
    static void pack_a_##SUFFIX(int trans, const T *a, long lda, long i0, long mc, long p0, long kc,  \
                                long mr, T *ap) {                                                      \
        for (long i = 0; i < mc; i += mr) {                                                            \
            long rows = mc - i < mr ? mc - i : mr;                                                     \
            T *dst = ap + i * kc;                                                                      \
            if (!trans) {                                                                              \
                for (long r = 0; r < rows; r++) {                                                      \
                    const T *src = a + (i0 + i + r) * lda + p0;                                        \
                    for (long p = 0; p < kc; p++) dst[p * mr + r] = src[p];                            \
                }                                                                                      \
            } else {                                                                                   \
                for (long p = 0; p < kc; p++) {                                                        \
                    const T *src = a + (p0 + p) * lda + i0 + i;                                        \
                    for (long r = 0; r < rows; r++) dst[p * mr + r] = src[r];                          \
                }                                                                                      \
            }                                                                                          \
            if (rows < mr)                                                                             \
                for (long p = 0; p < kc; p++)                                                          \
                    for (long r = rows; r < mr; r++) dst[p * mr + r] = 0;                              \
        }                                                                                              \
    }                                                                                                  \
    /* bp[(j/nr)·nr·kc + p·nr + c] = B(p0 + p, j0 + j), zero beyond n. */                              \
    static void pack_b_##SUFFIX(int trans, const T *b, long ldb, long p0, long kc, long j0, long nc,  \
                                long nr, T *bp) {                                                      \
        for (long j = 0; j < nc; j += nr) {                                                            \
            long cols = nc - j < nr ? nc - j : nr;                                                     \
            T *dst = bp + j * kc;                                                                      \
            if (!trans) {                                                                              \
                for (long p = 0; p < kc; p++) {                                                        \
                    const T *src = b + (p0 + p) * ldb + j0 + j;                                        \
                    long c = 0;                                                                        \
                    for (; c < cols; c++) dst[p * nr + c] = src[c];                                    \
                    for (; c < nr; c++) dst[p * nr + c] = 0;                                           \
                }                                                                                      \
            } else {                                                                                   \
                for (long c = 0; c < cols; c++) {                                                      \
                    const T *src = b + (j0 + j + c) * ldb + p0;                                        \
                    for (long p = 0; p < kc; p++) dst[p * nr + c] = src[p];                            \
                }                                                                                      \
                for (long c = cols; c < nr; c++)                                                       \
                    for (long p = 0; p < kc; p++) dst[p * nr + c] = 0;                                 \
            }                                                                                          \
        }                                                                                              \
    }

DEFINE_PACK(float, f32)
DEFINE_PACK(double, f64)

// ---------------------------------------------------------------------------------------
// Micro-kernels: c[r·ldc + j] (+)= Σ_p ap[p·MR + r]·bp[p·NR + j] for r < mr, j < nr.
// A full tile is stored straight to C; an edge tile goes through a local buffer.

#define DEFINE_PORTABLE_UKR(T, SUFFIX)                                                                 \
    enum { MR_PORT_##SUFFIX = 4, NR_PORT_##SUFFIX = 8 };                                              \
    static void ukr_portable_##SUFFIX(long kc, const T *ap, const T *bp, T *c, long ldc, int beta,    \
                                      long mr, long nr) {                                              \
        T acc[4][8];                                                                                   \
        for (int r = 0; r < 4; r++)                                                                    \
            for (int j = 0; j < 8; j++) acc[r][j] = 0;                                                 \
        for (long p = 0; p < kc; p++)                                                                  \
            for (int r = 0; r < 4; r++)                                                                \
                for (int j = 0; j < 8; j++) acc[r][j] += ap[p * 4 + r] * bp[p * 8 + j];                \
        for (long r = 0; r < mr; r++)                                                                  \
            for (long j = 0; j < nr; j++) c[r * ldc + j] = beta ? c[r * ldc + j] + acc[r][j] : acc[r][j]; \
    }

DEFINE_PORTABLE_UKR(float, f32)
DEFINE_PORTABLE_UKR(double, f64)

#if defined(__x86_64__)
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TARGET_AVX512 __attribute__((target("avx512f,fma"), min_vector_width(512)))

// MR rows by NV vectors of LANES: MR·NV accumulators, NV loads and MR broadcasts per step.
#define UNROLL _Pragma("clang loop unroll(full)")
#define DEFINE_SIMD_UKR(NAME, TARGET, T, VEC, LANES, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)         \
    TARGET static void NAME(long kc, const T *restrict ap, const T *restrict bp, T *restrict c, long ldc, \
                            int beta, long mr, long nr) {                                              \
        VEC acc[MR][NV];                                                                               \
        /* C rows are far apart (and past L2 for large C): fetch them during the k loop. */           \
        UNROLL for (int r = 0; r < MR; r++) {                                                          \
            __builtin_prefetch((const char *)(c + r * ldc), 1, 3);                                     \
            __builtin_prefetch((const char *)(c + r * ldc) + 64, 1, 3);                                \
        }                                                                                              \
        UNROLL for (int r = 0; r < MR; r++)                                                            \
            UNROLL for (int v = 0; v < NV; v++) acc[r][v] = ZERO();                                           \
        for (long p = 0; p < kc; p++) {                                                                \
            VEC bv[NV];                                                                                \
            UNROLL for (int v = 0; v < NV; v++) bv[v] = LOAD(bp + p * (NV * LANES) + v * LANES);              \
            UNROLL for (int r = 0; r < MR; r++) {                                                           \
                VEC ar = SET1(ap[p * MR + r]);                                                         \
                UNROLL for (int v = 0; v < NV; v++) acc[r][v] = FMA(ar, bv[v], acc[r][v]);                    \
            }                                                                                          \
        }                                                                                              \
        if (mr == MR && nr == NV * LANES) {                                                            \
            UNROLL for (int r = 0; r < MR; r++)                                                        \
                UNROLL for (int v = 0; v < NV; v++) {                                                       \
                    T *dst = c + r * ldc + v * LANES;                                                  \
                    STORE(dst, beta ? ADD(LOAD(dst), acc[r][v]) : acc[r][v]);                          \
                }                                                                                      \
            return;                                                                                    \
        }                                                                                              \
        T tile[MR * NV * LANES] __attribute__((aligned(64)));                                          \
        UNROLL for (int r = 0; r < MR; r++)                                                            \
            UNROLL for (int v = 0; v < NV; v++) STORE(tile + r * NV * LANES + v * LANES, acc[r][v]);          \
        for (long r = 0; r < mr; r++)                                                                  \
            for (long j = 0; j < nr; j++)                                                              \
                c[r * ldc + j] = beta ? c[r * ldc + j] + tile[r * NV * LANES + j] : tile[r * NV * LANES + j]; \
    }

DEFINE_SIMD_UKR(ukr_avx512_f32, TARGET_AVX512, float, __m512, 16, 12, 2, _mm512_loadu_ps, _mm512_storeu_ps,
                _mm512_set1_ps, _mm512_setzero_ps, _mm512_fmadd_ps, _mm512_add_ps)
DEFINE_SIMD_UKR(ukr_avx512_f64, TARGET_AVX512, double, __m512d, 8, 12, 2, _mm512_loadu_pd, _mm512_storeu_pd,
                _mm512_set1_pd, _mm512_setzero_pd, _mm512_fmadd_pd, _mm512_add_pd)
DEFINE_SIMD_UKR(ukr_avx2_f32, TARGET_AVX2, float, __m256, 8, 6, 2, _mm256_loadu_ps, _mm256_storeu_ps,
                _mm256_set1_ps, _mm256_setzero_ps, _mm256_fmadd_ps, _mm256_add_ps)
DEFINE_SIMD_UKR(ukr_avx2_f64, TARGET_AVX2, double, __m256d, 4, 6, 2, _mm256_loadu_pd, _mm256_storeu_pd,
                _mm256_set1_pd, _mm256_setzero_pd, _mm256_fmadd_pd, _mm256_add_pd)
#endif

// ---------------------------------------------------------------------------------------
// The blocked driver for one part of C, and the split across threads.

#define DEFINE_DRIVER(T, SUFFIX, KC, MC)                                                               \
    typedef void (*ukr_##SUFFIX##_fn)(long, const T *, const T *, T *, long, int, long, long);         \
    static void gemm_serial_##SUFFIX(int level, int ta, int tb, long m, long n, long k, const T *a,   \
                                     long lda, const T *b, long ldb, T *c, long ldc, int accumulate) { \
        long mr = 4, nr = 8;                                                                           \
        ukr_##SUFFIX##_fn ukr = ukr_portable_##SUFFIX;                                                 \
        WENGERT_GEMM_SELECT_##SUFFIX                                                                   \
        if (m <= 0 || n <= 0) return;                                                                  \
        if (k <= 0) {                                                                                  \
            if (!accumulate)                                                                           \
                for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(T));           \
            return;                                                                                    \
        }                                                                                              \
        long mc_max = (MC / mr) * mr, nc_max = (NC_ALL / nr) * nr;                                     \
        long kc_max = k < KC ? k : KC;                                                                 \
        long mcap = m < mc_max ? ((m + mr - 1) / mr) * mr : mc_max;                                    \
        long ncap = n < nc_max ? ((n + nr - 1) / nr) * nr : nc_max;                                    \
        T *ap = (T *)wengert_scratch(0, (size_t)(mcap * kc_max) * sizeof(T));                          \
        T *bp = (T *)wengert_scratch(1, (size_t)(ncap * kc_max) * sizeof(T));                          \
        for (long jc = 0; jc < n; jc += nc_max) {                                                      \
            long nc = n - jc < nc_max ? n - jc : nc_max;                                               \
            for (long pc = 0; pc < k; pc += kc_max) {                                                  \
                long kc = k - pc < kc_max ? k - pc : kc_max;                                           \
                int beta = accumulate || pc > 0;                                                       \
                pack_b_##SUFFIX(tb, b, ldb, pc, kc, jc, nc, nr, bp);                                   \
                for (long ic = 0; ic < m; ic += mc_max) {                                              \
                    long mc = m - ic < mc_max ? m - ic : mc_max;                                       \
                    pack_a_##SUFFIX(ta, a, lda, ic, mc, pc, kc, mr, ap);                               \
                    for (long jr = 0; jr < nc; jr += nr) {                                             \
                        long nrr = nc - jr < nr ? nc - jr : nr;                                        \
                        for (long ir = 0; ir < mc; ir += mr) {                                         \
                            long mrr = mc - ir < mr ? mc - ir : mr;                                    \
                            ukr(kc, ap + ir * kc, bp + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, beta, mrr, nrr); \
                        }                                                                              \
                    }                                                                                  \
                }                                                                                      \
            }                                                                                          \
        }                                                                                              \
    }                                                                                                  \
    static void gemm_part_##SUFFIX(void *context, long part) {                                         \
        const gemm_job *j = (const gemm_job *)context;                                                 \
        const T *a = (const T *)j->a, *b = (const T *)j->b;                                            \
        T *c = (T *)j->c;                                                                              \
        long lo = part * j->step;                                                                      \
        if (j->split_rows) {                                                                           \
            long hi = lo + j->step < j->m ? lo + j->step : j->m;                                       \
            const T *a0 = j->trans_a ? a + lo : a + lo * j->lda;                                       \
            gemm_serial_##SUFFIX(j->level, j->trans_a, j->trans_b, hi - lo, j->n, j->k, a0, j->lda, b, \
                                 j->ldb, c + lo * j->ldc, j->ldc, j->accumulate);                      \
        } else {                                                                                       \
            long hi = lo + j->step < j->n ? lo + j->step : j->n;                                       \
            const T *b0 = j->trans_b ? b + lo * j->ldb : b + lo;                                       \
            gemm_serial_##SUFFIX(j->level, j->trans_a, j->trans_b, j->m, hi - lo, j->k, a, j->lda, b0, \
                                 j->ldb, c + lo, j->ldc, j->accumulate);                               \
        }                                                                                              \
    }                                                                                                  \
    void wengert_gemm_strided_##SUFFIX(int trans_a, int trans_b, long m, long n, long k, const T *a,   \
                                       long lda, const T *b, long ldb, T *c, long ldc, int accumulate) { \
        int level = wengert_kernel_level();                                                            \
        long threads = wengert_parallel_threads((double)m * (double)n * (double)k, 1 << 18);           \
        gemm_job job = {level, trans_a, trans_b, accumulate, m, n, k, lda, ldb, ldc, a, b, c, 1, 1, m};  \
        if (threads > 1) {                                                                             \
            /* Split the longer side of C in equal parts, whole micro-tiles each. */                   \
            long unit = 32;                                                                            \
            job.split_rows = m >= n;                                                                   \
            long side = job.split_rows ? m : n;                                                        \
            long step = (side + threads - 1) / threads;                                                \
            step = ((step + unit - 1) / unit) * unit;                                                  \
            job.step = step;                                                                           \
            job.parts = (side + step - 1) / step;                                                      \
        }                                                                                              \
        if (job.parts > 1) wengert_parallel_run(job.parts, gemm_part_##SUFFIX, &job);                  \
        else gemm_serial_##SUFFIX(level, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);  \
    }                                                                                                  \
    void wengert_gemm_##SUFFIX(long m, long n, long k, const T *a, const T *b, T *c, int accumulate) {  \
        wengert_gemm_strided_##SUFFIX(0, 0, m, n, k, a, k, b, n, c, n, accumulate);                    \
    }

#if defined(__x86_64__)
#define WENGERT_GEMM_SELECT_f32                                                                        \
    if (level == 2) { mr = 12; nr = 32; ukr = ukr_avx512_f32; }                                        \
    else if (level == 1) { mr = 6; nr = 16; ukr = ukr_avx2_f32; }
#define WENGERT_GEMM_SELECT_f64                                                                        \
    if (level == 2) { mr = 12; nr = 16; ukr = ukr_avx512_f64; }                                        \
    else if (level == 1) { mr = 6; nr = 8; ukr = ukr_avx2_f64; }
#else
#define WENGERT_GEMM_SELECT_f32 (void)level;
#define WENGERT_GEMM_SELECT_f64 (void)level;
#endif

DEFINE_DRIVER(float, f32, KC_F32, MC_F32)
DEFINE_DRIVER(double, f64, KC_F64, MC_F64)

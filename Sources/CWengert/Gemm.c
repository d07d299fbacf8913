// GEMM for Tensor<Float> and Tensor<Double> (see CWengertKernels.h): the Goto/BLIS
// scheme. C is walked in column blocks of NC and the inner dimension in blocks of at most
// KC, all of equal size (k = 784 with KC 384 is three blocks of 262, not 384 + 384 + 16).
// Each (KC x NC) block of B is copied once into contiguous panels of NR columns (padded
// with zeros), so the micro-kernel reads it with unit stride whatever the transposition
// flag, and the panel it sweeps stays in L1 while the next one is fetched into L2, a share
// of its lines per tile (so the first tile of a panel does not wait on L3). A is copied
// into panels of MR rows, MC rows at a time (they stay in L2), except when C has at most
// two column panels: each element of A would then be copied to be read once or twice, so
// the micro-kernel broadcasts it from where it lies (a broadcast needs no unit stride).
// Those are the skinny products of a small layer (n = 10) and its backward products: 2x
// faster than packing them.
//
// The micro-kernel keeps an MR x NR tile of C in registers across the KC loop: per step
// NR/LANES vector loads of B, MR broadcasts of A and MR·NR/LANES fused multiply-adds.
// AVX-512: 12 x 32 floats / 12 x 16 doubles (24 zmm accumulators of 32). AVX2: 6 x 16 /
// 6 x 8 (12 ymm accumulators of 16); Double C of 9-12 columns, 3 x 12 AVX2 (narrow_*,
// see gemm_kernels). Portable: a 4 x 8 scalar tile clang vectorises to
// whatever the baseline has. The level comes from wengert_kernel_level (Dispatch.c).
// On AVX2, and for AVX-512 Float, the packed kernel walks a B panel's full tiles in one
// call and fetches C's tile near the end of its k loop; AVX2 Float A and B are packed
// with 32-byte vectors, AVX-512 Float's with copies of their own (the generic copies
// compiled for AVX-512 gained nothing there).
// In L1 the 6 x 16 loop runs at 97-98 % of the multiply-add peak; in the product, one
// thread reaches about 91 %: C's lines and the packing's reads from L3 take the rest.
//
// Threads (ThreadPool.c). Rows split: per (NC, KC) block, B is packed once (by all
// threads together when the block is large), then the rows of C are cut into parts (at
// least four per thread, whole micro-tiles, at most MC rows each) that pack their own A
// rows and sweep the shared B; nothing is packed twice. Columns split, when C has at most
// MC rows (a layer's batch) or A is about the size of L2 (256², on any thread count):
// each part is a product of its own over one column panel, packing its own B, with A (in
// L2) read in place by every thread, so the parts need no common step at all. Parts
// are claimed dynamically, so a worker the system does not schedule in time costs only
// its share. No split changes any element's arithmetic (same KC blocks, same order), so
// every thread count gives the same bits.
//
// The element type enters only through the packing routine and the micro-kernels; the
// driver below handles both through a table (gemm_kernels) and byte offsets.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Blocking. KC·NR·sizeof(T) is the B micro-panel the micro-kernel sweeps per tile and
// keeps in L1, MC·KC·sizeof(T) the packed A block in L2. AVX2 Float: 384·16·4 = 24 KiB
// of a 32 KiB L1 and 120·384·4 = 180 KiB of a 512 KiB L2 (against KC 256 / MC 192:
// 1-2.5 % faster at 512² to 2048² on the AMD EPYC with AVX2 where it was tuned). AVX-512
// Float keeps 256 (its 32-wide panel at KC 384 would be 48 KiB).
#define KC_F32_AVX2 384
#define MC_F32_AVX2 120
#define IN_PLACE_MAX_F32 (576 << 10)
#define KC_ALL 256
#define MC_F32 192
#define MC_F64 96
#define NC_ALL 3072

// Splitting across threads. Column split: at most this many parts (one panel each).
// Row split: at least this many parts per thread. B is packed by all threads together
// only from this many elements a block.
#define COLUMN_PARTS_MAX 64
#define ROW_PARTS_PER_THREAD 4
#define PACK_B_PARALLEL_MIN 65536

// c[r·ldc + j] (+)= Σ_p A(r, p)·bp[p·NR + j] for r < mr, j < nr, where A(r, p) is
// a[r·rsa + p·csa]: rsa = 1, csa = MR for a packed panel, or A's own strides in place.
typedef void (*gemm_ukr)(long kc, const void *a, long rsa, long csa, const void *bp, void *c, long ldc, int beta,
                         long mr, long nr);
// Packs X(i0 + i, p0 + p) for i < len, p < kc into panels of w rows, zero beyond len:
// dst[(i/w)·w·kc + p·w + r] = X(i0 + i + r, p0 + p), with X(i, p) = x[i·ld + p] when
// trans is 0, else x[p·ld + i]. B packs as X = Bᵀ (so its transposition flag flips).
typedef void (*gemm_pack)(int trans, const void *x, long ld, long i0, long len, long p0, long kc, long w, void *dst);

// The full tiles of a packed A (tiles of MR rows from `a`, each kc·MR elements) down one
// whole B panel, C's tiles MR rows apart; fetches the next panel's first `end` bytes at
// `next` into L2, `step` bytes a tile (fetch_share), and returns the bytes fetched.
typedef size_t (*gemm_tiles)(long kc, const void *a, long tiles, const void *bp, void *c, long ldc, int beta,
                             const char *next, size_t step, size_t end);

// One tile's share of the next B panel: its lines from byte `fetched` up to `step` bytes
// further (at most `end`) into L2. Returns how far the panel is fetched.
static inline size_t fetch_share(const char *next, size_t fetched, size_t step, size_t end) {
    for (size_t until = fetched + step < end ? fetched + step : end; fetched < until; fetched += 64)
        __builtin_prefetch(next + fetched, 0, 2);
    return fetched;
}

// The full tiles (MR rows each) of A in place down one B panel of nr columns.
typedef void (*gemm_rows)(long kc, const void *a, long rsa, long csa, long tiles, const void *bp, void *c, long ldc,
                          int beta, long nr);

typedef struct {
    size_t size; // bytes per element
    long mr, nr, kc, mc;
    gemm_pack pack;
    gemm_ukr packed, strided; // over a packed A panel; over A where it lies
    // A kernel of fewer rows (edge_mr, 0 for none) for a last tile of at most that many,
    // over A with any strides (a packed panel's too): 64 rows are 10 tiles of 6 and one
    // of 4, which the 6-row kernel computes as 6 (a third of its work wasted; with 12-row
    // AVX-512 tiles, two thirds).
    long edge_mr;
    gemm_ukr edge;
    // The packed kernel's loop over a B panel's full tiles, NULL for a call a tile.
    gemm_tiles tiles;
    // The most bytes of an untransposed A of one k block that the column split reads in
    // place at any row count (0: only at most MC rows), see gemm().
    size_t in_place_max;
    // A kernel of narrow_mr rows and narrow_nr columns (0 for none) that replaces the
    // whole table when C has more than narrow_min and at most narrow_nr columns: with
    // AVX2, 10 columns of doubles are one 3 x 12 tile per 3 rows (30 of 36 lanes used)
    // instead of a 6 x 8 and a 6 x 8 of which 2 columns count (60 of 96); with AVX-512,
    // instead of a 12 x 16 tile of which 10 columns count (the same AVX2 kernel: a mixture's
    // tensor objective 111 -> 94 µs and gradient 301 -> 257 µs on an AMD EPYC with AVX-512,
    // whose 512-bit multiply-adds run at the rate of two 256-bit ones). 4 x 12 (16 ymm registers
    // with B and the broadcast) had clang spill four accumulators in the k loop: 39
    // instructions a step against 18 for 3 x 12. A is then always read in place (n <= 2·nr).
    // AVX-512 Float C of at most 16 columns (a 10-class output layer and its xᵀ·g) takes
    // the AVX2 6 x 16 kernel the same way, where a 12 x 32 tile had 10 of 32 columns
    // counting: mlp-784-256-10's forward 235-253 -> 228-234 µs, its training step (median
    // of 5 alternated rounds) 370 -> 365 µs on an AMD EPYC with AVX-512. AVX2 Float (16-wide
    // panels) has none: no measured product of 17-24 columns asked for one.
    long narrow_min, narrow_mr, narrow_nr;
    gemm_ukr narrow;
    gemm_pack narrow_pack; // its B panels' packing
    // The narrow kernel over a B panel's full row tiles of A in place, in one call.
    gemm_rows narrow_rows;
} gemm_kernels;

// ---------------------------------------------------------------------------------------
// Packing. The panel width is a constant in each specialisation so the copies unroll.

#define DEFINE_PACK(T, SUFFIX)                                                                         \
    static inline __attribute__((always_inline)) void pack_panels_##SUFFIX(                            \
        int trans, const T *restrict x, long ld, long i0, long len, long p0, long kc, const long w,    \
        T *restrict dst) {                                                                             \
        long full = len / w * w;                                                                       \
        if (trans) {                                                                                   \
            /* Rows of X are contiguous: read each row once, left to right, into every panel. */       \
            for (long p = 0; p < kc; p++) {                                                            \
                const T *s = x + (p0 + p) * ld + i0;                                                   \
                for (long i = 0; i < full; i += w) memcpy(dst + i * kc + p * w, s + i, (size_t)w * sizeof(T)); \
            }                                                                                          \
        } else {                                                                                       \
            /* A transposition: w rows read in step, written interleaved. */                           \
            for (long i = 0; i < full; i += w) {                                                       \
                const T *s[w];                                                                         \
                for (long r = 0; r < w; r++) s[r] = x + (i0 + i + r) * ld + p0;                        \
                for (long p = 0; p < kc; p++)                                                          \
                    for (long r = 0; r < w; r++) dst[i * kc + p * w + r] = s[r][p];                    \
            }                                                                                          \
        }                                                                                              \
        if (full == len) return;                                                                       \
        T *d = dst + full * kc;                                                                        \
        long rows = len - full;                                                                        \
        /* Only the padding is zeroed: a memset of the whole panel first cost as much as the  \
           copy for a [k x 10] B of doubles (two thirds of an 8-wide panel rewritten). */      \
        if (trans)                                                                                     \
            for (long p = 0; p < kc; p++) {                                                            \
                for (long r = 0; r < rows; r++) d[p * w + r] = x[(p0 + p) * ld + i0 + full + r];       \
                for (long r = rows; r < w; r++) d[p * w + r] = 0;                                      \
            }                                                                                          \
        else {                                                                                         \
            for (long r = 0; r < rows; r++)                                                            \
                for (long p = 0; p < kc; p++) d[p * w + r] = x[(i0 + full + r) * ld + p0 + p];         \
            for (long p = 0; p < kc; p++)                                                              \
                for (long r = rows; r < w; r++) d[p * w + r] = 0;                                      \
        }                                                                                              \
    }                                                                                                  \
    static void pack_##SUFFIX(int trans, const void *x, long ld, long i0, long len, long p0, long kc, long w, \
                              void *dst) {                                                             \
        const T *s = (const T *)x;                                                                     \
        T *d = (T *)dst;                                                                               \
        switch (w) {                                                                                   \
        case 4: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 4, d); break;                      \
        case 6: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 6, d); break;                      \
        case 8: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 8, d); break;                      \
        case 12: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 12, d); break;                    \
        case 16: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 16, d); break;                    \
        case 32: pack_panels_##SUFFIX(trans, s, ld, i0, len, p0, kc, 32, d); break;                    \
        default: abort();                                                                              \
        }                                                                                              \
    }

DEFINE_PACK(float, f32)
DEFINE_PACK(double, f64)

#if defined(__x86_64__)
// AVX2 Float packing of the 6 x 16 kernel's panels (the copies above are compiled for
// the baseline, 16-byte vectors). A, untransposed: six rows are read eight columns at a
// time and transposed in registers into eight columns of six, stored as four floats and
// two. B, rows contiguous: 32-byte copies, four panels at a time. Any other width or
// transposition, and a zero-padded last panel, go to pack_f32: the same copies, so the
// same packed bits. Alone, with the source in L3: A 0.43-0.88 -> 0.37-0.40 cycles an
// element, B 0.35-0.82 -> 0.36-0.41 (best of 300-600). In the product the copies wait
// on memory: one thread is unchanged; on two, the packing's share of the samples at
// 512² and 1024² falls from 5.2-7.7 % to 4.2-5.1 %.
WENGERT_TARGET_AVX2 static void pack_a6_avx2_f32(const float *restrict x, long ld, long i0, long full, long p0,
                                                 long kc, float *restrict dst) {
    for (long i = 0; i < full; i += 6) {
        const float *s0 = x + (i0 + i) * ld + p0, *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld, *s4 = s3 + ld,
                    *s5 = s4 + ld;
        float *d = dst + i * kc;
        long p = 0;
        for (; p + 8 <= kc; p += 8, d += 48) {
            __m256 r0 = _mm256_loadu_ps(s0 + p), r1 = _mm256_loadu_ps(s1 + p), r2 = _mm256_loadu_ps(s2 + p);
            __m256 r3 = _mm256_loadu_ps(s3 + p), r4 = _mm256_loadu_ps(s4 + p), r5 = _mm256_loadu_ps(s5 + p);
            // Pairs of rows: (p, p + 1) | (p + 4, p + 5) and (p + 2, p + 3) | (p + 6, p + 7).
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            // Rows 0-3 of columns p, p + 1, p + 2, p + 3 (and + 4 in the upper lane).
            __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m128 lo[6] = {_mm256_castps256_ps128(u0), _mm256_castps256_ps128(u1), _mm256_castps256_ps128(u2),
                            _mm256_castps256_ps128(u3), _mm256_castps256_ps128(t4), _mm256_castps256_ps128(t5)};
            __m128 hi[6] = {_mm256_extractf128_ps(u0, 1), _mm256_extractf128_ps(u1, 1), _mm256_extractf128_ps(u2, 1),
                            _mm256_extractf128_ps(u3, 1), _mm256_extractf128_ps(t4, 1), _mm256_extractf128_ps(t5, 1)};
            for (int h = 0; h < 2; h++) {
                const __m128 *v = h ? hi : lo;
                float *e = d + h * 24;
                _mm_storeu_ps(e, v[0]), _mm_storel_pi((__m64 *)(e + 4), v[4]);
                _mm_storeu_ps(e + 6, v[1]), _mm_storeh_pi((__m64 *)(e + 10), v[4]);
                _mm_storeu_ps(e + 12, v[2]), _mm_storel_pi((__m64 *)(e + 16), v[5]);
                _mm_storeu_ps(e + 18, v[3]), _mm_storeh_pi((__m64 *)(e + 22), v[5]);
            }
        }
        for (; p < kc; p++, d += 6) d[0] = s0[p], d[1] = s1[p], d[2] = s2[p], d[3] = s3[p], d[4] = s4[p], d[5] = s5[p];
    }
}

// B, rows contiguous, into panels of W floats: two vectors of LANES a panel's row, four
// panels at a time: four store streams and four panels' bytes of each row, against a
// store stream per panel when whole rows are copied (AVX2: 0.6-0.8 -> 0.4 cycles an
// element at 512² and 2048²) or a short read of every row when each panel is copied
// alone (0.4-0.65).
#define DEFINE_PACK_B_ROWS(NAME, TARGET, W, LANES, LOAD, STORE)                                         \
    TARGET static inline __attribute__((always_inline)) void NAME##_group(                             \
        const float *restrict s, long ld, long kc, const long panels, float *restrict d) {             \
        for (long p = 0; p < kc; p++, s += ld, d += W)                                                 \
            for (long q = 0; q < panels; q++) {                                                        \
                STORE(d + q * W * kc, LOAD(s + q * W));                                                \
                STORE(d + q * W * kc + LANES, LOAD(s + q * W + LANES));                                \
            }                                                                                          \
    }                                                                                                  \
    TARGET static void NAME(const float *restrict x, long ld, long i0, long full, long p0, long kc,   \
                            float *restrict dst) {                                                     \
        const float *s = x + p0 * ld + i0;                                                             \
        long i = 0;                                                                                    \
        for (; i + 4 * W <= full; i += 4 * W) NAME##_group(s + i, ld, kc, 4, dst + i * kc);            \
        for (; i < full; i += W) NAME##_group(s + i, ld, kc, 1, dst + i * kc);                         \
    }

DEFINE_PACK_B_ROWS(pack_b16_avx2_f32, WENGERT_TARGET_AVX2, 16, 8, _mm256_loadu_ps, _mm256_storeu_ps)

static void pack_avx2_f32(int trans, const void *x, long ld, long i0, long len, long p0, long kc, long w, void *dst) {
    long full = 0;
    if (!trans && w == 6) pack_a6_avx2_f32((const float *)x, ld, i0, full = len / 6 * 6, p0, kc, (float *)dst);
    else if (trans && w == 16) pack_b16_avx2_f32((const float *)x, ld, i0, full = len / 16 * 16, p0, kc, (float *)dst);
    if (full < len) pack_f32(trans, x, ld, i0 + full, len - full, p0, kc, w, (float *)dst + full * kc);
}

// The narrow Double kernel's 12-wide B panels, rows contiguous (an untransposed B: the
// [k x 10] g of a mixture's Aᵀ·g): three masked 4-lane loads a row, which read nothing
// past the last column and give the padding's zeros.
WENGERT_TARGET_AVX2 static void pack_b12_avx2_f64(const double *restrict x, long ld, long i0, long len, long p0,
                                                  long kc, double *restrict dst) {
    for (long i = 0; i < len; i += 12) {
        long cols = len - i < 12 ? len - i : 12;
        __m256i mask[3];
        for (int v = 0; v < 3; v++)
            mask[v] = _mm256_cmpgt_epi64(_mm256_set1_epi64x(cols - 4 * v), _mm256_setr_epi64x(0, 1, 2, 3));
        const double *s = x + p0 * ld + i0 + i;
        double *d = dst + i * kc;
        for (long p = 0; p < kc; p++, s += ld, d += 12)
            for (int v = 0; v < 3; v++) _mm256_storeu_pd(d + 4 * v, _mm256_maskload_pd(s + 4 * v, mask[v]));
    }
}

static void pack_avx2_f64(int trans, const void *x, long ld, long i0, long len, long p0, long kc, long w, void *dst) {
    if (trans && w == 12) pack_b12_avx2_f64((const double *)x, ld, i0, len, p0, kc, (double *)dst);
    else pack_f64(trans, x, ld, i0, len, p0, kc, w, dst);
}

// AVX-512 Float packing of the 12 x 32 kernel's panels (pack_f32 copies A's 12-row panels
// an element at a time and B's 32-wide panels a memcpy a row per panel). A, untransposed:
// twelve rows are read eight columns at a time, each group of four rows transposed within
// 128-bit lanes (a column's four floats, columns four apart in the two lanes), then pairs
// of those quarters are joined across lanes into the packed order, twelve 32-byte stores
// of eight columns of twelve. 32-byte vectors on purpose: on Zen 4 a 512-bit shuffle
// costs two 256-bit ones, and sixteen columns a pass would need every 64-byte store built
// from four registers' quarters (two more shuffles each). B, rows contiguous: 64-byte
// copies, four panels (512 bytes of each row) at a time. Any other width or
// transposition, and a zero-padded last panel, go to pack_f32: the same copies, so the
// same packed bits. Alone (192 x 256 of A, 256 rows of B, source in L2/L3): A 0.9-2.0 ->
// 0.24-0.45 cycles an element; B 0.22-0.27 against 0.24-0.34 at 512 and 1024 columns
// (two panels a pass 0.23-0.29, eight 0.25-0.31); at 2048 (2 MiB, from L3) both about
// 0.33-0.42 at best, with a wider spread for the new copy. In the product (AMD
// EPYC with AVX-512), the packing's share of the samples on two threads at 512², 1024²
// and 2048² falls from 7.5, 6.5, 3.3 % to 5.6, 4.1, 2.4 %: medians 190 -> 193, 198 ->
// 204, 202 -> 208 GFLOP/s; 256² (A in place) and one thread unchanged.
WENGERT_TARGET_AVX512 static void pack_a12_avx512_f32(const float *restrict x, long ld, long i0, long full, long p0,
                                                      long kc, float *restrict dst) {
    for (long i = 0; i < full; i += 12) {
        const float *s[12];
        for (int r = 0; r < 12; r++) s[r] = x + (i0 + i + r) * ld + p0;
        float *d = dst + i * kc;
        long p = 0;
        for (; p + 8 <= kc; p += 8, d += 96) {
            // u[g][c]: rows 4g..4g+3 of column p + c (low lane) and p + 4 + c (high lane).
            __m256 u[3][4];
            for (int g = 0; g < 3; g++) {
                __m256 r0 = _mm256_loadu_ps(s[4 * g] + p), r1 = _mm256_loadu_ps(s[4 * g + 1] + p);
                __m256 r2 = _mm256_loadu_ps(s[4 * g + 2] + p), r3 = _mm256_loadu_ps(s[4 * g + 3] + p);
                __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                u[g][0] = _mm256_shuffle_ps(t0, t2, 0x44), u[g][1] = _mm256_shuffle_ps(t0, t2, 0xEE);
                u[g][2] = _mm256_shuffle_ps(t1, t3, 0x44), u[g][3] = _mm256_shuffle_ps(t1, t3, 0xEE);
            }
            // The packed order is column-major quarters (column c: g = 0, 1, 2): store j
            // holds quarters 2j and 2j + 1 of columns 0-3 (low lanes), j + 6 of columns 4-7.
            __m256 lo[6][2] = {{u[0][0], u[1][0]}, {u[2][0], u[0][1]}, {u[1][1], u[2][1]},
                               {u[0][2], u[1][2]}, {u[2][2], u[0][3]}, {u[1][3], u[2][3]}};
            for (int j = 0; j < 6; j++) {
                _mm256_storeu_ps(d + 8 * j, _mm256_permute2f128_ps(lo[j][0], lo[j][1], 0x20));
                _mm256_storeu_ps(d + 48 + 8 * j, _mm256_permute2f128_ps(lo[j][0], lo[j][1], 0x31));
            }
        }
        for (; p < kc; p++, d += 12)
            for (int r = 0; r < 12; r++) d[r] = s[r][p];
    }
}

DEFINE_PACK_B_ROWS(pack_b32_avx512_f32, WENGERT_TARGET_AVX512, 32, 16, _mm512_loadu_ps, _mm512_storeu_ps)

static void pack_avx512_f32(int trans, const void *x, long ld, long i0, long len, long p0, long kc, long w,
                            void *dst) {
    long full = 0;
    if (!trans && w == 12) pack_a12_avx512_f32((const float *)x, ld, i0, full = len / 12 * 12, p0, kc, (float *)dst);
    else if (trans && w == 32)
        pack_b32_avx512_f32((const float *)x, ld, i0, full = len / 32 * 32, p0, kc, (float *)dst);
    if (full < len) pack_f32(trans, x, ld, i0 + full, len - full, p0, kc, w, (float *)dst + full * kc);
}
#endif

// ---------------------------------------------------------------------------------------
// Micro-kernels. Rows of A past mr are read from row mr - 1 (A in place has nothing
// beyond row m; a packed panel is zero-padded, so it needs no clamp). A full tile is
// stored straight to C; an edge tile goes through a local buffer.

#define DEFINE_PORTABLE_UKR(T, SUFFIX)                                                                 \
    static void ukr_portable_##SUFFIX(long kc, const void *av, long rsa, long csa, const void *bv, void *cv, \
                                      long ldc, int beta, long mr, long nr) {                          \
        const T *b = (const T *)bv, *ar[4];                                                            \
        T *c = (T *)cv, acc[4][8];                                                                     \
        for (int r = 0; r < 4; r++) ar[r] = (const T *)av + (r < mr ? r : mr - 1) * rsa;               \
        for (int r = 0; r < 4; r++)                                                                    \
            for (int j = 0; j < 8; j++) acc[r][j] = 0;                                                 \
        for (long p = 0; p < kc; p++)                                                                  \
            for (int r = 0; r < 4; r++)                                                                \
                for (int j = 0; j < 8; j++) acc[r][j] += ar[r][p * csa] * b[p * 8 + j];                \
        for (long r = 0; r < mr; r++)                                                                  \
            for (long j = 0; j < nr; j++) c[r * ldc + j] = beta ? c[r * ldc + j] + acc[r][j] : acc[r][j]; \
    }

DEFINE_PORTABLE_UKR(float, f32)
DEFINE_PORTABLE_UKR(double, f64)

#if defined(__x86_64__)

// MR rows by NV vectors of LANES: MR·NV accumulators, NV loads and MR broadcasts per step.
// The body is inlined twice: with the packed panel's constant strides (the hot loop gets
// immediate offsets, and the panel is fetched 512 bytes ahead: about 1 % at 512² to
// 1024²) and with A's own strides (no fetch ahead: along a transposed A it cost 25 %).
// Unrolling the k loop by 4 gained nothing on squares and cost 12 % on 256 x 10 x 64 (aT).
#define UNROLL _Pragma("clang loop unroll(full)")
#define DEFINE_SIMD_BODY(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)        \
    TARGET static inline __attribute__((always_inline)) void NAME##_body(                              \
        long kc, const T *restrict a, long rsa, long csa, long rows, int ahead, const T *restrict bp,  \
        T *restrict c, long ldc, int beta, long mr, long nr) {                                         \
        const T *ar[MR];                                                                               \
        UNROLL for (int r = 0; r < MR; r++) ar[r] = a + (r < rows ? r : rows - 1) * rsa;               \
        VEC acc[MR][NV];                                                                               \
        UNROLL for (int r = 0; r < MR; r++)                                                            \
            UNROLL for (int v = 0; v < NV; v++) acc[r][v] = ZERO();                                    \
        /* C rows are far apart (and past L2 for large C): over a packed panel they are fetched  \
           C_LATE steps before the end of the k loop (at its start when kc <= C_LATE), late     \
           enough that the A and B lines streamed through L1 meanwhile do not evict them, and   \
           early enough to arrive; over A in place (skinny products, short k), at its start. */  \
        long p = 0;                                                                                    \
        for (int half = 0; half < 2; half++) {                                                         \
            for (long end = half ? kc : ahead && kc > C_LATE ? kc - C_LATE : 0; p < end; p++) {       \
                if (ahead) __builtin_prefetch((const char *)(ar[0] + p * csa) + 512, 0, 3);            \
                VEC bv[NV];                                                                            \
                UNROLL for (int v = 0; v < NV; v++) bv[v] = LOAD(bp + p * (NV * LANES) + v * LANES);   \
                UNROLL for (int r = 0; r < MR; r++) {                                                  \
                    VEC x = SET1(ar[r][p * csa]);                                                      \
                    UNROLL for (int v = 0; v < NV; v++) acc[r][v] = FMA(x, bv[v], acc[r][v]);          \
                }                                                                                      \
            }                                                                                          \
            if (!half)                                                                                 \
                UNROLL for (int r = 0; r < MR; r++) {                                                  \
                    __builtin_prefetch((const char *)(c + r * ldc), 1, 3);                             \
                    __builtin_prefetch((const char *)(c + r * ldc) + 64, 1, 3);                        \
                }                                                                                      \
        }                                                                                              \
        if (mr == MR && nr == NV * LANES) {                                                            \
            UNROLL for (int r = 0; r < MR; r++)                                                        \
                UNROLL for (int v = 0; v < NV; v++) {                                                  \
                    T *dst = c + r * ldc + v * LANES;                                                  \
                    STORE(dst, beta ? ADD(LOAD(dst), acc[r][v]) : acc[r][v]);                          \
                }                                                                                      \
            return;                                                                                    \
        }                                                                                              \
        /* An edge tile: its rows' whole vectors straight to C, the columns past them (less   \
           than a vector) through a local buffer. */                                           \
        long whole = nr / LANES;                                                               \
        T tile[MR * NV * LANES] __attribute__((aligned(64)));                                          \
        UNROLL for (int r = 0; r < MR; r++) {                                                          \
            if (r >= mr) break;                                                                        \
            UNROLL for (int v = 0; v < NV; v++) {                                                      \
                T *dst = c + r * ldc + v * LANES;                                                      \
                if (v < whole) STORE(dst, beta ? ADD(LOAD(dst), acc[r][v]) : acc[r][v]);               \
                else if (v == whole) {                                                                 \
                    STORE(tile + r * NV * LANES + v * LANES, acc[r][v]);                               \
                    /* A fixed count, unrolled: a loop to nr was vectorised with runtime checks   \
                       that cost more than a k = 10 tile's arithmetic. */                        \
                    UNROLL for (int l = 0; l < LANES; l++) {                                           \
                        long j = whole * LANES + l;                                                    \
                        if (j >= nr) break;                                                            \
                        c[r * ldc + j] = beta ? c[r * ldc + j] + tile[r * NV * LANES + j] : tile[r * NV * LANES + j]; \
                    }                                                                                  \
                }                                                                                      \
            }                                                                                          \
        }                                                                                              \
    }
// An edge kernel: the body with A's strides only (it reads packed panels of the full
// kernel's width as well as A in place).
#define DEFINE_SIMD_EDGE(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)        \
    DEFINE_SIMD_BODY(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)            \
    TARGET static void NAME##_strided(long kc, const void *a, long rsa, long csa, const void *bp, void *c, \
                                      long ldc, int beta, long mr, long nr) {                          \
        NAME##_body(kc, (const T *)a, rsa, csa, mr, 0, (const T *)bp, (T *)c, ldc, beta, mr, nr);      \
    }
// A full kernel: the edge kernel's strided form, and the form over a packed A panel.
#define DEFINE_SIMD_UKR(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)         \
    DEFINE_SIMD_EDGE(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)            \
    TARGET static void NAME(long kc, const void *a, long rsa, long csa, const void *bp, void *c, long ldc, \
                            int beta, long mr, long nr) {                                              \
        (void)rsa, (void)csa;                                                                          \
        NAME##_body(kc, (const T *)a, 1, MR, MR, 1, (const T *)bp, (T *)c, ldc, beta, mr, nr);         \
    }

// The packed kernel over a column of full tiles in one call: the kernel's prologue and
// the sweep's call and fetch loop cost about 2 % of a 6 x 16 tile of 342 steps (the
// samples of one thread at 512² to 2048²: 3-6 % fewer per product; wall time 0-2 %).
#define DEFINE_SIMD_TILES(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)   \
    TARGET static size_t NAME##_tiles(long kc, const void *a, long tiles, const void *bp, void *c, long ldc, \
                                      int beta, const char *next, size_t step, size_t end) {          \
        size_t fetched = 0;                                                                            \
        for (long t = 0; t < tiles; t++) {                                                             \
            fetched = fetch_share(next, fetched, step, end);                                           \
            NAME##_body(kc, (const T *)a + t * MR * kc, 1, MR, MR, 1, (const T *)bp, (T *)c + t * MR * ldc, \
                        ldc, beta, MR, NV * LANES);                                                    \
        }                                                                                              \
        return fetched;                                                                                \
    }

// The strided kernel down a panel's full row tiles in one call: with k = 10 (a mixture's
// [1000 x 10]·[10 x 10]) the call and the sweep's work per tile cost about as much as the
// tile's arithmetic.
#define DEFINE_SIMD_ROWS(NAME, TARGET, T, VEC, LANES, C_LATE, MR, NV, LOAD, STORE, SET1, ZERO, FMA, ADD)    \
    TARGET static void NAME##_rows(long kc, const void *a, long rsa, long csa, long tiles, const void *bp, \
                                   void *c, long ldc, int beta, long nr) {                             \
        for (long t = 0; t < tiles; t++)                                                               \
            NAME##_body(kc, (const T *)a + t * MR * rsa, rsa, csa, MR, 0, (const T *)bp, (T *)c + t * MR * ldc, \
                        ldc, beta, MR, nr);                                                            \
    }

// Each instruction set's types and operations as macro arguments (target, scalar, vector,
// lanes, C_LATE; load, store, broadcast, zero, multiply-add, add), spread by INSTANTIATE
// into the full kernels and the edge kernels: half the AVX-512 tile's rows, four of the
// AVX2 tile's six. AVX2 fetches C 96 steps before the end of the k loop (against at its
// start: SGEMM 1-2 %, DGEMM 1-2 % faster on one thread at 512² to 2048²; 64 steps less,
// 160 the same). AVX-512 Float does too (on two threads of an AMD EPYC with AVX-512,
// 1024² and 2048²: 196-203 -> 198-205 GFLOP/s, one thread 102-104 -> 105-108); AVX-512
// Double keeps it at the start (LONG_MAX) and a call a tile: with both, DGEMM at 256² and
// 1024² was no faster on that machine, within its noise.
#define ISA_AVX512_F32 WENGERT_TARGET_AVX512, float, __m512, 16, 96
#define ISA_AVX512_F64 WENGERT_TARGET_AVX512, double, __m512d, 8, LONG_MAX
#define ISA_AVX2_F32 WENGERT_TARGET_AVX2, float, __m256, 8, 96
#define ISA_AVX2_F64 WENGERT_TARGET_AVX2, double, __m256d, 4, 96
#define OPS_AVX512_F32 _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_fmadd_ps, _mm512_add_ps
#define OPS_AVX512_F64 _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd, _mm512_setzero_pd, _mm512_fmadd_pd, _mm512_add_pd
#define OPS_AVX2_F32 _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_setzero_ps, _mm256_fmadd_ps, _mm256_add_ps
#define OPS_AVX2_F64 _mm256_loadu_pd, _mm256_storeu_pd, _mm256_set1_pd, _mm256_setzero_pd, _mm256_fmadd_pd, _mm256_add_pd
#define APPLY(DEFINE, ...) DEFINE(__VA_ARGS__)
#define INSTANTIATE(DEFINE, NAME, ISA, MR, NV, OPS) APPLY(DEFINE, NAME, ISA, MR, NV, OPS)

INSTANTIATE(DEFINE_SIMD_UKR, ukr_avx512_f32, ISA_AVX512_F32, 12, 2, OPS_AVX512_F32)
INSTANTIATE(DEFINE_SIMD_UKR, ukr_avx512_f64, ISA_AVX512_F64, 12, 2, OPS_AVX512_F64)
INSTANTIATE(DEFINE_SIMD_UKR, ukr_avx2_f32, ISA_AVX2_F32, 6, 2, OPS_AVX2_F32)
INSTANTIATE(DEFINE_SIMD_UKR, ukr_avx2_f64, ISA_AVX2_F64, 6, 2, OPS_AVX2_F64)
INSTANTIATE(DEFINE_SIMD_TILES, ukr_avx512_f32, ISA_AVX512_F32, 12, 2, OPS_AVX512_F32)
INSTANTIATE(DEFINE_SIMD_TILES, ukr_avx2_f32, ISA_AVX2_F32, 6, 2, OPS_AVX2_F32)
INSTANTIATE(DEFINE_SIMD_TILES, ukr_avx2_f64, ISA_AVX2_F64, 6, 2, OPS_AVX2_F64)
INSTANTIATE(DEFINE_SIMD_EDGE, edge_avx512_f32, ISA_AVX512_F32, 6, 2, OPS_AVX512_F32)
INSTANTIATE(DEFINE_SIMD_EDGE, edge_avx512_f64, ISA_AVX512_F64, 6, 2, OPS_AVX512_F64)
INSTANTIATE(DEFINE_SIMD_EDGE, edge_avx2_f32, ISA_AVX2_F32, 4, 2, OPS_AVX2_F32)
INSTANTIATE(DEFINE_SIMD_EDGE, edge_avx2_f64, ISA_AVX2_F64, 4, 2, OPS_AVX2_F64)
INSTANTIATE(DEFINE_SIMD_EDGE, narrow_avx2_f64, ISA_AVX2_F64, 3, 3, OPS_AVX2_F64)
INSTANTIATE(DEFINE_SIMD_ROWS, narrow_avx2_f64, ISA_AVX2_F64, 3, 3, OPS_AVX2_F64)
#endif

static gemm_kernels kernels_f32(int level) {
#if defined(__x86_64__)
    if (level == 2)
        return (gemm_kernels){sizeof(float), 12, 32, KC_ALL, MC_F32, pack_avx512_f32, ukr_avx512_f32,
                              ukr_avx512_f32_strided, 6, edge_avx512_f32_strided, ukr_avx512_f32_tiles,
                              IN_PLACE_MAX_F32, 0, 6, 16, ukr_avx2_f32_strided, pack_avx2_f32, NULL};
    if (level == 1)
        return (gemm_kernels){sizeof(float), 6, 16, KC_F32_AVX2, MC_F32_AVX2, pack_avx2_f32, ukr_avx2_f32,
                              ukr_avx2_f32_strided, 4, edge_avx2_f32_strided, ukr_avx2_f32_tiles,
                              IN_PLACE_MAX_F32};
#endif
    (void)level;
    return (gemm_kernels){sizeof(float), 4, 8, KC_ALL, MC_F32, pack_f32, ukr_portable_f32, ukr_portable_f32, 0, NULL};
}

static gemm_kernels kernels_f64(int level) {
#if defined(__x86_64__)
    if (level == 2)
        return (gemm_kernels){sizeof(double), 12, 16, KC_ALL, MC_F64, pack_f64, ukr_avx512_f64, ukr_avx512_f64_strided,
                              6, edge_avx512_f64_strided, NULL, 0, 8, 3, 12, narrow_avx2_f64_strided,
                              pack_avx2_f64, narrow_avx2_f64_rows};
    if (level == 1)
        return (gemm_kernels){sizeof(double), 6, 8, KC_ALL, MC_F64, pack_f64, ukr_avx2_f64, ukr_avx2_f64_strided,
                              4, edge_avx2_f64_strided, ukr_avx2_f64_tiles, 0, 8, 3, 12, narrow_avx2_f64_strided,
                              pack_avx2_f64, narrow_avx2_f64_rows};
#endif
    (void)level;
    return (gemm_kernels){sizeof(double), 4, 8, KC_ALL, MC_F64, pack_f64, ukr_portable_f64, ukr_portable_f64, 0, NULL};
}

// ---------------------------------------------------------------------------------------
// The driver, over bytes.

typedef struct {
    gemm_kernels kern;
    int trans_a, trans_b, accumulate;
    long m, n, k, lda, ldb, ldc;
    const char *a, *b;
    char *c;
    int a_in_place; // broadcast A from where it lies instead of packing it
    long kc_max, nc_max, parts, pack_parts;
    // The current (NC, KC) block and its packed B.
    long jc, nc, pc, kc;
    int beta;
    char *bp;
} gemm_plan;

// Tiles [part·tiles/parts, (part+1)·tiles/parts): equal shares of whole micro-tiles.
static long share(long tiles, long parts, long part) { return tiles * part / parts; }

// Runs the micro-kernel over rows [i0, i1) of C (A packed from row i0 at `ap`, or in
// place) and columns [j0, j1) of the current block.
static void sweep(const gemm_plan *g, const char *ap, long i0, long i1, long j0, long j1) {
    const gemm_kernels *q = &g->kern;
    size_t es = q->size;
    long rsa = g->a_in_place ? (g->trans_a ? 1 : g->lda) : 1, csa = g->a_in_place ? (g->trans_a ? g->lda : 1) : q->mr;
    size_t panel = (size_t)(g->kc * q->nr) * es;
    size_t step = ((panel / (size_t)((i1 - i0 + q->mr - 1) / q->mr)) + 63) & ~(size_t)63;
    for (long jr = j0; jr < j1; jr += q->nr) {
        long nr = j1 - jr < q->nr ? j1 - jr : q->nr;
        const char *b = g->bp + (size_t)(jr * g->kc) * es;
        gemm_ukr ukr = g->a_in_place ? q->strided : q->packed;
        char *c = g->c + (size_t)(i0 * g->ldc + g->jc + jr) * es;
        // The next panel of B (it follows this one) comes from L3, or from memory when
        // other cores crowd L3: a share of its lines per tile is fetched into L2, so its
        // first tile does not wait for it.
        size_t fetched = 0, next = jr + q->nr < j1 ? panel : 0;
        long ir = i0;
        if (q->tiles && !g->a_in_place && nr == q->nr) {
            long tiles = (i1 - i0) / q->mr;
            fetched = q->tiles(g->kc, ap, tiles, b, c, g->ldc, g->beta, b + panel, step, next);
            ir += tiles * q->mr, c += (size_t)(tiles * q->mr * g->ldc) * es;
        } else if (q->narrow_rows && g->a_in_place && !next) {
            // The narrow kernel's one panel (no next one to fetch).
            long tiles = (i1 - i0) / q->mr;
            q->narrow_rows(g->kc, g->a + (size_t)(ir * rsa + g->pc * csa) * es, rsa, csa, tiles, b, c, g->ldc, g->beta, nr);
            ir += tiles * q->mr, c += (size_t)(tiles * q->mr * g->ldc) * es;
        }
        for (; ir < i1; ir += q->mr, c += (size_t)(q->mr * g->ldc) * es) {
            long mr = i1 - ir < q->mr ? i1 - ir : q->mr;
            fetched = fetch_share(b + panel, fetched, step, next);
            const char *a = g->a_in_place ? g->a + (size_t)(ir * rsa + g->pc * csa) * es : ap + (size_t)((ir - i0) * g->kc) * es;
            // A last tile of few rows: the edge kernel, over the same A (same sums, same
            // order: the bits of the full tile's rows).
            if (mr <= q->edge_mr) q->edge(g->kc, a, rsa, csa, b, c, g->ldc, g->beta, mr, nr);
            else ukr(g->kc, a, rsa, csa, b, c, g->ldc, g->beta, mr, nr);
        }
    }
}

// Packs columns [j0, j1) of the current block at their place in `bp`. (Reading B in
// place instead was slower even for 64 rows: rows 1 KiB apart fall in 4 of L1's 64 sets.)
static void pack_b(const gemm_plan *g, long j0, long j1, char *bp) {
    const gemm_kernels *q = &g->kern;
    if (j1 <= j0) return;
    q->pack(!g->trans_b, g->b, g->ldb, g->jc + j0, j1 - j0, g->pc, g->kc, q->nr, bp + (size_t)(j0 * g->kc) * q->size);
}

// Row split, step 1: a share of the current block's column panels of B.
static void pack_b_part(void *context, long part) {
    const gemm_plan *g = (const gemm_plan *)context;
    long tiles = (g->nc + g->kern.nr - 1) / g->kern.nr;
    long j0 = share(tiles, g->pack_parts, part) * g->kern.nr, j1 = share(tiles, g->pack_parts, part + 1) * g->kern.nr;
    if (j1 > g->nc) j1 = g->nc;
    pack_b(g, j0, j1, g->bp);
}

// Row split, step 2: a share of C's rows over the whole block, packing its own A.
static void row_part(void *context, long part) {
    const gemm_plan *g = (const gemm_plan *)context;
    const gemm_kernels *q = &g->kern;
    long tiles = (g->m + q->mr - 1) / q->mr;
    long i0 = share(tiles, g->parts, part) * q->mr, i1 = share(tiles, g->parts, part + 1) * q->mr;
    if (i1 > g->m) i1 = g->m;
    if (i1 <= i0) return;
    char *ap = NULL;
    if (!g->a_in_place) {
        long rows = ((i1 - i0 + q->mr - 1) / q->mr) * q->mr;
        ap = (char *)wengert_scratch(0, (size_t)(rows * g->kc) * q->size);
        q->pack(g->trans_a, g->a, g->lda, i0, i1 - i0, g->pc, g->kc, q->mr, ap);
    }
    sweep(g, ap, i0, i1, 0, g->nc);
}

// Column split (few rows, A in place): a share of C's columns as a product of its own,
// packing its own B, every block.
static void column_part(void *context, long part) {
    gemm_plan g = *(const gemm_plan *)context;
    long nr = g.kern.nr, tiles = (g.n + nr - 1) / nr;
    long j0 = share(tiles, g.parts, part) * nr, j1 = share(tiles, g.parts, part + 1) * nr;
    if (j1 > g.n) j1 = g.n;
    long width = ((j1 - j0 + nr - 1) / nr) * nr;
    g.bp = (char *)wengert_scratch(1, (size_t)((width < g.nc_max ? width : g.nc_max) * g.kc_max) * g.kern.size);
    for (g.jc = j0; g.jc < j1; g.jc += g.nc_max) {
        g.nc = j1 - g.jc < g.nc_max ? j1 - g.jc : g.nc_max;
        for (g.pc = 0; g.pc < g.k; g.pc += g.kc_max) {
            g.kc = g.k - g.pc < g.kc_max ? g.k - g.pc : g.kc_max;
            g.beta = g.accumulate || g.pc > 0;
            pack_b(&g, 0, g.nc, g.bp);
            sweep(&g, NULL, 0, g.m, 0, g.nc);
        }
    }
}

static void run_parts(long parts, long threads, void (*task)(void *, long), gemm_plan *g) {
    if (threads > 1 && parts > 1) wengert_parallel_run(parts, task, g);
    else
        for (long part = 0; part < parts; part++) task(g, part);
}

static void gemm(gemm_kernels kern, int trans_a, int trans_b, long m, long n, long k, const void *a, long lda,
                 const void *b, long ldb, void *c, long ldc, int accumulate) {
    size_t es = kern.size;
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (long i = 0; i < m; i++) memset((char *)c + (size_t)(i * ldc) * es, 0, (size_t)n * es);
        return;
    }
    if (kern.narrow && n > kern.narrow_min && n <= kern.narrow_nr) {
        kern.mr = kern.narrow_mr, kern.nr = kern.narrow_nr;
        kern.packed = kern.strided = kern.narrow, kern.pack = kern.narrow_pack;
        kern.edge_mr = 0, kern.edge = NULL, kern.tiles = NULL, kern.in_place_max = 0;
    } else
        kern.narrow_rows = NULL; // its tiles are narrow_mr rows of narrow_nr columns
    gemm_plan g = {.kern = kern, .trans_a = trans_a, .trans_b = trans_b, .accumulate = accumulate, .m = m, .n = n,
                   .k = k, .lda = lda, .ldb = ldb, .ldc = ldc, .a = a, .b = b, .c = c};
    long mr = kern.mr, nr = kern.nr;
    long threads = wengert_parallel_threads((double)m * (double)n * (double)k, 1 << 18);
    long k_blocks = (k + kern.kc - 1) / kern.kc;
    g.kc_max = (k + k_blocks - 1) / k_blocks;
    g.nc_max = (NC_ALL / nr) * nr;
    long tiles_m = (m + mr - 1) / mr, tiles_n = (n + nr - 1) / nr;
    g.a_in_place = n <= 2 * nr;
    // A whole A (one k block, rows contiguous) about the size of L2 is read in place by
    // the column split too, on any thread count: the threads then share nothing, not even
    // a packed B (the row split meets twice, to pack B and to sweep it, and each thread
    // reads the other's half of B from L3), and nothing of A is copied. 256² on two
    // threads: 155 -> 180 GFLOP/s; on one, 3 % faster (AVX-512 Float on an AMD EPYC:
    // 180 -> 220 on two, 105 -> 112 on one, with the tile walk and the late fetch of C).
    // Past L2 (768 x 768 x 256) or over two k blocks (512²: rows 2 KiB apart fill half of
    // L2's sets) it loses.
    int a_fits = !trans_a && k <= kern.kc && (size_t)(m * k) * es <= kern.in_place_max;
    if (tiles_n >= 2 * threads && ((threads > 1 && m <= kern.mc) || a_fits)) {
        // At most MC rows (the batch of a layer) or A about L2's size: each thread takes
        // columns, A (in L2) is read in place by all of them, and the parts need no
        // common step.
        // One column panel a part: the sweep walks a part's panels one by one anyway
        // (A read again for each), so small parts cost nothing but a claim, and a
        // worker slowed by the machine's other work holds back the caller by one
        // panel's time, not by a quarter of the product.
        g.a_in_place = 1;
        g.parts = tiles_n < COLUMN_PARTS_MAX ? tiles_n : COLUMN_PARTS_MAX;
        run_parts(g.parts, threads, column_part, &g);
        return;
    }
    // Rows: enough parts that none exceeds MC rows, and with threads at least four per
    // thread (a rounded multiple of them), so a late or slowed worker leaves little to
    // the caller at the end.
    long parts = (m + kern.mc - 1) / kern.mc;
    if (threads > 1) {
        if (parts < ROW_PARTS_PER_THREAD * threads) parts = ROW_PARTS_PER_THREAD * threads;
        parts = ((parts + threads - 1) / threads) * threads;
    }
    g.parts = parts < tiles_m ? parts : tiles_m;
    long nc_tiles = tiles_n < g.nc_max / nr ? tiles_n : g.nc_max / nr;
    // A small block of B (the k = batch block of a weight's gradient, xᵀ·g) is packed by
    // the caller: a job of its own would cost a second hand-over to the workers for a
    // copy of a few microseconds.
    int small_b = (double)(nc_tiles * nr) * (double)(k < g.kc_max ? k : g.kc_max) < PACK_B_PARALLEL_MIN;
    g.pack_parts = threads > 1 && !small_b ? (2 * threads < nc_tiles ? 2 * threads : nc_tiles) : 1;
    g.bp = (char *)wengert_scratch(1, (size_t)(nc_tiles * nr * g.kc_max) * es);
    for (g.jc = 0; g.jc < n; g.jc += g.nc_max) {
        g.nc = n - g.jc < g.nc_max ? n - g.jc : g.nc_max;
        for (g.pc = 0; g.pc < k; g.pc += g.kc_max) {
            g.kc = k - g.pc < g.kc_max ? k - g.pc : g.kc_max;
            g.beta = accumulate || g.pc > 0;
            run_parts(g.pack_parts, threads, pack_b_part, &g);
            run_parts(g.parts, threads, row_part, &g);
        }
    }
}

void wengert_gemm_strided_f32(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda,
                              const float *b, long ldb, float *c, long ldc, int accumulate) {
    gemm(kernels_f32(wengert_kernel_level()), trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void wengert_gemm_strided_f64(int trans_a, int trans_b, long m, long n, long k, const double *a, long lda,
                              const double *b, long ldb, double *c, long ldc, int accumulate) {
    gemm(kernels_f64(wengert_kernel_level()), trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void wengert_gemm_f32(long m, long n, long k, const float *a, const float *b, float *c, int accumulate) {
    wengert_gemm_strided_f32(0, 0, m, n, k, a, k, b, n, c, n, accumulate);
}

void wengert_gemm_f64(long m, long n, long k, const double *a, const double *b, double *c, int accumulate) {
    wengert_gemm_strided_f64(0, 0, m, n, k, a, k, b, n, c, n, accumulate);
}

// The cores' multiply-add peak, which the harness sets the GEMM's speed against: twelve
// independent chains of fused multiply-adds per thread (more than latency times issue
// width on AVX2 and AVX-512 cores), at the kernels' instruction-set level, with nothing
// loaded or stored in the loop.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define PEAK_CHAINS 12

static float chains_portable(long iterations) {
    float acc[PEAK_CHAINS];
    for (int j = 0; j < PEAK_CHAINS; j++) acc[j] = (float)j;
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < PEAK_CHAINS; j++) acc[j] = __builtin_fmaf(acc[j], 0.999999f, 1e-7f);
    float s = 0;
    for (int j = 0; j < PEAK_CHAINS; j++) s += acc[j];
    return s;
}

#if defined(__x86_64__)
#define PEAK_SIMD(NAME, TARGET, VEC, SET1, FMA, ADD, FIRST)                              \
    TARGET static float NAME(long iterations) {                                          \
        VEC acc[PEAK_CHAINS];                                                            \
        for (int j = 0; j < PEAK_CHAINS; j++) acc[j] = SET1((float)j);                   \
        const VEC b = SET1(0.999999f), c = SET1(1e-7f);                                  \
        for (long i = 0; i < iterations; i++)                                            \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < PEAK_CHAINS; j++)     \
                acc[j] = FMA(acc[j], b, c);                                              \
        VEC s = acc[0];                                                                  \
        for (int j = 1; j < PEAK_CHAINS; j++) s = ADD(s, acc[j]);                        \
        return FIRST(s);                                                                 \
    }
PEAK_SIMD(chains_avx2, WENGERT_TARGET_AVX2, __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps,
          _mm256_cvtss_f32)
PEAK_SIMD(chains_avx512, WENGERT_TARGET_AVX512, __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps,
          _mm512_cvtss_f32)
#else
#define chains_avx2 chains_portable
#define chains_avx512 chains_portable
#endif

long wengert_fma_peak_flops_per_iteration(void) {
    static const long lanes[3] = {1, 8, 16};
    return PEAK_CHAINS * 2 * lanes[wengert_kernel_level()];
}

typedef struct {
    long iterations;
    int level;
    float sink;
} peak_job;

static void peak_part(void *context, long part) {
    (void)part;
    peak_job *job = (peak_job *)context;
    float s = WENGERT_AT_LEVEL(chains, job->level, (job->iterations));
    __atomic_store(&job->sink, &s, __ATOMIC_RELAXED); // every part computes the same value
}

float wengert_fma_peak(long iterations, long parts) {
    peak_job job = {iterations, wengert_kernel_level(), 0};
    wengert_parallel_run(parts, peak_part, &job);
    return job.sink;
}

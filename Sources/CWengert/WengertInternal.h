#ifndef WENGERT_INTERNAL_H
#define WENGERT_INTERNAL_H

// Shared by the C kernels only (not part of the module Swift imports).

#include <stddef.h>

#include "CWengertKernels.h"

/// A 64-byte aligned buffer of at least `bytes` owned by the calling thread, reused by
/// later calls with the same `slot` (0 to 3) and freed when the thread exits.
void *wengert_scratch(int slot, size_t bytes);

/// How many threads a job of `work` units should use: 1 below `min_per_thread` units per
/// thread, inside a pool worker, or when the pool is limited to one thread.
long wengert_parallel_threads(double work, double min_per_thread);

/// Runs `task(context, part)` for every part in 0..<parts on the pool and the calling
/// thread, returning when all are done. Runs them in order on the caller when the pool
/// is busy with another caller's job.
void wengert_parallel_run(long parts, void (*task)(void *context, long part), void *context);

// The instruction-set levels a kernel is compiled for, chosen once per process by CPU
// feature (Dispatch.c): 0 portable C, 1 AVX2 + FMA, 2 AVX-512.
#if defined(__x86_64__)
#define WENGERT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define WENGERT_TARGET_AVX512 __attribute__((target("avx512f,fma"), min_vector_width(512)))
#else
#define WENGERT_TARGET_AVX2
#define WENGERT_TARGET_AVX512
#endif

// A kernel at every instruction-set level: the body (written with the parameter names
// of PARAMS) compiled as NAME_portable, NAME_avx2 and NAME_avx512, one C body, so they
// compute the same values. WENGERT_AT_LEVEL calls the variant for a
// `wengert_kernel_level()` directly (a function pointer chosen by level cost the
// one-scalar operations 3 %).
#define WENGERT_AT_LEVELS(RET, NAME, PARAMS, ...)                                        \
    static RET NAME##_portable PARAMS { __VA_ARGS__ }                                    \
    WENGERT_TARGET_AVX2 static RET NAME##_avx2 PARAMS { __VA_ARGS__ }                    \
    WENGERT_TARGET_AVX512 static RET NAME##_avx512 PARAMS { __VA_ARGS__ }
#define WENGERT_AT_LEVEL(NAME, LEVEL, ARGS)                                              \
    ({                                                                                   \
        const int wengert_level_ = (LEVEL);                                              \
        wengert_level_ == 2 ? NAME##_avx512 ARGS                                         \
                            : wengert_level_ == 1 ? NAME##_avx2 ARGS : NAME##_portable ARGS; \
    })

#endif

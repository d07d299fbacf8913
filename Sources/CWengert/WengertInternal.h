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

#endif

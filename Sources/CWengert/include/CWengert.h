#ifndef CWENGERT_H
#define CWENGERT_H

// The C side of Wengert: what Swift cannot express without unsafeFlags.
//
// - Per-thread storage read through a static inline accessor: one load, no call
//   (../shared/NOTES.md measured pthread_getspecific at ~3 ns and @TaskLocal at ~10 ns).
// - CPU feature queries for run-time kernel dispatch (kernels are compiled with
//   __attribute__((target(...))) so the package builds with default flags).

#include <stddef.h>
#include <stdint.h>
#include "CWengertKernels.h"
#include "CWengertOpenCL.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Per-thread slots, each an opaque pointer owned by the Swift side.
/// Index 0: the reverse-mode tape pool. Index 1: the tensor recording.
/// Index 2: the no-gradient scope depth. Index 3: anomaly detection state.
#define WENGERT_THREAD_SLOTS 8
extern _Thread_local void *wengert_thread_slots[WENGERT_THREAD_SLOTS];

static inline void *wengert_thread_slot(int index) { return wengert_thread_slots[index]; }
static inline void wengert_set_thread_slot(int index, void *value) { wengert_thread_slots[index] = value; }

/// Registers `destructor` to run with slot `index`'s value when the calling thread exits
/// (through a pthread key, so per-thread caches owned by Swift are released rather than
/// leaked). Call it once per thread, after storing a non-null value in the slot.
void wengert_thread_slot_release_at_exit(int index, void (*destructor)(void *));

/// 1 when the running CPU has AVX-512F (and the kernels may use it), else 0.
int wengert_cpu_has_avx512f(void);
/// 1 when the running CPU has AVX2 and FMA, else 0.
int wengert_cpu_has_avx2_fma(void);

/// The lock around the pool of recycled tape headers (Reverse/TapeHeader.swift).
void wengert_header_pool_lock(void);
void wengert_header_pool_unlock(void);

#ifdef __cplusplus
}
#endif

#endif

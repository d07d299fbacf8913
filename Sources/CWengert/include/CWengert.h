#ifndef CWENGERT_H
#define CWENGERT_H

// The C side of Wengert: what Swift cannot express without unsafeFlags.
//
// - Per-thread storage read through a static inline accessor: one load, no call
//   (docs/measurements.md: pthread_getspecific ~3 ns, @TaskLocal ~10 ns).
// - Locks: an inline spin lock for short critical sections on hot paths, striped
//   pthread mutexes for rare ones (both understood by the thread sanitizer).
// - CPU feature queries for run-time kernel dispatch (kernels are compiled with
//   __attribute__((target(...))) so the package builds with default flags).

#include <stddef.h>
#include <stdint.h>
#include "CWengertKernels.h"
#include "CWengertMath.h"
#include "CWengertOpenCL.h"
#include "CWengertReplay.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Per-thread slots, each an opaque pointer owned by the Swift side. Their numbers are
/// named here and nowhere else.
#define WENGERT_THREAD_SLOTS 8
/// The reverse-mode tape pool (Reverse/ReverseTapePool.swift).
#define WENGERT_SLOT_TAPE_POOL 0
/// The tensor layer's per-thread state: its cache of recordings (Tensor/TensorThreadState.swift).
#define WENGERT_SLOT_TENSOR_STATE 1
/// The depth of `withoutGradient { }` scopes, as an integer (Tensor/Tensor+Autograd.swift).
#define WENGERT_SLOT_NO_GRADIENT_DEPTH 2
/// Anomaly detection state (GradientCheck/AnomalyDetection.swift).
#define WENGERT_SLOT_ANOMALY 3
/// The observer of tensor backward rules (Tensor/TensorSweepObserver.swift).
#define WENGERT_SLOT_TENSOR_OBSERVER 4
/// Unretained caches of two process-wide objects that every tensor operation reaches,
/// the constants' tracking owner and the host arena (Tensor/TensorRecording.swift,
/// Tensor/TensorStorage.swift): a global `let` costs its accessor and a `swift_once`
/// call on each use, this one load. The globals keep both alive; no destructor.
#define WENGERT_SLOT_CONSTANT_OWNER 5
#define WENGERT_SLOT_HOST_ARENA 6
extern _Thread_local void *wengert_thread_slots[WENGERT_THREAD_SLOTS];

static inline void *wengert_thread_slot(int index) { return wengert_thread_slots[index]; }
static inline void wengert_set_thread_slot(int index, void *value) { wengert_thread_slots[index] = value; }

/// Registers `destructor` to run with slot `index`'s value when the calling thread exits
/// (through a pthread key, so per-thread caches owned by Swift are released rather than
/// leaked). Call it once per thread, after storing a non-null value in the slot.
void wengert_thread_slot_release_at_exit(int index, void (*destructor)(void *));

/// A spin lock on an int (0 free, 1 held) for critical sections of bookkeeping only:
/// one atomic exchange when free. Acquire/release ordering, so the thread sanitizer
/// sees the happens-before edges it creates.
void wengert_spin_lock_slow(int *word);
/// Asks for the cache line at `base` + `offset` bytes ahead of its use (a hint: never
/// faults, whatever the address). Integer arithmetic, so an address outside the
/// buffer is no undefined pointer arithmetic. The reverse sweep reads large tapes
/// through it (Reverse/Tape+Sweep.swift).
static inline void wengert_prefetch(const void *base, intptr_t offset) {
    __builtin_prefetch((const void *)((uintptr_t)base + (uintptr_t)offset), 0, 3);
}

static inline void wengert_spin_lock(int *word) {
    if (__builtin_expect(__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE) != 0, 0)) wengert_spin_lock_slow(word);
}
static inline void wengert_spin_unlock(int *word) { __atomic_store_n(word, 0, __ATOMIC_RELEASE); }


/// 1 when the running CPU has AVX-512F (and the kernels may use it), else 0.
int wengert_cpu_has_avx512f(void);
/// 1 when the running CPU has AVX2 and FMA, else 0.
int wengert_cpu_has_avx2_fma(void);

/// A stack of cached blocks of one size class (Device/BufferArena.swift): push and pop
/// without allocating once it has grown. Not synchronised; the arena's lock guards it.
typedef struct wengert_block_stack {
    void **items;
    long count;
    long capacity;
} wengert_block_stack;
static inline void *wengert_block_stack_pop(wengert_block_stack *stack) {
    return stack->count > 0 ? stack->items[--stack->count] : 0;
}
/// Pushes `block`; 0 when the stack could not grow (the caller frees the block instead).
int wengert_block_stack_push(wengert_block_stack *stack, void *block);
/// Frees the stack's own array (not the blocks in it) and empties it.
void wengert_block_stack_release(wengert_block_stack *stack);

/// The lock around the pool of recycled tape headers (Reverse/TapeHeader.swift).
void wengert_header_pool_lock(void);
void wengert_header_pool_unlock(void);

#ifdef __cplusplus
}
#endif

#endif

// Per-thread slots and their one thread-exit mechanism, and the spin lock's slow path.
//
// `_Thread_local` storage has no destructor of its own, so a pthread key carries a
// non-null marker whose destructor hands each registered slot's value back to its owner.
// glibc runs key destructors before it frees the thread's TLS block, so the slots are
// still readable there.

#include "CWengert.h"
#include <pthread.h>
#include <sched.h>

_Thread_local void *wengert_thread_slots[WENGERT_THREAD_SLOTS];

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static _Thread_local void (*slot_destructors[WENGERT_THREAD_SLOTS])(void *);

static void run_slot_destructors(void *marker) {
    (void)marker;
    for (int i = 0; i < WENGERT_THREAD_SLOTS; i++) {
        void (*destructor)(void *) = slot_destructors[i];
        void *value = wengert_thread_slots[i];
        slot_destructors[i] = 0;
        wengert_thread_slots[i] = 0;
        if (destructor && value) destructor(value);
    }
}

static void make_exit_key(void) { pthread_key_create(&exit_key, run_slot_destructors); }

void wengert_thread_slot_release_at_exit(int index, void (*destructor)(void *)) {
    if (index < 0 || index >= WENGERT_THREAD_SLOTS) return;
    pthread_once(&exit_key_once, make_exit_key);
    slot_destructors[index] = destructor;
    pthread_setspecific(exit_key, (void *)1);
}

void wengert_spin_lock_slow(int *word) {
    for (int spins = 0;; spins++) {
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 && __atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE) == 0) return;
        // Critical sections are a few hundred nanoseconds of bookkeeping: spin briefly,
        // then let the holder run (on two cores it may be waiting for this one).
        if (spins < 64) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        } else {
            sched_yield();
        }
    }
}

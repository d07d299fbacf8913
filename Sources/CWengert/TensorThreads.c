// Releases the tensor layer's per-thread state when a thread exits. `_Thread_local`
// storage has no destructors, so a pthread key carries the same pointer and its
// destructor hands it back to Swift.

#include "CWengert.h"
#include <pthread.h>

static pthread_key_t wengert_tensor_key;
static pthread_once_t wengert_tensor_once = PTHREAD_ONCE_INIT;
static void (*wengert_tensor_release)(void *);

static void wengert_tensor_thread_exit(void *state) {
    void (*release)(void *) = __atomic_load_n(&wengert_tensor_release, __ATOMIC_ACQUIRE);
    wengert_thread_slots[1] = NULL;
    if (release && state) release(state);
}

static void wengert_tensor_make_key(void) { pthread_key_create(&wengert_tensor_key, wengert_tensor_thread_exit); }

void wengert_tensor_register_thread_state(void *state, void (*release)(void *)) {
    pthread_once(&wengert_tensor_once, wengert_tensor_make_key);
    __atomic_store_n(&wengert_tensor_release, release, __ATOMIC_RELEASE);
    pthread_setspecific(wengert_tensor_key, state);
}

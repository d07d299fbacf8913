// Per-thread scratch buffers, reused across calls (a fresh multi-megabyte allocation per
// call would cost page faults each time) and freed at thread exit through a pthread key,
// since _Thread_local storage has no destructors. Slots 0 and 1 hold the GEMM's packed
// panels (Gemm.c), slot 2 a fused program's registers and blocks (Fused.c).

#include "WengertInternal.h"
#include <pthread.h>
#include <stdlib.h>

#define SCRATCH_SLOTS 4
typedef struct {
    void *buffer[SCRATCH_SLOTS];
    size_t size[SCRATCH_SLOTS];
} scratch_state;

static _Thread_local scratch_state *scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_release(void *state) {
    scratch_state *s = (scratch_state *)state;
    for (int i = 0; i < SCRATCH_SLOTS; i++) free(s->buffer[i]);
    free(s);
}

static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_release); }

void *wengert_scratch(int slot, size_t bytes) {
    scratch_state *s = scratch;
    if (!s) {
        s = (scratch_state *)calloc(1, sizeof(scratch_state));
        if (!s) abort();
        pthread_once(&scratch_once, scratch_make_key);
        pthread_setspecific(scratch_key, s);
        scratch = s;
    }
    if (s->size[slot] < bytes) {
        free(s->buffer[slot]);
        size_t rounded = (bytes + 4095) & ~(size_t)4095;
        s->buffer[slot] = aligned_alloc(64, rounded);
        if (!s->buffer[slot]) abort();
        s->size[slot] = rounded;
    }
    return s->buffer[slot];
}

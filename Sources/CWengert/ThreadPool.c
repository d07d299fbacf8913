// A small persistent thread pool for the kernels: workers started on first use and kept
// for the life of the process, woken per job. A job is a count of independent parts; the
// caller and the workers claim parts with an atomic counter, so an uneven split or a
// worker that wakes late costs nothing but its share. Only one job runs at a time: a
// second caller (another user thread, or a kernel called from inside a part) runs its
// parts itself, in order, rather than waiting.
//
// Waiting: a worker spins briefly after a job before sleeping on a condition variable
// (back-to-back kernels of one training step then find it awake); the caller spins
// briefly for the last parts, then sleeps. Every shared field is either written before
// the release store of `generation` that publishes the job, or an atomic, and sleeping
// uses a pthread mutex and condition variables, which the thread sanitizer understands.
//
// The thread count is WENGERT_THREADS (if set) or the online CPUs, capped at 64, and can
// be changed at run time with wengert_set_thread_count.

#include "CWengert.h"
#include "WengertInternal.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_THREADS 64
#define WORKER_SPIN 4000
#define CALLER_SPIN 20000

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER;

static int thread_count = 0; // 0: not yet read from the environment
static long started_workers = 0; // guarded by pool_lock
static unsigned long generation = 0; // atomic; bumped to publish a job

// The job, written by its caller (holding pool_busy) before publishing it.
static void (*job_task)(void *, long);
static void *job_context;
static long job_parts;
static long job_next; // atomic: the next unclaimed part
static long job_active; // atomic: participating workers not yet finished

static _Thread_local int inside_worker;

static int default_thread_count(void) {
    const char *env = getenv("WENGERT_THREADS");
    long n = env ? strtol(env, NULL, 10) : 0;
    if (n <= 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int wengert_thread_count(void) {
    int n = __atomic_load_n(&thread_count, __ATOMIC_RELAXED);
    if (n == 0) {
        n = default_thread_count();
        int expected = 0;
        __atomic_compare_exchange_n(&thread_count, &expected, n, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
        n = __atomic_load_n(&thread_count, __ATOMIC_RELAXED);
    }
    return n;
}

int wengert_set_thread_count(int count) {
    int previous = wengert_thread_count();
    int n = count <= 0 ? default_thread_count() : (count > MAX_THREADS ? MAX_THREADS : count);
    __atomic_store_n(&thread_count, n, __ATOMIC_RELAXED);
    return previous;
}

static void run_parts(void (*task)(void *, long), void *context, long parts) {
    long part;
    while ((part = __atomic_fetch_add(&job_next, 1, __ATOMIC_RELAXED)) < parts) task(context, part);
}

static void *worker_main(void *argument) {
    (void)argument;
    inside_worker = 1;
    unsigned long seen = 0;
    for (;;) {
        unsigned long now = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
        for (int spin = 0; now == seen && spin < WORKER_SPIN; spin++) {
            CPU_RELAX();
            now = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
        }
        if (now == seen) {
            pthread_mutex_lock(&pool_lock);
            while ((now = __atomic_load_n(&generation, __ATOMIC_ACQUIRE)) == seen)
                pthread_cond_wait(&pool_wake, &pool_lock);
            pthread_mutex_unlock(&pool_lock);
        }
        seen = now;
        run_parts(job_task, job_context, job_parts);
        if (__atomic_sub_fetch(&job_active, 1, __ATOMIC_ACQ_REL) == 0) {
            pthread_mutex_lock(&pool_lock);
            pthread_cond_signal(&pool_done);
            pthread_mutex_unlock(&pool_lock);
        }
    }
    return NULL;
}

long wengert_parallel_threads(double work, double min_per_thread) {
    if (inside_worker) return 1;
    long threads = wengert_thread_count();
    if (threads <= 1) return 1;
    double useful = work / min_per_thread;
    if (useful < 2) return 1;
    return useful < (double)threads ? (long)useful : threads;
}

void wengert_parallel_run(long parts, void (*task)(void *context, long part), void *context) {
    long workers = wengert_thread_count() - 1;
    if (workers > parts - 1) workers = parts - 1;
    if (workers <= 0 || inside_worker || pthread_mutex_trylock(&pool_busy) != 0) {
        for (long part = 0; part < parts; part++) task(context, part);
        return;
    }
    pthread_mutex_lock(&pool_lock);
    while (started_workers < workers) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)started_workers);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started_workers++;
    }
    // Every started worker takes part (those beyond `parts` find nothing to claim), so
    // the caller's wait below covers them all and none can lag a job behind.
    workers = started_workers;
    if (workers == 0) {
        pthread_mutex_unlock(&pool_lock);
        pthread_mutex_unlock(&pool_busy);
        for (long part = 0; part < parts; part++) task(context, part);
        return;
    }
    job_task = task;
    job_context = context;
    job_parts = parts;
    __atomic_store_n(&job_next, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&job_active, workers, __ATOMIC_RELAXED);
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);

    run_parts(task, context, parts);

    for (int spin = 0; spin < CALLER_SPIN && __atomic_load_n(&job_active, __ATOMIC_ACQUIRE) != 0; spin++) CPU_RELAX();
    if (__atomic_load_n(&job_active, __ATOMIC_ACQUIRE) != 0) {
        pthread_mutex_lock(&pool_lock);
        while (__atomic_load_n(&job_active, __ATOMIC_ACQUIRE) != 0) pthread_cond_wait(&pool_done, &pool_lock);
        pthread_mutex_unlock(&pool_lock);
    }
    pthread_mutex_unlock(&pool_busy);
}

// A small persistent thread pool for the kernels: workers started on first use and kept
// for the life of the process, woken per job. A job is a count of independent parts; the
// caller and the workers claim parts with an atomic counter, so an uneven split costs
// nothing but its share. Only one job runs at a time: a second caller (another user
// thread, or a kernel called from inside a part) runs its parts itself, in order.
//
// The caller never waits for a worker that has not started on its job: a worker enters
// the job by incrementing a reference count in `job_word` while the job is open; the
// caller closes the job when every part is claimed and waits only for the workers
// inside. On a machine busier than its cores a worker may not be scheduled for
// milliseconds, and the caller then simply does all the parts itself. `job_word` holds
// the job's sequence number (high half), the open bit and the reference count, so a
// worker that wakes late cannot enter a job that has been closed.
//
// Waiting: a worker spins briefly after a job before sleeping on a condition variable
// (back-to-back kernels of one training step then find it awake). Every shared field is
// written before the release store that opens the job, or is an atomic; sleeping uses a
// pthread mutex and condition variables, which the thread sanitizer understands.
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
static unsigned long generation = 0; // atomic; bumped to wake the workers

// The job, written by its caller (holding pool_busy) before opening it.
static void (*job_task)(void *, long);
static void *job_context;
static long job_parts;
static long job_next; // atomic: the next unclaimed part
#define JOB_OPEN (1ULL << 31)
#define JOB_REFS (JOB_OPEN - 1)
static unsigned long long job_word; // atomic: sequence << 32 | open | workers inside
static unsigned long long job_sequence; // guarded by pool_busy

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

// Enters the current job if it is open; returns 0 when there is none to enter.
static int enter_job(void) {
    unsigned long long word = __atomic_load_n(&job_word, __ATOMIC_ACQUIRE);
    while (word & JOB_OPEN) {
        if (__atomic_compare_exchange_n(&job_word, &word, word + 1, 1, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) return 1;
    }
    return 0;
}

static void leave_job(void) {
    unsigned long long word = __atomic_sub_fetch(&job_word, 1, __ATOMIC_RELEASE);
    if ((word & JOB_REFS) == 0 && !(word & JOB_OPEN)) {
        pthread_mutex_lock(&pool_lock);
        pthread_cond_broadcast(&pool_done);
        pthread_mutex_unlock(&pool_lock);
    }
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
        if (!enter_job()) continue;
        run_parts(job_task, job_context, job_parts);
        leave_job();
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
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started_workers++;
    }
    pthread_mutex_unlock(&pool_lock);

    job_task = task;
    job_context = context;
    job_parts = parts;
    __atomic_store_n(&job_next, 0, __ATOMIC_RELAXED);
    job_sequence++;
    __atomic_store_n(&job_word, (job_sequence << 32) | JOB_OPEN, __ATOMIC_RELEASE);
    pthread_mutex_lock(&pool_lock);
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);

    run_parts(task, context, parts);

    // Every part is claimed: close the job, then wait for the workers inside it.
    unsigned long long word = __atomic_and_fetch(&job_word, ~JOB_OPEN, __ATOMIC_ACQ_REL);
    for (int spin = 0; (word & JOB_REFS) != 0 && spin < CALLER_SPIN; spin++) {
        CPU_RELAX();
        word = __atomic_load_n(&job_word, __ATOMIC_ACQUIRE);
    }
    if ((word & JOB_REFS) != 0) {
        pthread_mutex_lock(&pool_lock);
        while ((__atomic_load_n(&job_word, __ATOMIC_ACQUIRE) & JOB_REFS) != 0) pthread_cond_wait(&pool_done, &pool_lock);
        pthread_mutex_unlock(&pool_lock);
    }
    pthread_mutex_unlock(&pool_busy);
}

#include "CWengertOpenCL.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

// One table per process, filled on first use. dlopen keeps the library loaded for the
// rest of the process: OpenCL drivers start threads that must not outlive their code.

static wengert_cl_api api;
static const wengert_cl_api *loaded = NULL;
static char load_error[256] = "";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static int bind(void *library, void **slot, const char *name) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(load_error, sizeof load_error, "libOpenCL.so.1 has no %s", name);
        return 0;
    }
    return 1;
}

static void load(void) {
    void *library = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : "dlopen(libOpenCL.so.1) failed");
        return;
    }
#define BIND(member) if (!bind(library, (void **)&api.member, "cl" #member)) return;
    BIND(GetPlatformIDs) BIND(GetPlatformInfo) BIND(GetDeviceIDs) BIND(GetDeviceInfo)
    BIND(CreateContext) BIND(ReleaseContext) BIND(CreateCommandQueue) BIND(ReleaseCommandQueue)
    BIND(CreateBuffer) BIND(ReleaseMemObject) BIND(EnqueueReadBuffer) BIND(EnqueueWriteBuffer)
    BIND(EnqueueCopyBuffer) BIND(CreateProgramWithSource) BIND(BuildProgram) BIND(GetProgramBuildInfo)
    BIND(ReleaseProgram) BIND(CreateKernel) BIND(ReleaseKernel) BIND(SetKernelArg)
    BIND(EnqueueNDRangeKernel) BIND(Finish) BIND(Flush)
#undef BIND
    loaded = &api;
}

const wengert_cl_api *wengert_opencl_api(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *wengert_opencl_load_error(void) {
    pthread_once(&load_once, load);
    return load_error;
}

struct wengert_lock { pthread_mutex_t mutex; };

wengert_lock *wengert_lock_create(void) {
    wengert_lock *lock = malloc(sizeof *lock);
    if (lock == NULL) abort();
    pthread_mutex_init(&lock->mutex, NULL);
    return lock;
}
void wengert_lock_acquire(wengert_lock *lock) { pthread_mutex_lock(&lock->mutex); }
void wengert_lock_release(wengert_lock *lock) { pthread_mutex_unlock(&lock->mutex); }
void wengert_lock_destroy(wengert_lock *lock) {
    pthread_mutex_destroy(&lock->mutex);
    free(lock);
}

void *wengert_host_allocate(size_t bytes) {
    void *pointer = NULL;
    if (posix_memalign(&pointer, 64, bytes == 0 ? 64 : bytes) != 0) return NULL;
    return pointer;
}
void wengert_host_free(void *pointer) { free(pointer); }

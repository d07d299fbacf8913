#ifndef CWENGERT_OPENCL_H
#define CWENGERT_OPENCL_H

// The OpenCL 1.2 types and entry points Wengert uses, declared here so that the package
// needs no OpenCL headers, no link flags and no OpenCL at all to build. The library is
// loaded at run time with dlopen("libOpenCL.so.1") (the ICD loader; the unversioned
// libOpenCL.so exists only with development packages), and the entry points are looked
// up with dlsym into one table. Where no loader exists the table is NULL and
// Device.openCL is nil. Constants (the Khronos cl.h values) live on the Swift side.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t wengert_cl_int;
typedef uint32_t wengert_cl_uint;
typedef uint64_t wengert_cl_ulong;
typedef uint64_t wengert_cl_bitfield;
typedef struct wengert_cl_platform *wengert_cl_platform_id;
typedef struct wengert_cl_device *wengert_cl_device_id;
typedef struct wengert_cl_context *wengert_cl_context;
typedef struct wengert_cl_queue *wengert_cl_command_queue;
typedef struct wengert_cl_mem *wengert_cl_mem;
typedef struct wengert_cl_program *wengert_cl_program;
typedef struct wengert_cl_kernel *wengert_cl_kernel;
typedef struct wengert_cl_event *wengert_cl_event;
typedef intptr_t wengert_cl_context_properties;


/// The entry points, filled by dlsym. Every member is non-NULL in a loaded table.
typedef struct wengert_cl_api {
    wengert_cl_int (*GetPlatformIDs)(wengert_cl_uint, wengert_cl_platform_id *, wengert_cl_uint *);
    wengert_cl_int (*GetPlatformInfo)(wengert_cl_platform_id, wengert_cl_uint, size_t, void *, size_t *);
    wengert_cl_int (*GetDeviceIDs)(wengert_cl_platform_id, wengert_cl_bitfield, wengert_cl_uint,
                                   wengert_cl_device_id *, wengert_cl_uint *);
    wengert_cl_int (*GetDeviceInfo)(wengert_cl_device_id, wengert_cl_uint, size_t, void *, size_t *);
    wengert_cl_context (*CreateContext)(const wengert_cl_context_properties *, wengert_cl_uint,
                                        const wengert_cl_device_id *, void *, void *, wengert_cl_int *);
    wengert_cl_int (*ReleaseContext)(wengert_cl_context);
    wengert_cl_command_queue (*CreateCommandQueue)(wengert_cl_context, wengert_cl_device_id, wengert_cl_bitfield,
                                                   wengert_cl_int *);
    wengert_cl_int (*ReleaseCommandQueue)(wengert_cl_command_queue);
    wengert_cl_mem (*CreateBuffer)(wengert_cl_context, wengert_cl_bitfield, size_t, void *, wengert_cl_int *);
    wengert_cl_int (*ReleaseMemObject)(wengert_cl_mem);
    wengert_cl_int (*EnqueueReadBuffer)(wengert_cl_command_queue, wengert_cl_mem, wengert_cl_uint, size_t, size_t,
                                        void *, wengert_cl_uint, const wengert_cl_event *, wengert_cl_event *);
    wengert_cl_int (*EnqueueWriteBuffer)(wengert_cl_command_queue, wengert_cl_mem, wengert_cl_uint, size_t, size_t,
                                         const void *, wengert_cl_uint, const wengert_cl_event *, wengert_cl_event *);
    wengert_cl_int (*EnqueueCopyBuffer)(wengert_cl_command_queue, wengert_cl_mem, wengert_cl_mem, size_t, size_t,
                                        size_t, wengert_cl_uint, const wengert_cl_event *, wengert_cl_event *);
    wengert_cl_program (*CreateProgramWithSource)(wengert_cl_context, wengert_cl_uint, const char **, const size_t *,
                                                  wengert_cl_int *);
    wengert_cl_int (*BuildProgram)(wengert_cl_program, wengert_cl_uint, const wengert_cl_device_id *, const char *,
                                   void *, void *);
    wengert_cl_int (*GetProgramBuildInfo)(wengert_cl_program, wengert_cl_device_id, wengert_cl_uint, size_t, void *,
                                          size_t *);
    wengert_cl_int (*ReleaseProgram)(wengert_cl_program);
    wengert_cl_kernel (*CreateKernel)(wengert_cl_program, const char *, wengert_cl_int *);
    wengert_cl_int (*ReleaseKernel)(wengert_cl_kernel);
    wengert_cl_int (*SetKernelArg)(wengert_cl_kernel, wengert_cl_uint, size_t, const void *);
    wengert_cl_int (*EnqueueNDRangeKernel)(wengert_cl_command_queue, wengert_cl_kernel, wengert_cl_uint,
                                           const size_t *, const size_t *, const size_t *, wengert_cl_uint,
                                           const wengert_cl_event *, wengert_cl_event *);
    wengert_cl_int (*Finish)(wengert_cl_command_queue);
    wengert_cl_int (*Flush)(wengert_cl_command_queue);
} wengert_cl_api;

/// The loaded table, or NULL when libOpenCL.so.1 cannot be opened or lacks an entry
/// point. Loads once per process (thread-safe); later calls return the same answer.
const wengert_cl_api *wengert_opencl_api(void);

/// Why wengert_opencl_api() returned NULL (dlerror's text or the missing symbol), or ""
/// when it did not.
const char *wengert_opencl_load_error(void);

/// A process-wide lock (a pthread mutex, which the thread sanitizer understands), for
/// the OpenCL device registry, the buffer arenas and each device's queue.
typedef struct wengert_lock wengert_lock;
wengert_lock *wengert_lock_create(void);
void wengert_lock_acquire(wengert_lock *lock);
void wengert_lock_release(wengert_lock *lock);
void wengert_lock_destroy(wengert_lock *lock);

/// Aligned host memory for the CPU buffer arena (64-byte alignment, for AVX-512 loads);
/// NULL when the system has no memory for `bytes`.
void *wengert_host_allocate(size_t bytes);
void wengert_host_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif

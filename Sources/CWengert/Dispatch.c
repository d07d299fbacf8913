// Which instruction set the kernels use. Chosen once per process from the CPU (or the
// WENGERT_KERNEL_LEVEL environment variable: avx512, avx2 or portable, capped at what
// the CPU has), and overridable per thread so tests exercise every path on one machine
// without disturbing tests running beside them.

#include "CWengert.h"
#include "WengertInternal.h"
#include <stdlib.h>
#include <string.h>

static int process_level = -1;
static _Thread_local int thread_level = -1;

static int cpu_level(void) {
    return wengert_cpu_has_avx512f() ? 2 : (wengert_cpu_has_avx2_fma() ? 1 : 0);
}

int wengert_kernel_level_supported(void) { return cpu_level(); }

int wengert_kernel_level(void) {
    int forced = thread_level;
    if (forced >= 0) return forced;
    int level = __atomic_load_n(&process_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = cpu_level();
        const char *env = getenv("WENGERT_KERNEL_LEVEL");
        if (env) {
            int wanted = level;
            if (strcmp(env, "avx512") == 0 || strcmp(env, "2") == 0) wanted = 2;
            else if (strcmp(env, "avx2") == 0 || strcmp(env, "1") == 0) wanted = 1;
            else if (strcmp(env, "portable") == 0 || strcmp(env, "0") == 0) wanted = 0;
            if (wanted < level) level = wanted;
        }
        __atomic_store_n(&process_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

int wengert_set_thread_kernel_level(int level) {
    int previous = wengert_kernel_level();
    int supported = cpu_level();
    thread_level = level < 0 ? -1 : (level > supported ? supported : level);
    return previous;
}

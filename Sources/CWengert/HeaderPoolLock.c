#include "CWengert.h"
#include <pthread.h>

// A plain pthread mutex rather than Swift's Synchronization.Mutex: the thread sanitizer
// intercepts pthread_mutex_lock and so sees the ordering it creates, while it does not
// model the futex behind Mutex and reported a false race on the pool.
static pthread_mutex_t header_pool_mutex = PTHREAD_MUTEX_INITIALIZER;

void wengert_header_pool_lock(void) { pthread_mutex_lock(&header_pool_mutex); }
void wengert_header_pool_unlock(void) { pthread_mutex_unlock(&header_pool_mutex); }

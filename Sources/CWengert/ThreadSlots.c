#include "CWengert.h"

_Thread_local void *wengert_thread_slots[WENGERT_THREAD_SLOTS];

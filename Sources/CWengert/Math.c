// glibc declares sincos only under _GNU_SOURCE, which Swift's Glibc module map does not
// define: this file is the one place that asks for it.
#define _GNU_SOURCE
#include <math.h>
#include "CWengertMath.h"

void wengert_sincos(double x, double *sin_x, double *cos_x) {
#if defined(__GLIBC__)
    sincos(x, sin_x, cos_x);
#else
    *sin_x = sin(x);
    *cos_x = cos(x);
#endif
}

void wengert_sincosf(float x, float *sin_x, float *cos_x) {
#if defined(__GLIBC__)
    sincosf(x, sin_x, cos_x);
#else
    *sin_x = sinf(x);
    *cos_x = cosf(x);
#endif
}

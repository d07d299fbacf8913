// Vectorised elementary functions for the tensor kernels (see CWengertKernels.h).
//
// Each function is a branch-free scalar body in double precision (range reduction,
// polynomial, reconstruction by exponent bits, special cases by selects), inlined into a
// plain loop that clang's vectoriser turns into AVX-512, AVX2 or SSE2 code in the three
// target-attributed copies. Float tensors go through the same double bodies, converting
// each element in and rounding the result out: half the lanes of a float body, but well
// under one ulp of Float everywhere, where a float polynomial would cost several. Float
// tanh is the exception (an MLP's activation, the largest cost of its step after the
// GEMMs): a single-precision body at the FMA levels, within 1 ulp of the correctly
// rounded Float, with twice the lanes.
//
// Accuracy against libm over the whole range is measured by a test (ulp table in
// ARCHITECTURE.md). Arguments a body cannot reduce accurately (sin, cos and tan beyond
// |x| = 2^19·π/2) are fixed up afterwards by libm, element by element: a compare per
// element, and a libm call only where needed.
//
// Functions with no vectorised body here (asin, acos, atan, cbrt, erf) run libm in a C
// loop: no vector speed-up, but no Swift closure per element either.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// A value's bits and back, for double (bits_of, from_bits) and float (_f).
#define BIT_CASTS(BITS, FROM, FLOAT, UINT)                                                             \
    static inline UINT BITS(FLOAT x) {                                                                 \
        UINT u;                                                                                        \
        memcpy(&u, &x, sizeof u);                                                                      \
        return u;                                                                                      \
    }                                                                                                  \
    static inline FLOAT FROM(UINT u) {                                                                 \
        FLOAT x;                                                                                       \
        memcpy(&x, &u, sizeof x);                                                                      \
        return x;                                                                                      \
    }
BIT_CASTS(bits_of, from_bits, double, uint64_t)
BIT_CASTS(bits_of_f, from_bits_f, float, uint32_t)

#define SHIFTER 0x1.8p52
static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;

// x = k·ln2 + r with |r| <= ln2/2 (k an integer in double, ki the same as an integer).
static inline double reduce_ln2(double x, double *k, int64_t *ki) {
    double kd = x * 1.4426950408889634 + SHIFTER;
    *ki = (int64_t)(bits_of(kd) & 0x000fffffffffffffULL) - (int64_t)(1LL << 51);
    *k = kd - SHIFTER;
    return (x - *k * ln2_hi) - *k * ln2_lo;
}

static inline double pow2_bits(int64_t k) { return from_bits((uint64_t)(k + 1023) << 52); }

// eʳ - 1 - r - r²/2 over r³, |r| <= 0.347: Taylor to r¹³ (truncation < 2^-60 relative).
static inline double expm1_tail(double r) {
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    return p;
}

static inline double w_exp(double x) {
    double xc = x > 709.8 ? 709.8 : (x < -746.0 ? -746.0 : x); // NaN passes through
    double k;
    int64_t ki;
    double r = reduce_ln2(xc, &k, &ki);
    double er = 1.0 + (r + r * r * (0.5 + r * expm1_tail(r)));
    // 2^k in two factors, so k = 1024 and the subnormal range stay representable.
    int64_t k1 = ki >> 1, k2 = ki - k1;
    return (er * pow2_bits(k1)) * pow2_bits(k2);
}

static inline double w_expm1(double x) {
    double xc = x > 709.8 ? 709.8 : (x < -40.0 ? -40.0 : x);
    double k;
    int64_t ki;
    double r = reduce_ln2(xc, &k, &ki);
    double em = r + r * r * (0.5 + r * expm1_tail(r));
    int64_t kc = ki > 60 ? 60 : ki;
    double s = pow2_bits(kc);
    double small = s * em + (s - 1.0);
    int64_t k1 = ki >> 1, k2 = ki - k1;
    double large = ((1.0 + em) * pow2_bits(k1)) * pow2_bits(k2);
    // The polynomial turns -0 into +0; libm keeps the sign (a blend, still vectorised).
    return x == 0.0 ? x : (ki > 56 ? large : small);
}

// ln x: x = 2^e·m with m in [√½, √2), f = m - 1, s = f/(2 + f), ln(1 + f) = 2 atanh s
// (fdlibm's e_log.c with its minimax coefficients).
static inline double w_log(double x) {
    int sub = x < 0x1p-1022;
    double xs = sub ? x * 0x1p54 : x;
    uint64_t ix = bits_of(xs);
    int64_t e = (int64_t)((ix >> 52) & 0x7ff) - 1023 - (sub ? 54 : 0);
    double m = from_bits((ix & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    int big = m > 1.4142135623730951;
    m = big ? m * 0.5 : m;
    e = e + big;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double R = z * (6.666666666666735130e-01 +
                    z * (3.999999999940941908e-01 +
                         z * (2.857142874366239149e-01 +
                              z * (2.222219843214978396e-01 +
                                   z * (1.818357216161805012e-01 + z * (1.531383769920937332e-01 + z * 1.479819860511658591e-01))))));
    double hfsq = 0.5 * f * f;
    // e to double without a 64-bit integer conversion (AVX2 has none): via the shifter.
    double dk = from_bits(bits_of(SHIFTER) + (uint64_t)e) - SHIFTER;
    double result = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
    double special = x == 0 ? -INFINITY : (x == INFINITY ? INFINITY : NAN);
    return (x > 0 && x < INFINITY) ? result : (x != x ? x : special);
}

static inline double w_log1p(double x) {
    double u = 1.0 + x;
    // ln(1 + x) = ln u + (x - (u - 1))/u: the second term restores what rounding 1 + x lost.
    double c = (u > 0 && u < INFINITY) ? (x - (u - 1.0)) / u : 0.0;
    return u == 1.0 ? x : w_log(u) + c;
}

// sin and cos of x = n·π/2 + r, |r| <= π/4, with fdlibm's kernel polynomials; the
// quadrant n mod 4 picks and signs them. Valid for |x| <= 2^19·π/2 (n·pio2_1 exact).
#define TRIG_LIMIT 823549.6
static inline void sincos_core(double x, double *sin_r, double *cos_r, int64_t *quadrant) {
    double nd = x * 6.36619772367581382433e-01 + SHIFTER;
    *quadrant = (int64_t)(bits_of(nd) & 3);
    double n = nd - SHIFTER;
    // π/2 in four parts (fdlibm's pio2_1, pio2_2, pio2_3, pio2_3t): the first three
    // products are exact, and the last term keeps r accurate when x is near a multiple of
    // π/2 and r cancels to ~1e-17 (cos at x = π/2).
    double r = ((x - n * 1.57079632673412561417e+00) - n * 6.07710050630396597660e-11) - n * 2.02226624871116645580e-21;
    r = r - n * 8.47842766036889956997e-32;
    double z = r * r;
    double v = z * r;
    double sp = 8.33333333332248946124e-03 +
                z * (-1.98412698298579493134e-04 +
                     z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
    *sin_r = r + v * (-1.66666666666666324348e-01 + z * sp);
    double cp = z * (4.16666666666666019037e-02 +
                     z * (-1.38888888888741095749e-03 +
                          z * (2.48015872894767294178e-05 +
                               z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
    double hz = 0.5 * z;
    double w = 1.0 - hz;
    *cos_r = w + (((1.0 - w) - hz) + z * cp);
}

static inline double w_sin(double x) {
    double s, c;
    int64_t q;
    sincos_core(x, &s, &c, &q);
    double v = (q & 1) ? c : s;
    v = (q & 2) ? -v : v;
    return x == 0.0 ? x : v;  // sin(-0) = -0, as libm
}

static inline double w_cos(double x) {
    double s, c;
    int64_t q;
    sincos_core(x, &s, &c, &q);
    double v = (q & 1) ? s : c;
    return ((q + 1) & 2) ? -v : v;
}

static inline double w_tan(double x) {
    double s, c;
    int64_t q;
    sincos_core(x, &s, &c, &q);
    double v = (q & 1) ? -c / s : s / c;
    return x == 0.0 ? x : v;  // tan(-0) = -0, as libm
}

static inline double w_tanh(double x) {
    double a = fabs(x);
    double em = w_expm1(2.0 * a);
    double t = a > 22.0 ? 1.0 : em / (em + 2.0);
    return copysign(t, x);
}

// tanh in single precision, for the FMA levels only (__builtin_fmaf is one instruction
// there, a libm call without FMA). Exhaustively over all Floats (docs/measurements.md):
// at most 0.73 ulp from the exact value, 1 ulp from the correctly rounded Float.
// |x| < 0.625: x + x³·P(x²), a degree-5 fit of the relative error (tiny x come out exact).
// Above: q = e^(-2|x|) as qh + ql, tanh = 1 - 2q/(1 + q) with the rounding error of the
// sum, the quotient and the difference each carried by FMA and two-sum steps; without
// them it is 2.2 ulp just above the switch, where 2q/(1 + q) is as large as the result.
static inline float w_tanh_single(float x) {
    float a = fabsf(x);
    float s = a * a;
    float p = 0.002142887795343995f;
    p = __builtin_fmaf(p, s, -0.008177196606993675f);
    p = __builtin_fmaf(p, s, 0.021700548008084297f);
    p = __builtin_fmaf(p, s, -0.05394671484827995f);
    p = __builtin_fmaf(p, s, 0.1333320587873459f);
    p = __builtin_fmaf(p, s, -0.3333333134651184f);
    float small = __builtin_fmaf(a * s, p, a);
    // |x| >= 9.01 rounds to 1; the clamp keeps 2^k normal and maps infinity there too.
    float v = -2.0f * (a > 10.0f ? 10.0f : a);
    float kd = __builtin_fmaf(v, 1.44269504088896341f, 0x1.8p23f);
    int32_t ki = (int32_t)bits_of_f(kd) - (int32_t)bits_of_f(0x1.8p23f);
    float k = kd - 0x1.8p23f;
    float r = __builtin_fmaf(k, 0x1.05c61p-29f, __builtin_fmaf(k, -0x1.62e43p-1f, v));
    float e = 1.0f / 5040.0f; // e^r - 1 - r over r², Taylor, |r| <= ln2/2
    e = __builtin_fmaf(e, r, 1.0f / 720.0f);
    e = __builtin_fmaf(e, r, 1.0f / 120.0f);
    e = __builtin_fmaf(e, r, 1.0f / 24.0f);
    e = __builtin_fmaf(e, r, 1.0f / 6.0f);
    e = __builtin_fmaf(e, r, 0.5f);
    e = __builtin_fmaf(r * r, e, r);
    float scale = from_bits_f((uint32_t)(ki + 127) << 23);
    float es = e * scale;
    float qh = scale + es;
    float ql = (scale - qh) + es; // exact: scale >= |es|
    float d = 1.0f + qh;
    float dl = ((1.0f - d) + qh) + ql;
    float inv = 1.0f / d;
    float t = 2.0f * qh * inv;
    float residual = __builtin_fmaf(-t, d, 2.0f * qh) + 2.0f * ql;
    float correction = (residual - t * dl) * inv;
    float h = 1.0f - t;
    float hl = (1.0f - h) - t;
    float large = h + (hl - correction);
    return copysignf(a < 0.625f ? small : large, x);
}

static inline double w_sigmoid(double x) {
    double e = w_exp(x >= 0 ? -x : x);
    double r = 1.0 / (1.0 + e);
    return x >= 0 ? r : e * r;
}

static inline double w_softplus(double x) {
    double m = x > 0 ? x : 0.0;
    return m + w_log1p(w_exp(-fabs(x)));
}

static inline double w_sinh(double x) {
    double a = fabs(x);
    double em = w_expm1(a);
    double h = w_exp(0.5 * a);
    double v = a > 709.0 ? (0.5 * h) * h : 0.5 * (em + em / (em + 1.0));
    return copysign(v, x);
}

static inline double w_cosh(double x) {
    double a = fabs(x);
    double e = w_exp(a);
    double h = w_exp(0.5 * a);
    return a > 709.0 ? (0.5 * h) * h : 0.5 * (e + 1.0 / e);
}

static inline double w_log2(double x) { return w_log(x) * 1.44269504088896338700; }
static inline double w_log10(double x) { return w_log(x) * 0.43429448190325181667; }
static inline double w_sqrt(double x) { return __builtin_elementwise_sqrt(x); }
static inline double w_abs(double x) { return fabs(x); }
static inline double w_relu(double x) { return (x > 0 || x != x) ? x : 0.0; } // NaN passes through
static inline double w_negate(double x) { return -x; }

// One loop per function and type, at every instruction-set level (WengertInternal.h).
#define F64_LEVELS(NAME)                                                                               \
    WENGERT_AT_LEVELS(void, NAME##_f64, (const double *restrict x, double *restrict out, long n),      \
                      for (long i = 0; i < n; i++) out[i] = w_##NAME(x[i]);)
#define F32_LEVELS(NAME)                                                                               \
    WENGERT_AT_LEVELS(void, NAME##_f32, (const float *restrict x, float *restrict out, long n),        \
                      for (long i = 0; i < n; i++) out[i] = (float)w_##NAME((double)x[i]);)

#define VECTORISED_BEFORE_TANH(M) M(exp) M(expm1) M(log) M(log1p) M(log2) M(log10) M(sin) M(cos) M(tan)
#define VECTORISED_AFTER_TANH(M) M(sigmoid) M(softplus) M(sinh) M(cosh) M(sqrt) M(abs) M(relu) M(negate)
#define FOR_EACH_VECTORISED(M) VECTORISED_BEFORE_TANH(M) M(tanh) VECTORISED_AFTER_TANH(M)

FOR_EACH_VECTORISED(F64_LEVELS)
VECTORISED_BEFORE_TANH(F32_LEVELS)
VECTORISED_AFTER_TANH(F32_LEVELS)

// Float tanh: the double body where there is no FMA, the single-precision one where there is.
#define TANH_F32_PARAMS (const float *restrict x, float *restrict out, long n)
static void tanh_f32_portable TANH_F32_PARAMS {
    for (long i = 0; i < n; i++) out[i] = (float)w_tanh((double)x[i]);
}
WENGERT_TARGET_AVX2 static void tanh_f32_avx2 TANH_F32_PARAMS {
    for (long i = 0; i < n; i++) out[i] = w_tanh_single(x[i]);
}
WENGERT_TARGET_AVX512 static void tanh_f32_avx512 TANH_F32_PARAMS {
    for (long i = 0; i < n; i++) out[i] = w_tanh_single(x[i]);
}

typedef void (*unary_f64_fn)(const double *, double *, long);
typedef void (*unary_f32_fn)(const float *, float *, long);

#define TABLE_ENTRY_F64(NAME) {NAME##_f64_portable, NAME##_f64_avx2, NAME##_f64_avx512},
#define TABLE_ENTRY_F32(NAME) {NAME##_f32_portable, NAME##_f32_avx2, NAME##_f32_avx512},

// Indexed by wengert_unary_op (the vectorised ones come first, in the same order).
static const unary_f64_fn table_f64[][3] = {FOR_EACH_VECTORISED(TABLE_ENTRY_F64)};
static const unary_f32_fn table_f32[][3] = {FOR_EACH_VECTORISED(TABLE_ENTRY_F32)};
#define VECTORISED_COUNT ((int)(sizeof table_f64 / sizeof table_f64[0]))

static double libm_f64(int op, double x) {
    switch (op) {
    case WENGERT_UNARY_ASIN: return asin(x);
    case WENGERT_UNARY_ACOS: return acos(x);
    case WENGERT_UNARY_ATAN: return atan(x);
    case WENGERT_UNARY_CBRT: return cbrt(x);
    case WENGERT_UNARY_ERF: return erf(x);
    case WENGERT_UNARY_SIN: return sin(x);
    case WENGERT_UNARY_COS: return cos(x);
    default: return tan(x);
    }
}

static int is_trig(int op) { return op == WENGERT_UNARY_SIN || op == WENGERT_UNARY_COS || op == WENGERT_UNARY_TAN; }

static void unary_f64_serial(int level, int op, const double *x, double *out, long n) {
    if (op < VECTORISED_COUNT) {
        table_f64[op][level](x, out, n);
        if (is_trig(op))
            for (long i = 0; i < n; i++)
                if (!(fabs(x[i]) <= TRIG_LIMIT)) out[i] = libm_f64(op, x[i]);
    } else {
        for (long i = 0; i < n; i++) out[i] = libm_f64(op, x[i]);
    }
}

static void unary_f32_serial(int level, int op, const float *x, float *out, long n) {
    if (op < VECTORISED_COUNT) {
        table_f32[op][level](x, out, n);
        if (is_trig(op))
            for (long i = 0; i < n; i++)
                if (!(fabsf(x[i]) <= (float)TRIG_LIMIT)) out[i] = (float)libm_f64(op, (double)x[i]);
    } else {
        for (long i = 0; i < n; i++) out[i] = (float)libm_f64(op, (double)x[i]);
    }
}

// Large arrays are split across the thread pool in chunks of whole cache lines.
typedef struct {
    int level, op, is_double;
    const void *x;
    void *out;
    long n, chunk;
} unary_job;

static void unary_part(void *context, long part) {
    const unary_job *j = (const unary_job *)context;
    long lo = part * j->chunk, hi = lo + j->chunk < j->n ? lo + j->chunk : j->n;
    if (j->is_double) unary_f64_serial(j->level, j->op, (const double *)j->x + lo, (double *)j->out + lo, hi - lo);
    else unary_f32_serial(j->level, j->op, (const float *)j->x + lo, (float *)j->out + lo, hi - lo);
}

// Elements per thread worth a split: a transcendental body costs a few nanoseconds an
// element, so 4096 of them outweigh waking a worker (a few microseconds); the cheap ones
// (sqrt, abs, relu, negate: memory speed) need eight times as many.
#define UNARY_PARALLEL_MIN 4096
#define UNARY_PARALLEL_MIN_CHEAP 32768

static int is_cheap(int op) {
    return op == WENGERT_UNARY_SQRT || op == WENGERT_UNARY_ABS || op == WENGERT_UNARY_RELU || op == WENGERT_UNARY_NEGATE;
}

static void unary_dispatch(int op, const void *x, void *out, long n, int is_double) {
    if (op < 0 || op >= WENGERT_UNARY_COUNT || n <= 0) return;
    int level = wengert_kernel_level();
    long threads = wengert_parallel_threads((double)n, is_cheap(op) ? UNARY_PARALLEL_MIN_CHEAP : UNARY_PARALLEL_MIN);
    if (threads > 1) {
        long chunk = ((n + threads - 1) / threads + 63) & ~63L;
        unary_job job = {level, op, is_double, x, out, n, chunk};
        wengert_parallel_run((n + chunk - 1) / chunk, unary_part, &job);
    } else if (is_double) {
        unary_f64_serial(level, op, (const double *)x, (double *)out, n);
    } else {
        unary_f32_serial(level, op, (const float *)x, (float *)out, n);
    }
}

void wengert_unary_f64(int op, const double *x, double *out, long n) { unary_dispatch(op, x, out, n, 1); }
void wengert_unary_f32(int op, const float *x, float *out, long n) { unary_dispatch(op, x, out, n, 0); }

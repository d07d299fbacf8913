// Dense kernels behind Tensor<Float> and Tensor<Double> (see CWengertKernels.h).
//
// Swift's SIMD types compile to SSE under default flags (docs/measurements.md), so the hot
// loops live here, compiled three times with __attribute__((target(...))) and chosen once
// per process by CPU feature (Dispatch.c). The elementwise loops are simple enough for
// clang's loop vectoriser; the GEMM (Gemm.c) uses intrinsics so its register blocking is
// explicit.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define WENGERT_X86 1
#else
#define WENGERT_X86 0
#endif

void wengert_copy_bytes(void *destination, const void *source, long count) {
    memcpy(destination, source, (size_t)count);
}

void wengert_zero_bytes(void *destination, long count) {
    memset(destination, 0, (size_t)count);
}

// `out` may be `a` or `b` itself (an in-place update, a slice's cotangent added into
// the operand's): each element is read before it is written and by no other, so the
// loops are safe to vectorise. Without the pragma, clang's run-time overlap check sends
// exactly that case to the scalar loop.
#define WENGERT_ALIAS_SAFE _Pragma("clang loop vectorize(assume_safety)")

// One body per scalar type and instruction set: the loop with both increments known
// lets the vectoriser emit unit-stride or broadcast code without run-time checks.
#define WENGERT_BINARY_BODY(T)                                                           \
    if (inc_a == 1 && inc_b == 1) {                                                      \
        switch (op) {                                                                    \
        case 0: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] + b[i]; break;                               \
        case 1: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] - b[i]; break;                               \
        case 2: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] * b[i]; break;                               \
        case 3: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] / b[i]; break;                               \
        default: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] == 0 || b[i] == 0 ? 0 : a[i] * b[i]; break; \
        }                                                                                \
    } else if (inc_a == 1) {                                                             \
        const T s = b[0];                                                                \
        switch (op) {                                                                    \
        case 0: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] + s; break;                                  \
        case 1: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] - s; break;                                  \
        case 2: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] * s; break;                                  \
        case 3: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] / s; break;                                  \
        default: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = a[i] == 0 || s == 0 ? 0 : a[i] * s; break;       \
        }                                                                                \
    } else if (inc_b == 1) {                                                             \
        const T s = a[0];                                                                \
        switch (op) {                                                                    \
        case 0: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = s + b[i]; break;                                  \
        case 1: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = s - b[i]; break;                                  \
        case 2: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = s * b[i]; break;                                  \
        case 3: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = s / b[i]; break;                                  \
        default: WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = s == 0 || b[i] == 0 ? 0 : s * b[i]; break;       \
        }                                                                                \
    } else {                                                                             \
        T r;                                                                             \
        switch (op) {                                                                    \
        case 0: r = a[0] + b[0]; break;                                                  \
        case 1: r = a[0] - b[0]; break;                                                  \
        case 2: r = a[0] * b[0]; break;                                                  \
        case 3: r = a[0] / b[0]; break;                                                    \
        default: r = a[0] == 0 || b[0] == 0 ? 0 : a[0] * b[0]; break;                      \
        }                                                                                \
        for (long i = 0; i < n; i++) out[i] = r;                                         \
    }

// Up to four scalars (a reduction's cotangent, a scalar parameter): one scalar loop, without
// the level's look-up, the vector loop's set-up and its alias checks, which cost more than
// the arithmetic there. Each element is one IEEE operation, so every level gives the same
// bits; the broadcast operand is read once, as in the body above. At 11 scalars the vector
// loop is faster again (docs/measurements.md).
#define WENGERT_BINARY_SMALL_N 4
#define WENGERT_BINARY_SMALL_BODY(T)                                                     \
    const long sa = inc_a == 1 ? 1 : 0, sb = inc_b == 1 ? 1 : 0;                         \
    const T a0 = a[0], b0 = b[0];                                                        \
    _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")         \
    for (long i = 0; i < n; i++) {                                                       \
        const T x = sa ? a[i] : a0, y = sb ? b[i] : b0;                                  \
        T r;                                                                             \
        switch (op) {                                                                    \
        case 0: r = x + y; break;                                                        \
        case 1: r = x - y; break;                                                        \
        case 2: r = x * y; break;                                                        \
        case 3: r = x / y; break;                                                        \
        default: r = x == 0 || y == 0 ? 0 : x * y; break;                                \
        }                                                                                \
        out[i] = r;                                                                      \
    }

#define WENGERT_DEFINE_BINARY(T, SUFFIX)                                                                   \
    WENGERT_AT_LEVELS(void, binary_##SUFFIX, (int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n), \
                      WENGERT_BINARY_BODY(T))                                                               \
    static void binary_##SUFFIX##_small(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) { WENGERT_BINARY_SMALL_BODY(T) } \
    void wengert_binary_##SUFFIX(int op, const T *a, long inc_a, const T *b, long inc_b, T *out, long n) {   \
        if (n <= WENGERT_BINARY_SMALL_N) {                                                                  \
            if (n > 0) binary_##SUFFIX##_small(op, a, inc_a, b, inc_b, out, n);                             \
            return;                                                                                         \
        }                                                                                                   \
        WENGERT_AT_LEVEL(binary_##SUFFIX, wengert_kernel_level(), (op, a, inc_a, b, inc_b, out, n));        \
    }

WENGERT_DEFINE_BINARY(float, f32)
WENGERT_DEFINE_BINARY(double, f64)

// Broadcast arithmetic over a whole output: the rows `wengert_binary` would be called on
// one by one, in the same order, each through the same body (the small loop up to
// WENGERT_BINARY_SMALL_N scalars, else the level's, inlined here), with the level looked
// up once. The odometer over the outer axes is the one TensorShape.forEachRow walked in
// Swift; ROW is the body for one row, with `a`, `b`, `out` and `n` that row's.
#define WENGERT_BROADCAST_ROWS(T, ROW)                                                   \
    const long inc_a = stride_a[rank - 1], inc_b = stride_b[rank - 1], n = inner;        \
    long index[WENGERT_BROADCAST_MAX_RANK] = {0};                                        \
    long off_a = 0, off_b = 0;                                                           \
    for (long row = 0; row < rows; row++) {                                              \
        {                                                                                \
            const T *a = a_base + off_a, *b = b_base + off_b;                            \
            T *out = out_base + row * inner;                                             \
            ROW                                                                          \
        }                                                                                \
        for (long axis = rank - 2; axis >= 0; axis--) {                                  \
            index[axis]++;                                                               \
            off_a += stride_a[axis];                                                     \
            off_b += stride_b[axis];                                                     \
            if (index[axis] < shape[axis]) break;                                        \
            off_a -= stride_a[axis] * index[axis];                                       \
            off_b -= stride_b[axis] * index[axis];                                       \
            index[axis] = 0;                                                             \
        }                                                                                \
    }

// The rows of the last axis of `shape` (rank ≥ 1), 0 where there is nothing to write: an
// empty shape, or more axes than WENGERT_BROADCAST_MAX_RANK.
static long broadcast_rows(const long *shape, long rank) {
    if (rank > WENGERT_BROADCAST_MAX_RANK || shape[rank - 1] <= 0) return 0;
    long rows = 1;
    for (long axis = 0; axis < rank - 1; axis++) rows *= shape[axis];
    return rows > 0 ? rows : 0;
}

#define WENGERT_BROADCAST_PARAMS(T)                                                      \
    (int op, const T *a_base, const long *stride_a, const T *b_base, const long *stride_b, T *out_base, \
     const long *shape, long rank, long rows, long inner)

#define WENGERT_DEFINE_BINARY_BROADCAST(T, SUFFIX)                                                         \
    WENGERT_AT_LEVELS(void, binary_rows_##SUFFIX, WENGERT_BROADCAST_PARAMS(T),                              \
                      WENGERT_BROADCAST_ROWS(T, WENGERT_BINARY_BODY(T)))                                    \
    static void binary_rows_##SUFFIX##_small WENGERT_BROADCAST_PARAMS(T) {                                 \
        WENGERT_BROADCAST_ROWS(T, WENGERT_BINARY_SMALL_BODY(T))                                             \
    }                                                                                                       \
    void wengert_binary_broadcast_##SUFFIX(int op, const T *a, const long *stride_a, const T *b,            \
                                           const long *stride_b, T *out, const long *shape, long rank) {     \
        if (rank <= 0) {                                                                                    \
            wengert_binary_##SUFFIX(op, a, 0, b, 0, out, 1);                                                \
            return;                                                                                         \
        }                                                                                                   \
        const long rows = broadcast_rows(shape, rank), inner = shape[rank - 1];                             \
        if (rows == 0) return;                                                                              \
        if (inner <= WENGERT_BINARY_SMALL_N) {                                                              \
            binary_rows_##SUFFIX##_small(op, a, stride_a, b, stride_b, out, shape, rank, rows, inner);      \
            return;                                                                                         \
        }                                                                                                   \
        WENGERT_AT_LEVEL(binary_rows_##SUFFIX, wengert_kernel_level(),                                      \
                         (op, a, stride_a, b, stride_b, out, shape, rank, rows, inner));                    \
    }

WENGERT_DEFINE_BINARY_BROADCAST(float, f32)
WENGERT_DEFINE_BINARY_BROADCAST(double, f64)

// `a` repeated along its broadcast axes (Tensor.expanded, the backward of a sum): the
// same odometer, a run copied or one scalar repeated per row, copies so the bits are a's.
#define WENGERT_COPY_ROW(T)                                                              \
    (void)b;                                                                             \
    (void)inc_b;                                                                         \
    if (inc_a == 1) {                                                                    \
        memcpy(out, a, (size_t)n * sizeof(T));                                           \
    } else {                                                                             \
        const T s = a[0];                                                                \
        for (long i = 0; i < n; i++) out[i] = s;                                         \
    }

#define WENGERT_DEFINE_BROADCAST_COPY(T, SUFFIX)                                                           \
    void wengert_broadcast_copy_##SUFFIX(const T *a, const long *stride_a, T *out, const long *shape, long rank) { \
        if (rank <= 0) {                                                                                    \
            out[0] = a[0];                                                                                  \
            return;                                                                                         \
        }                                                                                                   \
        const long rows = broadcast_rows(shape, rank), inner = shape[rank - 1];                             \
        if (rows == 0) return;                                                                              \
        const T *a_base = a, *b_base = a;                                                                   \
        const long *stride_b = stride_a;                                                                    \
        T *out_base = out;                                                                                  \
        WENGERT_BROADCAST_ROWS(T, WENGERT_COPY_ROW(T))                                                      \
    }

WENGERT_DEFINE_BROADCAST_COPY(float, f32)
WENGERT_DEFINE_BROADCAST_COPY(double, f64)

// out[i] = v: the cotangent a whole-tensor sum hands back. Swift's
// `initialize(repeating:count:)` stored one 128-bit vector a turn; here the vectoriser
// stores whole registers, unrolled.
#define WENGERT_DEFINE_FILL(T, SUFFIX)                                                                     \
    WENGERT_AT_LEVELS(void, fill_##SUFFIX, (T v, T *out, long n), for (long i = 0; i < n; i++) out[i] = v;) \
    void wengert_fill_##SUFFIX(T v, T *out, long n) { WENGERT_AT_LEVEL(fill_##SUFFIX, wengert_kernel_level(), (v, out, n)); }

WENGERT_DEFINE_FILL(float, f32)
WENGERT_DEFINE_FILL(double, f64)

// xᵉ by square-and-multiply from the lowest bit, the tensor operator's products in its
// order (Tensor.integerPower), each rounded on its own: x², x³ = x·x² and x⁴ = x²·x²
// in one pass each; other exponents a block of 256 elements at a time, the powers of x
// in a buffer on the stack, each step a vector pass over the block.
#define WENGERT_POWER_BLOCK 256
#define WENGERT_INTEGER_POWER_BODY(T)                                                    \
    if (e == 2) {                                                                        \
        for (long i = 0; i < n; i++) out[i] = x[i] * x[i];                               \
        return;                                                                          \
    }                                                                                    \
    if (e == 3) {                                                                        \
        for (long i = 0; i < n; i++) {                                                   \
            const T square = x[i] * x[i];                                                \
            out[i] = x[i] * square;                                                      \
        }                                                                                \
        return;                                                                          \
    }                                                                                    \
    if (e == 4) {                                                                        \
        for (long i = 0; i < n; i++) {                                                   \
            const T square = x[i] * x[i];                                                \
            out[i] = square * square;                                                    \
        }                                                                                \
        return;                                                                          \
    }                                                                                    \
    for (long start = 0; start < n; start += WENGERT_POWER_BLOCK) {                      \
        const long m = n - start < WENGERT_POWER_BLOCK ? n - start : WENGERT_POWER_BLOCK; \
        const T *xs = x + start;                                                         \
        T *os = out + start;                                                             \
        T base[WENGERT_POWER_BLOCK];                                                     \
        unsigned long k = e;                                                             \
        for (long i = 0; i < m; i++) base[i] = xs[i];                                    \
        for (; (k & 1) == 0; k >>= 1)                                                    \
            for (long i = 0; i < m; i++) base[i] = base[i] * base[i];                    \
        for (long i = 0; i < m; i++) os[i] = base[i];                                    \
        for (k >>= 1; k != 0; k >>= 1) {                                                 \
            for (long i = 0; i < m; i++) base[i] = base[i] * base[i];                    \
            if (k & 1)                                                                   \
                for (long i = 0; i < m; i++) os[i] = os[i] * base[i];                    \
        }                                                                                \
    }

#define WENGERT_DEFINE_INTEGER_POWER(T, SUFFIX)                                                            \
    WENGERT_AT_LEVELS(void, integer_power_##SUFFIX, (const T *restrict x, unsigned long e, T *restrict out, long n), \
                      WENGERT_INTEGER_POWER_BODY(T))                                                        \
    void wengert_integer_power_##SUFFIX(const T *x, unsigned long e, T *out, long n) {                     \
        if (e == 0 || n <= 0) return;                                                                       \
        WENGERT_AT_LEVEL(integer_power_##SUFFIX, wengert_kernel_level(), (x, e, out, n));                   \
    }

WENGERT_DEFINE_INTEGER_POWER(float, f32)
WENGERT_DEFINE_INTEGER_POWER(double, f64)

// a + s·b, rounded as the two operations are (the product first, then the sum): a
// statement each, so the compiler does not contract them into one fused multiply-add.
// `out` is either a buffer of its own or `a` itself (SGD's in-place p - η·g), so the
// loop is alias-safe as the binary ones are: without the pragma, out == a, the
// optimiser's every step, ran the scalar loop (9 instructions per Float, not 0.6).
#define WENGERT_SCALED_ADD_BODY(T)                                                       \
    WENGERT_ALIAS_SAFE                                                                   \
    for (long i = 0; i < n; i++) {                                                       \
        const T product = s * b[i];                                                      \
        out[i] = a[i] + product;                                                         \
    }

// A large update (a whole model's parameters) is memory-bound: split across the pool, each
// core streams its own chunk (whole cache lines), which one core's bandwidth cannot match.
#define SCALED_ADD_PARALLEL_MIN 65536

#define WENGERT_DEFINE_SCALED_ADD(T, SUFFIX)                                                                \
    WENGERT_AT_LEVELS(void, scaled_add_##SUFFIX, (const T *a, T s, const T *b, T *out, long n),             \
                      WENGERT_SCALED_ADD_BODY(T))                                                           \
    typedef struct { int level; const T *a; T s; const T *b; T *out; long n, chunk; } scaled_add_##SUFFIX##_job; \
    static void scaled_add_##SUFFIX##_part(void *context, long part) {                                      \
        const scaled_add_##SUFFIX##_job *j = context;                                                       \
        long lo = part * j->chunk, hi = lo + j->chunk < j->n ? lo + j->chunk : j->n;                        \
        WENGERT_AT_LEVEL(scaled_add_##SUFFIX, j->level, (j->a + lo, j->s, j->b + lo, j->out + lo, hi - lo)); \
    }                                                                                                       \
    void wengert_scaled_add_##SUFFIX(const T *a, T s, const T *b, T *out, long n) {                         \
        int level = wengert_kernel_level();                                                                 \
        long threads = wengert_parallel_threads((double)n, SCALED_ADD_PARALLEL_MIN);                        \
        if (threads <= 1) {                                                                                 \
            WENGERT_AT_LEVEL(scaled_add_##SUFFIX, level, (a, s, b, out, n));                                \
            return;                                                                                         \
        }                                                                                                   \
        long chunk = ((n + threads - 1) / threads + 63) & ~63L;                                             \
        scaled_add_##SUFFIX##_job job = {level, a, s, b, out, n, chunk};                                    \
        wengert_parallel_run((n + chunk - 1) / chunk, scaled_add_##SUFFIX##_part, &job);                    \
    }

WENGERT_DEFINE_SCALED_ADD(float, f32)
WENGERT_DEFINE_SCALED_ADD(double, f64)

// One Adam step, each operation its own statement and rounded as the tensor operations
// it replaces (never contracted into a fused multiply-add), so the optimiser's result
// is the same to the bit whichever path runs. The square root and the division are
// IEEE operations in every instruction set, so the levels agree too.
// Each element is read before it is written and by no other element, so the loop is
// safe to vectorise when an output is its own input (the compiler cannot prove that).
#define WENGERT_ADAM_BODY(T)                                                             \
    const T beta1 = s->beta1, one_minus_beta1 = s->one_minus_beta1, beta2 = s->beta2;    \
    const T one_minus_beta2 = s->one_minus_beta2, step_size = s->step_size;              \
    const T correction2 = s->correction2, epsilon = s->epsilon, decay = s->weight_decay; \
    _Pragma("clang loop vectorize(assume_safety)")                                       \
    for (long i = 0; i < n; i++) {                                                       \
        T grad = g[i];                                                                   \
        if (decay != 0) {                                                                \
            const T penalty = decay * p[i];                                              \
            grad = grad + penalty;                                                       \
        }                                                                                \
        const T m_kept = m[i] * beta1;                                                   \
        const T m_new_part = one_minus_beta1 * grad;                                     \
        const T m_next = m_kept + m_new_part;                                            \
        const T square = grad * grad;                                                    \
        const T v_kept = v[i] * beta2;                                                   \
        const T v_new_part = one_minus_beta2 * square;                                   \
        const T v_next = v_kept + v_new_part;                                            \
        const T step = step_size * m_next;                                               \
        const T v_hat = v_next / correction2;                                            \
        const T root = __builtin_elementwise_sqrt(v_hat);                                \
        const T denominator = root + epsilon;                                            \
        const T change = step / denominator;                                             \
        p_out[i] = p[i] - change;                                                        \
        m_out[i] = m_next;                                                               \
        v_out[i] = v_next;                                                               \
    }

#define WENGERT_DEFINE_ADAM(T, SUFFIX, SETTINGS)                                                            \
    WENGERT_AT_LEVELS(void, adam_##SUFFIX, (const SETTINGS *s, const T *p, const T *g, const T *m,          \
                      const T *v, T *p_out, T *m_out, T *v_out, long n), WENGERT_ADAM_BODY(T))              \
    void wengert_adam_##SUFFIX(const SETTINGS *s, const T *p, const T *g, const T *m, const T *v, T *p_out, \
                               T *m_out, T *v_out, long n) {                                                \
        WENGERT_AT_LEVEL(adam_##SUFFIX, wengert_kernel_level(), (s, p, g, m, v, p_out, m_out, v_out, n));   \
    }

WENGERT_DEFINE_ADAM(float, f32, wengert_adam_settings_f32)
WENGERT_DEFINE_ADAM(double, f64, wengert_adam_settings_f64)

// g·f'(x) with the chain rule's convention (0 where g or the partial is 0), the partial
// from the forward pass's value or input as the scalar table writes it, a statement per
// operation so that nothing is contracted into a fused multiply-add. `out` may be `g` (a
// rule writing over a cotangent it owns): each output reads only its own position, so the
// loops are vectorised without the overlap test, which sent that case to a scalar loop.
#define WENGERT_UNARY_BACKWARD_BODY(T)                                                   \
    switch (op) {                                                                        \
    case WENGERT_PARTIAL_TANH:                                                           \
        WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) {                                \
            const T square = v[i] * v[i];                                                \
            const T p = 1 - square;                                                      \
            out[i] = g[i] == 0 || p == 0 ? 0 : g[i] * p;                                 \
        }                                                                                \
        break;                                                                           \
    case WENGERT_PARTIAL_RELU:                                                           \
        WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = (v[i] > 0 || v[i] != v[i]) && g[i] != 0 ? g[i] : 0; \
        break;                                                                           \
    case WENGERT_PARTIAL_SQUARE:                                                         \
        WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) {                                \
            const T p = 2 * v[i];                                                        \
            out[i] = g[i] == 0 || p == 0 ? 0 : g[i] * p;                                 \
        }                                                                                \
        break;                                                                           \
    default:                                                                             \
        WENGERT_ALIAS_SAFE for (long i = 0; i < n; i++) out[i] = g[i] == 0 || v[i] == 0 ? 0 : g[i] * v[i];  \
        break;                                                                           \
    }

#define WENGERT_DEFINE_UNARY_BACKWARD(T, SUFFIX)                                                            \
    WENGERT_AT_LEVELS(void, unary_backward_##SUFFIX, (int op, const T *g, const T *v, T *out, long n),      \
                      WENGERT_UNARY_BACKWARD_BODY(T))                                                       \
    void wengert_unary_backward_##SUFFIX(int op, const T *g, const T *v, T *out, long n) {                  \
        WENGERT_AT_LEVEL(unary_backward_##SUFFIX, wengert_kernel_level(), (op, g, v, out, n));              \
    }

WENGERT_DEFINE_UNARY_BACKWARD(float, f32)
WENGERT_DEFINE_UNARY_BACKWARD(double, f64)

// Sums keep independent partial sums so the additions pipeline and vectorise without
// -ffast-math (which would let the compiler reassociate the single sum): eight for
// Double, sixteen doubles for Float, whose conversions to double halve the lanes per
// register (eight were one AVX2 register pair, latency-bound at half the speed). Each
// partial sum adds the same elements in the same order at every instruction level, so
// the AVX2 and AVX-512 builds return the portable sum to the bit. The chain sum
// Σ chain(g, p) adds the very values the chain kernel would store, in the same lanes,
// so it equals that kernel followed by the sum, to the bit, without the array between.
// It first runs without the mask (half the instructions): where a factor is 0 and the
// other finite, the plain product is ±0 where the chain gives +0, and adding either to a
// partial sum gives the same bits (the sums start at +0 and round-to-nearest never
// makes -0 from them), so a finite plain sum is the chain sum; only a 0 against an
// infinity or NaN tells them apart, and that makes the plain sum NaN, so a non-finite
// plain sum is done again with the mask.
//
// The partial sums are explicit vectors of four doubles: written as an array of LANES
// scalars, clang's SLP vectoriser built each Float step from 128-bit inserts and
// broadcasts, and a 2000-element sum cost as much as eight elementwise passes. LOAD4(k)
// gives elements k..k+3 widened to double; lane l of vector j is the old s[4j + l], so
// the sums are the same, bit for bit.
typedef double wengert_d4 __attribute__((vector_size(32)));
typedef float wengert_f4 __attribute__((vector_size(16)));
typedef int wengert_i4 __attribute__((vector_size(16)));
typedef long long wengert_l4 __attribute__((vector_size(32)));
typedef float wengert_f8 __attribute__((vector_size(32)));
typedef int wengert_i8 __attribute__((vector_size(32)));

#define WENGERT_SUM_BODY(T, LANES, LOAD4, ELEMENT)                                       \
    WENGERT_SUM_BLOCKS(T, LANES, ELEMENT,                                                \
                       for (int j = 0; j < LANES / 4; j++) acc[j] += LOAD4(i + 4 * j);)

// Float products eight at a time: one 256-bit multiply, its halves widened into the
// accumulators that four at a time would use (elements k..k+3 into acc[2j], k+4..k+7
// into acc[2j + 1]), in the same order, so the sums are the same to the bit; four at a
// time, each four took a 128-bit load, multiply, widening and add of its own.
#define WENGERT_SUM8_BODY(LANES, LOAD8, ELEMENT)                                         \
    WENGERT_SUM_BLOCKS(float, LANES, ELEMENT, for (int j = 0; j < LANES / 8; j++) {      \
        const wengert_f8 v_ = LOAD8(i + 8 * j);                                          \
        acc[2 * j] += __builtin_convertvector(__builtin_shufflevector(v_, v_, 0, 1, 2, 3), wengert_d4); \
        acc[2 * j + 1] += __builtin_convertvector(__builtin_shufflevector(v_, v_, 4, 5, 6, 7), wengert_d4); \
    })

// The partial sums of LANES lanes, BLOCK adding elements i..i+LANES-1 into `acc`, then
// the tail into lane 0 and the lanes folded pairwise. Two blocks a turn halve the loop's
// own instructions (each accumulator still adds its elements in order).
#define WENGERT_SUM_BLOCKS(T, LANES, ELEMENT, BLOCK)                                     \
    wengert_d4 acc[LANES / 4] = {0};                                                     \
    long i = 0;                                                                          \
    _Pragma("clang loop unroll_count(2)")                                                \
    for (; i + LANES <= n; i += LANES) { BLOCK }                                         \
    double s[LANES];                                                                     \
    memcpy(s, acc, sizeof s);                                                            \
    for (; i < n; i++) {                                                                 \
        const T v = ELEMENT(i);                                                          \
        s[0] += (double)v;                                                               \
    }                                                                                    \
    for (int width = LANES / 2; width > 0; width /= 2) /* ((s0 + s1) + (s2 + s3)) + ... */ \
        for (int j = 0; j < width; j++) s[j] = s[2 * j] + s[2 * j + 1];                  \
    return s[0];

#define WENGERT_SUM_ELEMENT(k) x[k]
#define WENGERT_CHAIN_ELEMENT(k) (g[k] == 0 || p[k] == 0 ? 0 : g[k] * p[k])
#define WENGERT_SUM_LOAD4_f32(k)                                                         \
    ({ wengert_f4 v_; memcpy(&v_, x + (k), sizeof v_); __builtin_convertvector(v_, wengert_d4); })
#define WENGERT_SUM_LOAD4_f64(k)                                                         \
    ({ wengert_d4 v_; memcpy(&v_, x + (k), sizeof v_); v_; })
// The plain product: chain(g, p) wherever the sum is finite (below).
#define WENGERT_DOT_ELEMENT(k) (g[k] * p[k])
#define WENGERT_DOT_LOAD8_f32(k)                                                         \
    ({                                                                                   \
        wengert_f8 g_, p_;                                                               \
        memcpy(&g_, g + (k), sizeof g_);                                                 \
        memcpy(&p_, p + (k), sizeof p_);                                                 \
        g_ * p_;                                                                         \
    })
#define WENGERT_DOT_LOAD4_f64(k)                                                         \
    ({                                                                                   \
        wengert_d4 g_, p_;                                                               \
        memcpy(&g_, g + (k), sizeof g_);                                                 \
        memcpy(&p_, p + (k), sizeof p_);                                                 \
        g_ * p_;                                                                         \
    })
// chain(g, p) several at a time: the product where neither factor is 0, else +0 (a mask).
#define WENGERT_CHAIN_LOAD8_f32(k)                                                       \
    ({                                                                                   \
        wengert_f8 g_, p_;                                                               \
        memcpy(&g_, g + (k), sizeof g_);                                                 \
        memcpy(&p_, p + (k), sizeof p_);                                                 \
        const wengert_i8 keep_ = (g_ != 0) & (p_ != 0);                                  \
        (wengert_f8)((wengert_i8)(g_ * p_) & keep_);                                     \
    })
#define WENGERT_CHAIN_LOAD4_f64(k)                                                       \
    ({                                                                                   \
        wengert_d4 g_, p_;                                                               \
        memcpy(&g_, g + (k), sizeof g_);                                                 \
        memcpy(&p_, p + (k), sizeof p_);                                                 \
        const wengert_l4 keep_ = (g_ != 0) & (p_ != 0);                                  \
        (wengert_d4)((wengert_l4)(g_ * p_) & keep_);                                     \
    })

#define WENGERT_DEFINE_SUM(T, SUFFIX, LANES)                                                                   \
    WENGERT_AT_LEVELS(double, sum_##SUFFIX, (const T *x, long n),                                              \
                      WENGERT_SUM_BODY(T, LANES, WENGERT_SUM_LOAD4_##SUFFIX, WENGERT_SUM_ELEMENT))             \
    double wengert_sum_##SUFFIX(const T *x, long n) {                                                          \
        return WENGERT_AT_LEVEL(sum_##SUFFIX, wengert_kernel_level(), (x, n));                                 \
    }                                                                                                          \
    WENGERT_AT_LEVELS(double, dot_##SUFFIX, (const T *g, const T *p, long n), WENGERT_DOT_BODY_##SUFFIX)          \
    WENGERT_AT_LEVELS(double, chain_sum_##SUFFIX, (const T *g, const T *p, long n), WENGERT_CHAIN_BODY_##SUFFIX)  \
    double wengert_chain_sum_##SUFFIX(const T *g, const T *p, long n) {                                        \
        const int level = wengert_kernel_level();                                                              \
        const double plain = WENGERT_AT_LEVEL(dot_##SUFFIX, level, (g, p, n));                                 \
        if (isfinite(plain)) return plain;                                                                     \
        return WENGERT_AT_LEVEL(chain_sum_##SUFFIX, level, (g, p, n));                                         \
    }

#define WENGERT_DOT_BODY_f32 WENGERT_SUM8_BODY(16, WENGERT_DOT_LOAD8_f32, WENGERT_DOT_ELEMENT)
#define WENGERT_CHAIN_BODY_f32 WENGERT_SUM8_BODY(16, WENGERT_CHAIN_LOAD8_f32, WENGERT_CHAIN_ELEMENT)
#define WENGERT_DOT_BODY_f64 WENGERT_SUM_BODY(double, 8, WENGERT_DOT_LOAD4_f64, WENGERT_DOT_ELEMENT)
#define WENGERT_CHAIN_BODY_f64 WENGERT_SUM_BODY(double, 8, WENGERT_CHAIN_LOAD4_f64, WENGERT_CHAIN_ELEMENT)
WENGERT_DEFINE_SUM(float, f32, 16)
WENGERT_DEFINE_SUM(double, f64, 8)

// Sums along one axis of a row-major [outer, size, inner] array, in the order of the
// reference fold (x[0] + x[1] + ...), so results equal the Swift loop's to the bit. The
// inner loop runs over contiguous `inner` lanes and vectorises. With inner = 1 (the last
// axis) each sum is a sequential chain, as the reference's is: eight rows are summed side
// by side in registers, so eight independent chains hide the adds' latency (a chain
// through memory, one row at a time, took 4 ns an element), each still in its row's order.
#define WENGERT_SUM_AXIS_BODY(T)                                                         \
    long first = 0;                                                                      \
    if (inner == 1 && size > 0) {                                                        \
        for (; first + 8 <= outer; first += 8) {                                         \
            const T *src = x + first * size;                                             \
            T acc[8];                                                                    \
            for (int k = 0; k < 8; k++) acc[k] = src[k * size];                          \
            for (long s = 1; s < size; s++)                                              \
                for (int k = 0; k < 8; k++) acc[k] += src[k * size + s];                 \
            for (int k = 0; k < 8; k++) out[first + k] = acc[k];                         \
        }                                                                                \
    }                                                                                    \
    for (long o = first; o < outer; o++) {                                               \
        T *dst = out + o * inner;                                                        \
        const T *src = x + o * size * inner;                                             \
        if (size == 0) {                                                                 \
            for (long i = 0; i < inner; i++) dst[i] = 0;                                 \
            continue;                                                                    \
        }                                                                                \
        for (long i = 0; i < inner; i++) dst[i] = src[i];                                \
        for (long s = 1; s < size; s++) {                                                \
            const T *row = src + s * inner;                                              \
            for (long i = 0; i < inner; i++) dst[i] += row[i];                           \
        }                                                                                \
    }

#define WENGERT_DEFINE_SUM_AXIS(T, SUFFIX)                                                                  \
    WENGERT_AT_LEVELS(void, sum_axis_##SUFFIX, (const T *restrict x, long outer, long size, long inner,     \
                      T *restrict out), WENGERT_SUM_AXIS_BODY(T))                                           \
    void wengert_sum_axis_##SUFFIX(const T *x, long outer, long size, long inner, T *out) {                 \
        WENGERT_AT_LEVEL(sum_axis_##SUFFIX, wengert_kernel_level(), (x, outer, size, inner, out));          \
    }

WENGERT_DEFINE_SUM_AXIS(float, f32)
WENGERT_DEFINE_SUM_AXIS(double, f64)

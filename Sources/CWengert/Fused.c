// Fused elementwise programs (see CWengertKernels.h): a LazyTensor's chain of
// elementwise steps run over the data in blocks of FUSED_BLOCK scalars, every step of a
// block before the next block, so the intermediate values live in a few kilobytes of
// cache instead of one tensor each, and the whole chain is one call, one recorded entry
// and one backward rule.
//
// Registers are numbered inputs first (0 ..< input_count), then one per step. A register
// is a vector (one value per position) or a scalar (one value for all positions): an
// input of one scalar broadcast over n > 1 positions, a constant, or a step of scalars
// only. Scalar steps run once per call, before the blocks; the blocks run the vector
// steps. Each step computes with the library's own kernels (wengert_binary,
// wengert_unary), so the values equal those of the tensor operations it replaces, bit for
// bit; only the sum of a reduction is accumulated in another order.
//
// The backward pass recomputes a block's values, then sweeps its steps in reverse with
// the chain rule's convention (a zero cotangent passes nothing through an infinite
// partial). A scalar register's cotangent is the sum over all positions of what flows
// into it, accumulated in double precision across blocks, then swept back through the
// scalar steps once after the last block.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUSED_BLOCK 256

// Block loops for the backward pass, at every instruction-set level. `mode` 0 adds g,
// 1 subtracts it, 2 adds chain(g, p) (p of increment 0 or 1).
#define FUSED_LOOPS(T, SUFFIX)                                                                              \
    WENGERT_AT_LEVELS(void, fused_accumulate_##SUFFIX,                                                      \
                      (T *restrict adj, const T *restrict g, const T *restrict p, long inc_p, int mode, long m), \
                      if (mode == 0) {                                                                      \
                          for (long i = 0; i < m; i++) adj[i] += g[i];                                      \
                      } else if (mode == 1) {                                                               \
                          for (long i = 0; i < m; i++) adj[i] -= g[i];                                      \
                      } else if (inc_p == 1) {                                                              \
                          for (long i = 0; i < m; i++) adj[i] += g[i] == 0 || p[i] == 0 ? 0 : g[i] * p[i];  \
                      } else {                                                                              \
                          const T s = p[0];                                                                 \
                          for (long i = 0; i < m; i++) adj[i] += g[i] == 0 || s == 0 ? 0 : g[i] * s;        \
                      })                                                                                    \
    WENGERT_AT_LEVELS(double, fused_total_##SUFFIX,                                                         \
                      (const T *restrict g, const T *restrict p, long inc_p, int mode, long m),             \
                      double total = 0;                                                                     \
                      if (mode != 2) {                                                                      \
                          for (long i = 0; i < m; i++) total += (double)g[i];                               \
                          return mode == 1 ? -total : total;                                                \
                      }                                                                                     \
                      if (inc_p == 1) {                                                                     \
                          for (long i = 0; i < m; i++) total += (double)(g[i] == 0 || p[i] == 0 ? 0 : g[i] * p[i]); \
                      } else {                                                                              \
                          const T s = p[0];                                                                 \
                          for (long i = 0; i < m; i++) total += (double)(g[i] == 0 || s == 0 ? 0 : g[i] * s); \
                      }                                                                                     \
                      return total;)                                                                        \
    WENGERT_AT_LEVELS(void, fused_sign_##SUFFIX, (const T *restrict x, T *restrict out, int relu, long m),  \
                      if (relu) {                                                                           \
                          for (long i = 0; i < m; i++) out[i] = x[i] > 0 || x[i] != x[i] ? 1 : 0;           \
                      } else {                                                                              \
                          for (long i = 0; i < m; i++) out[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0);         \
                      })                                                                                    \
    WENGERT_AT_LEVELS(double, fused_block_sum_##SUFFIX, (const T *restrict x, long m), double total = 0;    \
                      for (long i = 0; i < m; i++) total += (double)x[i]; return total;)

FUSED_LOOPS(float, f32)
FUSED_LOOPS(double, f64)

static inline double fused_chain(double g, double p) { return g == 0 || p == 0 ? 0 : g * p; }

// One definition of the interpreter per scalar type.
#define FUSED_INTERPRETER(T, SUFFIX)                                                                        \
    /* The partial of unary step `u` at x (its input) and y (its value), into `out`; NULL for none needed  \
       (the cotangent passes as it is), else the pointer and increment to read. */                          \
    static const T *fused_unary_partial_##SUFFIX(int u, const T *x, const T *y, long inc, T *out, long m,   \
                                                 long *inc_p, int level) {                                  \
        static const T one = 1, two = 2;                                                                    \
        *inc_p = inc;                                                                                       \
        switch (u) {                                                                                        \
        case WENGERT_UNARY_EXP: return y;                                                                   \
        case WENGERT_UNARY_LOG: wengert_binary_##SUFFIX(3, &one, 0, x, inc, out, m); return out;            \
        case WENGERT_UNARY_SIN: wengert_unary_##SUFFIX(WENGERT_UNARY_COS, x, out, m); return out;           \
        case WENGERT_UNARY_COS:                                                                             \
            wengert_unary_##SUFFIX(WENGERT_UNARY_SIN, x, out, m);                                           \
            wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, out, out, m);                                      \
            return out;                                                                                     \
        case WENGERT_UNARY_TANH:                                                                            \
            wengert_binary_##SUFFIX(2, y, inc, y, inc, out, m);                                             \
            wengert_binary_##SUFFIX(1, &one, 0, out, 1, out, m);                                            \
            return out;                                                                                     \
        case WENGERT_UNARY_SIGMOID: /* σ(x)·σ(-x), exact in both tails (the recorded rule's form) */        \
            wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, x, out, m);                                        \
            wengert_unary_##SUFFIX(WENGERT_UNARY_SIGMOID, out, out, m);                                     \
            wengert_binary_##SUFFIX(2, y, inc, out, 1, out, m);                                             \
            return out;                                                                                     \
        case WENGERT_UNARY_SQRT:                                                                            \
            wengert_binary_##SUFFIX(2, &two, 0, y, inc, out, m);                                            \
            wengert_binary_##SUFFIX(3, &one, 0, out, 1, out, m);                                            \
            return out;                                                                                     \
        case WENGERT_UNARY_ABS: WENGERT_AT_LEVEL(fused_sign_##SUFFIX, level, (x, out, 0, m)); return out;   \
        case WENGERT_UNARY_RELU: WENGERT_AT_LEVEL(fused_sign_##SUFFIX, level, (x, out, 1, m)); return out;  \
        case WENGERT_UNARY_NEGATE: return NULL;                                                             \
        default: abort(); /* the Swift side builds only the cases above */                                  \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* Values of step s (register r) for m positions, from its operands' pointers and increments. */       \
    static void fused_step_##SUFFIX(const wengert_fused_step *step, T *const *val, const long *inc, T *out,  \
                                    long m) {                                                               \
        const T *a = val[step->a], *b = step->b >= 0 ? val[step->b] : NULL;                                 \
        const long ia = inc[step->a], ib = step->b >= 0 ? inc[step->b] : 0;                                 \
        switch (step->op) {                                                                                 \
        case WENGERT_FUSED_ADD: case WENGERT_FUSED_SUBTRACT: case WENGERT_FUSED_MULTIPLY: case WENGERT_FUSED_DIVIDE: \
            wengert_binary_##SUFFIX(step->op - WENGERT_FUSED_ADD, a, ia, b, ib, out, m);                    \
            break;                                                                                          \
        case WENGERT_FUSED_SQUARE: wengert_binary_##SUFFIX(2, a, ia, a, ia, out, m); break;                 \
        case WENGERT_FUSED_UNARY:                                                                           \
            if (ia == 1) {                                                                                  \
                wengert_unary_##SUFFIX(step->unary, a, out, m);                                             \
            } else {                                                                                        \
                wengert_unary_##SUFFIX(step->unary, a, out, 1);                                             \
                for (long i = 1; i < m; i++) out[i] = out[0];                                               \
            }                                                                                               \
            break;                                                                                          \
        case WENGERT_FUSED_CONSTANT: out[0] = (T)step->constant; break;                                     \
        default: abort();                                                                                   \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    typedef struct {                                                                                        \
        long registers, inputs, steps, n;                                                                   \
        const wengert_fused_step *program;                                                                  \
        char *is_vector;  /* per register */                                                                \
        T **val;          /* per register: this block's values (vector) or the value (scalar) */            \
        long *inc;        /* per register: 1 vector, 0 scalar */                                            \
        T *scalars;       /* per register: a scalar register's value */                                     \
        T *blocks;        /* FUSED_BLOCK per step register */                                               \
        T *adj_blocks;    /* backward: FUSED_BLOCK of cotangents per register, then one for a partial */    \
        double *scalar_adj; /* backward: per register, a scalar register's cotangent */                     \
    } fused_state_##SUFFIX;                                                                                 \
                                                                                                            \
    /* Classifies the registers, computes the scalar ones, and points the vector steps at their blocks. */  \
    static void fused_prepare_##SUFFIX(fused_state_##SUFFIX *s, const wengert_fused_step *program,          \
                                       long steps, long inputs, const T *const *input,                       \
                                       const long *input_count, long n, int backward) {                      \
        s->registers = inputs + steps;                                                                      \
        s->inputs = inputs;                                                                                 \
        s->steps = steps;                                                                                   \
        s->n = n;                                                                                           \
        s->program = program;                                                                               \
        const long r = s->registers;                                                                        \
        const size_t header = (size_t)r * (sizeof(double) + sizeof(T *) + sizeof(long) + sizeof(T) + sizeof(char)) + 64; \
        const size_t blocks = (size_t)(steps + (backward ? r + 1 : 0)) * FUSED_BLOCK * sizeof(T);          \
        char *memory = (char *)wengert_scratch(2, header + blocks + 64);                                    \
        s->blocks = (T *)(((uintptr_t)memory + 63) & ~(uintptr_t)63);                                      \
        char *rest = (char *)(s->blocks) + blocks;                                                          \
        s->scalar_adj = (double *)rest;                                                                     \
        rest += (size_t)r * sizeof(double);                                                                 \
        s->adj_blocks = s->blocks + steps * FUSED_BLOCK;                                                    \
        s->val = (T **)rest;                                                                                \
        s->inc = (long *)(rest + (size_t)r * sizeof(T *));                                                  \
        s->scalars = (T *)(rest + (size_t)r * (sizeof(T *) + sizeof(long)));                                \
        s->is_vector = rest + (size_t)r * (sizeof(T *) + sizeof(long) + sizeof(T));                         \
        for (long j = 0; j < inputs; j++) {                                                                 \
            s->is_vector[j] = n > 1 && input_count[j] > 1;                                                  \
            s->inc[j] = s->is_vector[j];                                                                    \
            s->scalars[j] = input_count[j] > 0 ? input[j][0] : 0;                                           \
            s->val[j] = s->is_vector[j] ? (T *)input[j] : &s->scalars[j];                                   \
        }                                                                                                   \
        for (long k = 0; k < steps; k++) {                                                                  \
            const wengert_fused_step *step = &program[k];                                                   \
            const long q = inputs + k;                                                                      \
            s->is_vector[q] = step->op != WENGERT_FUSED_CONSTANT &&                                         \
                              (s->is_vector[step->a] || (step->b >= 0 && s->is_vector[step->b]));           \
            s->inc[q] = s->is_vector[q];                                                                    \
            if (s->is_vector[q]) {                                                                          \
                s->val[q] = s->blocks + k * FUSED_BLOCK;                                                    \
            } else {                                                                                        \
                s->val[q] = &s->scalars[q];                                                                 \
                fused_step_##SUFFIX(step, s->val, s->inc, &s->scalars[q], 1);                               \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* Points the vector inputs at positions [start, start + m) and computes the vector steps there. */    \
    static void fused_block_##SUFFIX(fused_state_##SUFFIX *s, const T *const *input, long start, long m) {  \
        for (long j = 0; j < s->inputs; j++) {                                                              \
            if (s->is_vector[j]) s->val[j] = (T *)input[j] + start;                                         \
        }                                                                                                   \
        for (long k = 0; k < s->steps; k++) {                                                               \
            if (s->is_vector[s->inputs + k]) fused_step_##SUFFIX(&s->program[k], s->val, s->inc, s->val[s->inputs + k], m); \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    void wengert_fused_forward_##SUFFIX(const wengert_fused_step *program, long steps, long inputs,         \
                                        const T *const *input, const long *input_count, long n, T *out,      \
                                        double *sum) {                                                      \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, program, steps, inputs, input, input_count, n, 0);                       \
        const long result = s.registers - 1;                                                                \
        const int level = wengert_kernel_level();                                                           \
        double total = 0;                                                                                   \
        if (!s.is_vector[result]) {                                                                         \
            const T v = s.scalars[result];                                                                  \
            if (out) for (long i = 0; i < n; i++) out[i] = v;                                               \
            total = (double)v * (double)n;                                                                  \
        } else {                                                                                            \
            for (long start = 0; start < n; start += FUSED_BLOCK) {                                         \
                const long m = n - start < FUSED_BLOCK ? n - start : FUSED_BLOCK;                           \
                fused_block_##SUFFIX(&s, input, start, m);                                                  \
                if (out) memcpy(out + start, s.val[result], (size_t)m * sizeof(T));                          \
                if (sum) total += WENGERT_AT_LEVEL(fused_block_sum_##SUFFIX, level, (s.val[result], m));    \
            }                                                                                               \
        }                                                                                                   \
        if (sum) *sum = total;                                                                              \
    }                                                                                                       \
                                                                                                            \
    /* What the cotangent g of step k's value gives its operand `which` (0 a, 1 b) over m positions: */    \
    /* added into that register's cotangent block, or summed into its scalar cotangent. */                 \
    static void fused_give_##SUFFIX(fused_state_##SUFFIX *s, T *adj_blocks, double *scalar_adj, long target, \
                                    const T *g, const T *p, long inc_p, int mode, long m, int level) {     \
        if (s->is_vector[target]) {                                                                         \
            T *block = adj_blocks + target * FUSED_BLOCK;                                                   \
            WENGERT_AT_LEVEL(fused_accumulate_##SUFFIX, level, (block, g, p, inc_p, mode, m));              \
        } else {                                                                                            \
            scalar_adj[target] += WENGERT_AT_LEVEL(fused_total_##SUFFIX, level, (g, p, inc_p, mode, m));    \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    void wengert_fused_backward_##SUFFIX(const wengert_fused_step *program, long steps, long inputs,        \
                                         const T *const *input, const long *input_count, long n,             \
                                         const T *g, long inc_g, T *const *grad) {                           \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, program, steps, inputs, input, input_count, n, 1);                       \
        const long r = s.registers, result = r - 1;                                                         \
        const int level = wengert_kernel_level();                                                           \
        /* Cotangent blocks for every register (inputs too), then the partial's and g's blocks. */          \
        T *adj_blocks = s.adj_blocks, *partial = adj_blocks + r * FUSED_BLOCK;                              \
        double *scalar_adj = s.scalar_adj;                                                                  \
        memset(scalar_adj, 0, (size_t)r * sizeof(double));                                                  \
        if (!s.is_vector[result]) {                                                                         \
            double total = 0;                                                                               \
            if (inc_g == 0) total = n > 0 ? (double)g[0] * (double)n : 0; /* no positions, nothing flows */ \
            else for (long i = 0; i < n; i++) total += (double)g[i];                                        \
            scalar_adj[result] = total;                                                                     \
        } else {                                                                                            \
            for (long start = 0; start < n; start += FUSED_BLOCK) {                                         \
                const long m = n - start < FUSED_BLOCK ? n - start : FUSED_BLOCK;                           \
                fused_block_##SUFFIX(&s, input, start, m);                                                  \
                for (long q = 0; q < r; q++) {                                                              \
                    if (s.is_vector[q]) memset(adj_blocks + q * FUSED_BLOCK, 0, (size_t)m * sizeof(T));      \
                }                                                                                           \
                if (inc_g == 0) {                                                                           \
                    for (long i = 0; i < m; i++) adj_blocks[result * FUSED_BLOCK + i] = g[0];               \
                } else {                                                                                    \
                    memcpy(adj_blocks + result * FUSED_BLOCK, g + start, (size_t)m * sizeof(T));             \
                }                                                                                           \
                for (long k = steps - 1; k >= 0; k--) {                                                     \
                    const long q = inputs + k;                                                              \
                    if (!s.is_vector[q]) continue;                                                          \
                    const wengert_fused_step *step = &program[k];                                           \
                    const T *gq = adj_blocks + q * FUSED_BLOCK;                                             \
                    const T *a = s.val[step->a], *b = step->b >= 0 ? s.val[step->b] : NULL;                 \
                    const long ia = s.inc[step->a], ib = step->b >= 0 ? s.inc[step->b] : 0;                 \
                    long inc_p = 1;                                                                         \
                    switch (step->op) {                                                                     \
                    case WENGERT_FUSED_ADD:                                                                 \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, NULL, 0, 0, m, level); \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->b, gq, NULL, 0, 0, m, level); \
                        break;                                                                              \
                    case WENGERT_FUSED_SUBTRACT:                                                            \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, NULL, 0, 0, m, level); \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->b, gq, NULL, 0, 1, m, level); \
                        break;                                                                              \
                    case WENGERT_FUSED_MULTIPLY:                                                            \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, b, ib, 2, m, level);   \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->b, gq, a, ia, 2, m, level);   \
                        break;                                                                              \
                    case WENGERT_FUSED_DIVIDE: {                                                            \
                        static const T one = 1;                                                             \
                        const long width = ib == 1 ? m : 1;                                                 \
                        wengert_binary_##SUFFIX(3, &one, 0, b, ib, partial, width);                         \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, partial, ib, 2, m, level); \
                        /* -(c / b), c this step's value (a vector) */                                      \
                        wengert_binary_##SUFFIX(3, s.val[q], 1, b, ib, partial, m);                         \
                        wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, partial, partial, m);                  \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->b, gq, partial, 1, 2, m, level); \
                        break;                                                                              \
                    }                                                                                       \
                    case WENGERT_FUSED_SQUARE: {                                                            \
                        static const T two = 2;                                                             \
                        wengert_binary_##SUFFIX(2, &two, 0, a, ia, partial, ia == 1 ? m : 1);               \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, partial, ia, 2, m, level); \
                        break;                                                                              \
                    }                                                                                       \
                    case WENGERT_FUSED_UNARY: {                                                             \
                        if (step->unary == WENGERT_UNARY_NEGATE) {                                          \
                            fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, NULL, 0, 1, m, level); \
                            break;                                                                          \
                        }                                                                                   \
                        /* a vector step of a unary function has a vector operand */                        \
                        const T *p = fused_unary_partial_##SUFFIX(step->unary, a, s.val[q], 1, partial, m, &inc_p, level); \
                        fused_give_##SUFFIX(&s, adj_blocks, scalar_adj, step->a, gq, p, inc_p, 2, m, level); \
                        break;                                                                              \
                    }                                                                                       \
                    default: abort();                                                                       \
                    }                                                                                       \
                }                                                                                           \
                for (long j = 0; j < inputs; j++) {                                                         \
                    if (grad[j] && s.is_vector[j]) memcpy(grad[j] + start, adj_blocks + j * FUSED_BLOCK, (size_t)m * sizeof(T)); \
                }                                                                                           \
            }                                                                                               \
        }                                                                                                   \
        /* The scalar steps, in reverse, in double precision from their values. */                          \
        for (long k = steps - 1; k >= 0; k--) {                                                             \
            const long q = inputs + k;                                                                      \
            const wengert_fused_step *step = &program[k];                                                   \
            if (s.is_vector[q] || step->op == WENGERT_FUSED_CONSTANT) continue;                             \
            const double gq = scalar_adj[q];                                                                \
            const double a = (double)s.scalars[step->a], v = (double)s.scalars[q];                          \
            const double b = step->b >= 0 ? (double)s.scalars[step->b] : 0;                                 \
            switch (step->op) {                                                                             \
            case WENGERT_FUSED_ADD: scalar_adj[step->a] += gq; scalar_adj[step->b] += gq; break;            \
            case WENGERT_FUSED_SUBTRACT: scalar_adj[step->a] += gq; scalar_adj[step->b] -= gq; break;       \
            case WENGERT_FUSED_MULTIPLY:                                                                    \
                scalar_adj[step->a] += fused_chain(gq, b);                                                  \
                scalar_adj[step->b] += fused_chain(gq, a);                                                  \
                break;                                                                                      \
            case WENGERT_FUSED_DIVIDE:                                                                      \
                scalar_adj[step->a] += fused_chain(gq, 1 / b);                                              \
                scalar_adj[step->b] += fused_chain(gq, -(v / b));                                           \
                break;                                                                                      \
            case WENGERT_FUSED_SQUARE: scalar_adj[step->a] += fused_chain(gq, 2 * a); break;                \
            case WENGERT_FUSED_UNARY: {                                                                     \
                double p;                                                                                   \
                switch (step->unary) {                                                                      \
                case WENGERT_UNARY_EXP: p = v; break;                                                       \
                case WENGERT_UNARY_LOG: p = 1 / a; break;                                                   \
                case WENGERT_UNARY_SIN: p = cos(a); break;                                                  \
                case WENGERT_UNARY_COS: p = -sin(a); break;                                                 \
                case WENGERT_UNARY_TANH: p = 1 - v * v; break;                                              \
                case WENGERT_UNARY_SIGMOID: p = v * (1 / (1 + exp(a))); break;                              \
                case WENGERT_UNARY_SQRT: p = 1 / (2 * v); break;                                            \
                case WENGERT_UNARY_ABS: p = a > 0 ? 1 : (a < 0 ? -1 : 0); break;                            \
                case WENGERT_UNARY_RELU: p = a > 0 || a != a ? 1 : 0; break;                                \
                case WENGERT_UNARY_NEGATE: p = -1; break;                                                   \
                default: abort();                                                                           \
                }                                                                                           \
                scalar_adj[step->a] += fused_chain(gq, p);                                                  \
                break;                                                                                      \
            }                                                                                               \
            default: abort();                                                                               \
            }                                                                                               \
        }                                                                                                   \
        for (long j = 0; j < inputs; j++) {                                                                 \
            if (!grad[j] || s.is_vector[j]) continue;                                                       \
            const T total = (T)scalar_adj[j];                                                               \
            /* A one-scalar input broadcast over n > 1 positions gets the sum; with n ≤ 1 every input is  \
               one position or none. */                                                                     \
            for (long i = 0; i < input_count[j]; i++) grad[j][i] = total;                                   \
        }                                                                                                   \
    }

FUSED_INTERPRETER(float, f32)
FUSED_INTERPRETER(double, f64)

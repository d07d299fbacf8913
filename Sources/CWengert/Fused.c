// Fused elementwise programs (see CWengertKernels.h): a LazyTensor's chain of
// elementwise steps run over the data in blocks of FUSED_BLOCK positions, every step of a
// block before the next block, so the intermediate values live in cache instead of one
// tensor each, and the whole chain is one call, one recorded entry and one backward rule.
// From FUSED_PARALLEL_MIN positions × steps a thread, whole blocks are split across the
// kernel threads, each part at the caller's instruction-set level.
//
// Registers are numbered inputs first (0 ..< input_count), then one per step (the caller
// numbers operands as a LazyTensor does, and `fused_prepare` renumbers them). A register
// is a vector (one value per position) or a scalar (one value for all positions): an
// input of one scalar broadcast over n > 1 positions, a constant, or a step of scalars
// only. Scalar steps run once per call, before the blocks; the blocks run the vector
// steps. Each step computes with the library's own kernels (wengert_binary,
// wengert_unary), so the values equal those of the tensor operations it replaces, bit for
// bit; only the sum of a reduction is accumulated in another order.
//
// The backward pass recomputes a block's values, then sweeps its steps in reverse with
// the chain rule's convention (a zero cotangent passes nothing through an infinite
// partial), only through registers that reach an input whose cotangent is asked for. A
// vector register's cotangent is a reference while a step hands one on unchanged,
// written once where a step first makes one, and added to after that. A scalar
// register's cotangent is the sum over all positions of what flows into it, accumulated
// in double precision across blocks and parts, then swept back through the scalar steps
// once after the last block.

#include "CWengertKernels.h"
#include "WengertInternal.h"
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUSED_BLOCK 2048
// Positions × steps per thread worth a split across the kernel threads.
#define FUSED_PARALLEL_MIN 65536
// Parts whose partial sums live on the stack.
#define FUSED_LOCAL_PARTS 16

// Block loops for the backward pass, at every instruction-set level. `mode` 0 adds g,
// 1 subtracts it, 2 adds chain(g, p) (p of increment 0 or 1).
#define FUSED_LOOPS(T, SUFFIX)                                                                              \
    WENGERT_AT_LEVELS(void, fused_accumulate_##SUFFIX,                                                      \
                      (T *restrict adj, const T *restrict g, long inc_g, const T *restrict p, long inc_p, int mode, long m), \
                      if (inc_g == 0) {                                                                     \
                          const T h = g[0];                                                                 \
                          if (mode == 0) for (long i = 0; i < m; i++) adj[i] += h;                          \
                          else if (mode == 1) for (long i = 0; i < m; i++) adj[i] -= h;                     \
                          else if (inc_p == 1) for (long i = 0; i < m; i++) adj[i] += h == 0 || p[i] == 0 ? 0 : h * p[i]; \
                          else for (long i = 0; i < m; i++) adj[i] += h == 0 || p[0] == 0 ? 0 : h * p[0];   \
                      } else if (mode == 0) {                                                               \
                          for (long i = 0; i < m; i++) adj[i] += g[i];                                      \
                      } else if (mode == 1) {                                                               \
                          for (long i = 0; i < m; i++) adj[i] -= g[i];                                      \
                      } else if (inc_p == 1) {                                                              \
                          for (long i = 0; i < m; i++) adj[i] += g[i] == 0 || p[i] == 0 ? 0 : g[i] * p[i];  \
                      } else {                                                                              \
                          const T c = p[0];                                                                 \
                          for (long i = 0; i < m; i++) adj[i] += g[i] == 0 || c == 0 ? 0 : g[i] * c;        \
                      })                                                                                    \
    WENGERT_AT_LEVELS(void, fused_sign_##SUFFIX, (const T *restrict x, T *restrict out, int relu, long m),  \
                      if (relu) {                                                                           \
                          for (long i = 0; i < m; i++) out[i] = x[i] > 0 || x[i] != x[i] ? 1 : 0;           \
                      } else {                                                                              \
                          for (long i = 0; i < m; i++) out[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0);         \
                      })

FUSED_LOOPS(float, f32)
FUSED_LOOPS(double, f64)

static inline double fused_chain(double g, double p) { return g == 0 || p == 0 ? 0 : g * p; }

// A step the Swift side never builds: an internal error, not bad input.
__attribute__((noreturn)) static void fused_invalid(const char *what, int code) {
    fprintf(stderr, "Wengert: internal error: a fused program has an unknown %s (%d).\n", what, code);
    abort();
}

// One definition of the interpreter per scalar type.
#define FUSED_INTERPRETER(T, SUFFIX)                                                                        \
    /* The partial of vector step `u` at x (its input) and y (its value), m positions of each: y itself, or \
       written into `out`. */                                                                               \
    static const T *fused_unary_partial_##SUFFIX(int u, const T *x, const T *y, T *out, long m, int level) { \
        static const T one = 1, two = 2;                                                                    \
        switch (u) {                                                                                        \
        case WENGERT_UNARY_EXP: return y;                                                                   \
        case WENGERT_UNARY_LOG: wengert_binary_##SUFFIX(3, &one, 0, x, 1, out, m); return out;              \
        case WENGERT_UNARY_SIN: wengert_unary_##SUFFIX(WENGERT_UNARY_COS, x, out, m); return out;           \
        case WENGERT_UNARY_COS:                                                                             \
            wengert_unary_##SUFFIX(WENGERT_UNARY_SIN, x, out, m);                                           \
            wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, out, out, m);                                      \
            return out;                                                                                     \
        case WENGERT_UNARY_TANH:                                                                            \
            wengert_binary_##SUFFIX(2, y, 1, y, 1, out, m);                                                 \
            wengert_binary_##SUFFIX(1, &one, 0, out, 1, out, m);                                            \
            return out;                                                                                     \
        case WENGERT_UNARY_SIGMOID: /* σ(x)·σ(-x), exact in both tails (the recorded rule's form) */        \
            wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, x, out, m);                                        \
            wengert_unary_##SUFFIX(WENGERT_UNARY_SIGMOID, out, out, m);                                     \
            wengert_binary_##SUFFIX(2, y, 1, out, 1, out, m);                                               \
            return out;                                                                                     \
        case WENGERT_UNARY_SQRT:                                                                            \
            wengert_binary_##SUFFIX(2, &two, 0, y, 1, out, m);                                              \
            wengert_binary_##SUFFIX(3, &one, 0, out, 1, out, m);                                            \
            return out;                                                                                     \
        case WENGERT_UNARY_ABS: WENGERT_AT_LEVEL(fused_sign_##SUFFIX, level, (x, out, 0, m)); return out;   \
        case WENGERT_UNARY_RELU: WENGERT_AT_LEVEL(fused_sign_##SUFFIX, level, (x, out, 1, m)); return out;  \
        default: fused_invalid("unary function", u);                                                        \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* Values of step s (register r) for m positions, from its operands' pointers and increments. */        \
    static void fused_step_##SUFFIX(const wengert_fused_step *step, T *const *val, const long *inc, T *out, \
                                    long m) {                                                               \
        const T *a = val[step->a], *b = step->b >= 0 ? val[step->b] : NULL;                                 \
        const long ia = inc[step->a], ib = step->b >= 0 ? inc[step->b] : 0;                                 \
        switch (step->op) {                                                                                 \
        case WENGERT_FUSED_ADD: case WENGERT_FUSED_SUBTRACT: case WENGERT_FUSED_MULTIPLY: case WENGERT_FUSED_DIVIDE: \
            wengert_binary_##SUFFIX(step->op - WENGERT_FUSED_ADD, a, ia, b, ib, out, m);                    \
            break;                                                                                          \
        case WENGERT_FUSED_SQUARE: wengert_binary_##SUFFIX(2, a, ia, a, ia, out, m); break;                 \
        /* A unary step's operand is a vector for a vector step, a scalar (m = 1) for a scalar one. */      \
        case WENGERT_FUSED_UNARY: wengert_unary_##SUFFIX(step->unary, a, out, m); break;                    \
        case WENGERT_FUSED_CONSTANT: out[0] = (T)step->constant; break;                                     \
        default: fused_invalid("step", step->op);                                                           \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    typedef struct {                                                                                        \
        long registers, inputs, steps, n;                                                                   \
        const wengert_fused_step *program;                                                                  \
        char *is_vector;  /* per register */                                                                \
        char *live;       /* backward: per register, whether a needed input's cotangent flows through it */ \
        T **val;          /* per register: this block's values (vector) or the value (scalar) */            \
        long *inc;        /* per register: 1 vector, 0 scalar */                                            \
        T *scalars;       /* per register: a scalar register's value */                                     \
        T *blocks;        /* FUSED_BLOCK per step register */                                               \
        T *adj_blocks;    /* backward: FUSED_BLOCK of cotangents per register, then one for a partial */    \
        double *scalar_adj; /* backward: per register, a scalar register's cotangent */                     \
        const T **adj;    /* backward: per register, its cotangent in this block (NULL: none yet) */        \
        long *adj_inc;    /* backward: 1, or 0 for one value at every position */                           \
        char *adj_owned;  /* backward: whether `adj` is the register's own block, writable */               \
        T *adj_cell;      /* backward: per register, room for a cotangent of one value */                   \
    } fused_state_##SUFFIX;                                                                                 \
                                                                                                            \
    /* Classifies the registers, computes the scalar ones, and points the vector steps at their blocks. */  \
    static void fused_prepare_##SUFFIX(fused_state_##SUFFIX *s, const wengert_fused_step *program,          \
                                       long steps, long inputs, const T *const *input,                      \
                                       const long *input_count, long n, int backward) {                     \
        s->registers = inputs + steps;                                                                      \
        s->inputs = inputs;                                                                                 \
        s->steps = steps;                                                                                   \
        s->n = n;                                                                                           \
        const long r = s->registers;                                                                        \
        const size_t header = (size_t)r * (2 * sizeof(double) + 2 * sizeof(T *) + 2 * sizeof(long) + 2 * sizeof(T) + 3 * sizeof(char)) \
                              + (size_t)steps * sizeof(wengert_fused_step) + 64;                            \
        const size_t blocks = (size_t)(steps + (backward ? r + 1 : 0)) * FUSED_BLOCK * sizeof(T);           \
        char *memory = (char *)wengert_scratch(2, header + blocks + 64);                                    \
        s->blocks = (T *)(((uintptr_t)memory + 63) & ~(uintptr_t)63);                                       \
        char *rest = (char *)(s->blocks) + blocks;                                                          \
        s->scalar_adj = (double *)rest;                                                                     \
        rest += (size_t)r * sizeof(double);                                                                 \
        s->adj_blocks = s->blocks + steps * FUSED_BLOCK;                                                    \
        s->adj_cell = (T *)rest;                                                                            \
        rest += (size_t)r * sizeof(double);                                                                 \
        s->adj = (const T **)rest;                                                                          \
        rest += (size_t)r * sizeof(T *);                                                                    \
        s->adj_inc = (long *)rest;                                                                          \
        rest += (size_t)r * sizeof(long);                                                                   \
        s->adj_owned = rest;                                                                                \
        rest += (size_t)r;                                                                                  \
        rest = (char *)(((uintptr_t)rest + 7) & ~(uintptr_t)7);                                             \
        s->val = (T **)rest;                                                                                \
        s->inc = (long *)(rest + (size_t)r * sizeof(T *));                                                  \
        s->scalars = (T *)(rest + (size_t)r * (sizeof(T *) + sizeof(long)));                                \
        s->is_vector = rest + (size_t)r * (sizeof(T *) + sizeof(long) + sizeof(T));                         \
        s->live = s->is_vector + r;                                                                         \
        /* The steps renumbered as registers: operand k >= 0 is step k, -1 - j input j; no b is INT32_MIN. */ \
        wengert_fused_step *renumbered = (wengert_fused_step *)(((uintptr_t)(s->live + r) + 7) & ~(uintptr_t)7); \
        for (long k = 0; k < steps; k++) {                                                                  \
            renumbered[k] = program[k];                                                                     \
            const int32_t a = program[k].a, b = program[k].b;                                               \
            renumbered[k].a = program[k].op == WENGERT_FUSED_CONSTANT ? 0 : (a >= 0 ? (int32_t)inputs + a : -1 - a); \
            renumbered[k].b = b == INT32_MIN ? -1 : (b >= 0 ? (int32_t)inputs + b : -1 - b);                \
        }                                                                                                   \
        s->program = renumbered;                                                                            \
        for (long j = 0; j < inputs; j++) {                                                                 \
            s->is_vector[j] = n > 1 && input_count[j] > 1;                                                  \
            s->inc[j] = s->is_vector[j];                                                                    \
            s->scalars[j] = input_count[j] > 0 ? input[j][0] : 0;                                           \
            s->val[j] = s->is_vector[j] ? (T *)input[j] : &s->scalars[j];                                   \
        }                                                                                                   \
        for (long k = 0; k < steps; k++) {                                                                  \
            const wengert_fused_step *step = &s->program[k];                                                \
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
    /* Points the vector inputs at positions [start, start + m) and computes the vector steps there. */     \
    /* Points the vector inputs at positions [start, start + m) and the vector steps at their values        \
       there: in `values` (step k's at values + k·n) when the caller keeps them, else in the scratch        \
       blocks; and computes the steps unless `values` already holds them (`compute` 0). */                  \
    static void fused_block_##SUFFIX(fused_state_##SUFFIX *s, const T *const *input, T *values, long start, \
                                     long m, int compute) {                                                 \
        for (long j = 0; j < s->inputs; j++) {                                                              \
            if (s->is_vector[j]) s->val[j] = (T *)input[j] + start;                                         \
        }                                                                                                   \
        for (long k = 0; k < s->steps; k++) {                                                               \
            const long q = s->inputs + k;                                                                   \
            if (!s->is_vector[q]) continue;                                                                 \
            s->val[q] = values ? values + k * s->n + start : s->blocks + k * FUSED_BLOCK;                   \
            if (compute) fused_step_##SUFFIX(&s->program[k], s->val, s->inc, s->val[q], m);                 \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    typedef struct {                                                                                        \
        const wengert_fused_step *program;                                                                  \
        long steps, inputs, n, chunk, registers;                                                            \
        const T *const *input;                                                                              \
        const long *input_count;                                                                            \
        T *out;                                                                                             \
        T *values;                     /* the steps' values, kept by the forward pass for the backward one */ \
        double *sums;                  /* forward: per part, the sum of its values */                       \
        const T *g;                                                                                         \
        long inc_g;                                                                                         \
        T *const *grad;                                                                                     \
        double *scalar_adj;            /* backward: per part, the scalar registers' cotangents */           \
        int level; /* the caller's instruction-set level, at which every part computes */                   \
    } fused_job_##SUFFIX;                                                                                   \
                                                                                                            \
    /* Positions [part·chunk, (part + 1)·chunk) of a forward pass, with a prepared state (a copy of its     \
       pointers into this thread's scratch). */                                                             \
    static void fused_forward_blocks_##SUFFIX(fused_state_##SUFFIX s, const fused_job_##SUFFIX *job, long part) { \
        const long result = s.registers - 1, lo = part * job->chunk;                                        \
        const long hi = lo + job->chunk < job->n ? lo + job->chunk : job->n;                                \
        double total = 0;                                                                                   \
        for (long start = lo; start < hi; start += FUSED_BLOCK) {                                           \
            const long m = hi - start < FUSED_BLOCK ? hi - start : FUSED_BLOCK;                             \
            fused_block_##SUFFIX(&s, job->input, job->values, start, m, 1);                                 \
            if (job->out) memcpy(job->out + start, s.val[result], (size_t)m * sizeof(T));                   \
            if (job->sums) total += wengert_sum_##SUFFIX(s.val[result], m);                                 \
        }                                                                                                   \
        if (job->sums) job->sums[part] = total;                                                             \
    }                                                                                                       \
                                                                                                            \
    /* A part of the forward pass on a kernel thread: its own state, at the caller's level (a test may      \
       have set it for its thread), so the bits do not depend on the split. */                              \
    static void fused_forward_part_##SUFFIX(void *context, long part) {                                     \
        const fused_job_##SUFFIX *job = (const fused_job_##SUFFIX *)context;                                \
        const int previous = wengert_set_thread_kernel_level(job->level);                                   \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, job->program, job->steps, job->inputs, job->input, job->input_count, job->n, 0); \
        fused_forward_blocks_##SUFFIX(s, job, part);                                                        \
        wengert_set_thread_kernel_level(previous);                                                          \
    }                                                                                                       \
                                                                                                            \
    /* How many parts the kernel threads take: whole blocks, a worker's share worth waking it for. */       \
    static long fused_chunk_##SUFFIX(long n, long steps, long *parts) {                                     \
        const long threads = wengert_parallel_threads((double)n * (double)steps, FUSED_PARALLEL_MIN);       \
        long chunk = threads > 1 ? (n + threads - 1) / threads : n;                                         \
        chunk = chunk < 1 ? 1 : (chunk + FUSED_BLOCK - 1) / FUSED_BLOCK * FUSED_BLOCK;                      \
        *parts = n > 0 ? (n + chunk - 1) / chunk : 0;                                                       \
        return chunk;                                                                                       \
    }                                                                                                       \
                                                                                                            \
    void wengert_fused_forward_##SUFFIX(const wengert_fused_step *program, long steps, long inputs,         \
                                        const T *const *input, const long *input_count, long n, T *out,     \
                                        double *sum, T *values) {                                           \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, program, steps, inputs, input, input_count, n, 0);                       \
        const long result = s.registers - 1;                                                                \
        if (!s.is_vector[result]) {                                                                         \
            const T v = s.scalars[result];                                                                  \
            if (out) for (long i = 0; i < n; i++) out[i] = v;                                               \
            if (sum) *sum = (double)v * (double)n;                                                          \
            return;                                                                                         \
        }                                                                                                   \
        long parts;                                                                                         \
        const long chunk = fused_chunk_##SUFFIX(n, steps, &parts);                                          \
        double local[FUSED_LOCAL_PARTS];                                                                    \
        double *sums = sum ? (parts <= FUSED_LOCAL_PARTS ? local : (double *)malloc((size_t)parts * sizeof(double))) : NULL; \
        fused_job_##SUFFIX job = {program, steps, inputs, n, chunk, s.registers, input, input_count, out,   \
                                  values, sums, NULL, 0, NULL, NULL, wengert_kernel_level()};               \
        if (parts > 1) wengert_parallel_run(parts, fused_forward_part_##SUFFIX, &job);                      \
        else if (parts == 1) fused_forward_blocks_##SUFFIX(s, &job, 0);                                     \
        if (sum) {                                                                                          \
            double total = 0;                                                                               \
            for (long p = 0; p < parts; p++) total += sums[p];                                              \
            *sum = total;                                                                                   \
            if (sums != local) free(sums);                                                                  \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* Σ over m positions of what `fused_accumulate` would add: the library's sums in double-precision      \
       lanes (a single accumulator is a chain of dependent adds, several times slower). */                  \
    static double fused_total_##SUFFIX(const T *g, long inc_g, const T *p, long inc_p, int mode, long m) {  \
        if (inc_g == 0) {                                                                                   \
            const double h = (double)g[0];                                                                  \
            if (mode != 2) return (mode == 1 ? -h : h) * (double)m;                                         \
            if (h == 0) return 0;                                                                           \
            return inc_p == 1 ? h * wengert_sum_##SUFFIX(p, m) : fused_chain(h, (double)p[0]) * (double)m;  \
        }                                                                                                   \
        if (mode != 2) return mode == 1 ? -wengert_sum_##SUFFIX(g, m) : wengert_sum_##SUFFIX(g, m);         \
        if (inc_p == 1) return wengert_chain_sum_##SUFFIX(g, p, m);                                         \
        return fused_chain(wengert_sum_##SUFFIX(g, m), (double)p[0]);                                       \
    }                                                                                                       \
                                                                                                            \
    /* m positions of a cotangent held as `view` with increment `inc` (1, or 0 for one value), into out. */ \
    static void fused_spread_##SUFFIX(T *out, const T *view, long inc, long m) {                            \
        if (inc == 0) {                                                                                     \
            const T v = view[0];                                                                            \
            for (long i = 0; i < m; i++) out[i] = v;                                                        \
        } else {                                                                                            \
            memcpy(out, view, (size_t)m * sizeof(T));                                                       \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* What the cotangent g (increment inc_g) of a step gives operand `target` over m positions: g itself   \
       (mode 0), -g (1) or chain(g, p) (2). A vector register's first contribution is kept as it is: g      \
       itself by reference, anything else written once into its block; a later one is added there. A        \
       scalar register sums it. */                                                                          \
    static void fused_give_##SUFFIX(fused_state_##SUFFIX *s, double *scalar_adj, long target, const T *g,   \
                                    long inc_g, const T *p, long inc_p, int mode, long m, int level) {      \
        if (!s->live[target]) return;                                                                       \
        if (!s->is_vector[target]) {                                                                        \
            scalar_adj[target] += fused_total_##SUFFIX(g, inc_g, p, inc_p, mode, m);                        \
            return;                                                                                         \
        }                                                                                                   \
        T *block = s->adj_blocks + target * FUSED_BLOCK;                                                    \
        if (!s->adj[target]) {                                                                              \
            const int one_value = inc_g == 0 && (mode != 2 || inc_p == 0);                                  \
            T *out = one_value ? &s->adj_cell[target] : block;                                              \
            const long width = one_value ? 1 : m;                                                           \
            if (mode == 0) {                                                                                \
                s->adj[target] = g;                                                                         \
                s->adj_inc[target] = inc_g;                                                                 \
                s->adj_owned[target] = 0;                                                                   \
                return;                                                                                     \
            }                                                                                               \
            if (mode == 1) {                                                                                \
                if (inc_g == 0) out[0] = -g[0];                                                             \
                else wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, g, out, width);                           \
            } else {                                                                                        \
                wengert_binary_##SUFFIX(4, g, inc_g, p, inc_p, out, width);                                 \
            }                                                                                               \
            s->adj[target] = out;                                                                           \
            s->adj_inc[target] = !one_value;                                                                \
            s->adj_owned[target] = !one_value;                                                              \
            return;                                                                                         \
        }                                                                                                   \
        if (!s->adj_owned[target]) {                                                                        \
            /* Its own block first: the value it refers to, spread over the block. */                       \
            fused_spread_##SUFFIX(block, s->adj[target], s->adj_inc[target], m);                            \
            s->adj[target] = block;                                                                         \
            s->adj_inc[target] = 1;                                                                         \
            s->adj_owned[target] = 1;                                                                       \
        }                                                                                                   \
        WENGERT_AT_LEVEL(fused_accumulate_##SUFFIX, level, (block, g, inc_g, p, inc_p, mode, m));           \
    }                                                                                                       \
                                                                                                            \
    /* Marks the registers through which a needed input's cotangent flows: only they are swept. */          \
    static void fused_live_##SUFFIX(fused_state_##SUFFIX *s, T *const *grad) {                              \
        for (long j = 0; j < s->inputs; j++) s->live[j] = grad[j] != NULL;                                  \
        for (long k = 0; k < s->steps; k++) {                                                               \
            const wengert_fused_step *step = &s->program[k];                                                \
            s->live[s->inputs + k] = step->op != WENGERT_FUSED_CONSTANT &&                                  \
                                     (s->live[step->a] || (step->b >= 0 && s->live[step->b]));              \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* Positions [part·chunk, (part + 1)·chunk) of a backward pass, with a prepared state whose live        \
       registers are marked: the vector inputs' cotangents there, and the scalar registers' share of        \
       theirs into job->scalar_adj + part·registers. */                                                     \
    static void fused_backward_blocks_##SUFFIX(fused_state_##SUFFIX s, const fused_job_##SUFFIX *job, long part) { \
        const long inputs = job->inputs, steps = job->steps, inc_g = job->inc_g;                            \
        const T *const *input = job->input;                                                                 \
        const T *g = job->g;                                                                                \
        T *const *grad = job->grad;                                                                         \
        const long r = s.registers, result = r - 1, lo = part * job->chunk;                                 \
        const long hi = lo + job->chunk < job->n ? lo + job->chunk : job->n;                                \
        const int level = wengert_kernel_level();                                                           \
        T *partial = s.adj_blocks + r * FUSED_BLOCK;                                                        \
        double *scalar_adj = job->scalar_adj + part * r;                                                    \
        for (long start = lo; start < hi; start += FUSED_BLOCK) {                                           \
            const long m = hi - start < FUSED_BLOCK ? hi - start : FUSED_BLOCK;                             \
            fused_block_##SUFFIX(&s, input, job->values, start, m, job->values == NULL);                    \
            for (long q = 0; q < r; q++) s.adj[q] = NULL;                                                   \
            s.adj[result] = inc_g == 0 ? g : g + start;                                                     \
            s.adj_inc[result] = inc_g;                                                                      \
            s.adj_owned[result] = 0;                                                                        \
            for (long k = steps - 1; k >= 0; k--) {                                                         \
                const long q = inputs + k;                                                                  \
                if (!s.is_vector[q] || !s.live[q]) continue;                                                \
                const wengert_fused_step *step = &s.program[k];                                             \
                const T *gq = s.adj[q];                                                                     \
                const long ig = s.adj_inc[q];                                                               \
                if (!gq) continue; /* nothing flows into this step */                                       \
                const T *a = s.val[step->a], *b = step->b >= 0 ? s.val[step->b] : NULL;                     \
                const long ia = s.inc[step->a], ib = step->b >= 0 ? s.inc[step->b] : 0;                     \
                switch (step->op) {                                                                         \
                case WENGERT_FUSED_ADD:                                                                     \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, NULL, 0, 0, m, level);             \
                    fused_give_##SUFFIX(&s, scalar_adj, step->b, gq, ig, NULL, 0, 0, m, level);             \
                    break;                                                                                  \
                case WENGERT_FUSED_SUBTRACT:                                                                \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, NULL, 0, 0, m, level);             \
                    fused_give_##SUFFIX(&s, scalar_adj, step->b, gq, ig, NULL, 0, 1, m, level);             \
                    break;                                                                                  \
                case WENGERT_FUSED_MULTIPLY:                                                                \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, b, ib, 2, m, level);               \
                    fused_give_##SUFFIX(&s, scalar_adj, step->b, gq, ig, a, ia, 2, m, level);               \
                    break;                                                                                  \
                case WENGERT_FUSED_DIVIDE: {                                                                \
                    static const T one = 1;                                                                 \
                    const long width = ib == 1 ? m : 1;                                                     \
                    wengert_binary_##SUFFIX(3, &one, 0, b, ib, partial, width);                             \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, partial, ib, 2, m, level);         \
                    /* -(c / b), c this step's value (a vector) */                                          \
                    wengert_binary_##SUFFIX(3, s.val[q], 1, b, ib, partial, m);                             \
                    wengert_unary_##SUFFIX(WENGERT_UNARY_NEGATE, partial, partial, m);                      \
                    fused_give_##SUFFIX(&s, scalar_adj, step->b, gq, ig, partial, 1, 2, m, level);          \
                    break;                                                                                  \
                }                                                                                           \
                case WENGERT_FUSED_SQUARE: {                                                                \
                    static const T two = 2;                                                                 \
                    wengert_binary_##SUFFIX(2, &two, 0, a, ia, partial, ia == 1 ? m : 1);                   \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, partial, ia, 2, m, level);         \
                    break;                                                                                  \
                }                                                                                           \
                case WENGERT_FUSED_UNARY: {                                                                 \
                    if (step->unary == WENGERT_UNARY_NEGATE) {                                              \
                        fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, NULL, 0, 1, m, level);         \
                        break;                                                                              \
                    }                                                                                       \
                    /* a vector step of a unary function has a vector operand */                            \
                    const T *p = fused_unary_partial_##SUFFIX(step->unary, a, s.val[q], partial, m, level); \
                    fused_give_##SUFFIX(&s, scalar_adj, step->a, gq, ig, p, 1, 2, m, level);                \
                    break;                                                                                  \
                }                                                                                           \
                default: fused_invalid("step", step->op);                                                   \
                }                                                                                           \
            }                                                                                               \
            for (long j = 0; j < inputs; j++) {                                                             \
                if (!grad[j] || !s.is_vector[j]) continue;                                                  \
                if (s.adj[j]) fused_spread_##SUFFIX(grad[j] + start, s.adj[j], s.adj_inc[j], m);            \
                else memset(grad[j] + start, 0, (size_t)m * sizeof(T)); /* nothing reached it */            \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
                                                                                                            \
    /* A part of the backward pass on a kernel thread: its own state, at the caller's level. */             \
    static void fused_backward_part_##SUFFIX(void *context, long part) {                                    \
        const fused_job_##SUFFIX *job = (const fused_job_##SUFFIX *)context;                                \
        const int previous = wengert_set_thread_kernel_level(job->level);                                   \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, job->program, job->steps, job->inputs, job->input, job->input_count, job->n, 1); \
        fused_live_##SUFFIX(&s, job->grad);                                                                 \
        fused_backward_blocks_##SUFFIX(s, job, part);                                                       \
        wengert_set_thread_kernel_level(previous);                                                          \
    }                                                                                                       \
                                                                                                            \
    void wengert_fused_backward_##SUFFIX(const wengert_fused_step *program, long steps, long inputs,        \
                                         const T *const *input, const long *input_count, long n,            \
                                         const T *g, long inc_g, T *const *grad, const T *values) {         \
        fused_state_##SUFFIX s;                                                                             \
        fused_prepare_##SUFFIX(&s, program, steps, inputs, input, input_count, n, 1);                       \
        fused_live_##SUFFIX(&s, grad);                                                                      \
        const long r = s.registers, result = r - 1;                                                         \
        const int vector_result = s.is_vector[result];                                                      \
        long parts = 0, chunk = 0;                                                                          \
        if (vector_result) chunk = fused_chunk_##SUFFIX(n, steps, &parts);                                  \
        double local[FUSED_LOCAL_PARTS * 16];                                                               \
        const long cells = (parts > 0 ? parts : 1) * r;                                                     \
        double *part_adj = cells <= FUSED_LOCAL_PARTS * 16 ? local : (double *)malloc((size_t)cells * sizeof(double)); \
        memset(part_adj, 0, (size_t)cells * sizeof(double));                                                \
        fused_job_##SUFFIX job = {program, steps, inputs, n, chunk, r, input, input_count, NULL,            \
                                  (T *)values, NULL, g, inc_g, grad, part_adj, wengert_kernel_level()};     \
        if (parts == 1) {                                                                                   \
            fused_backward_blocks_##SUFFIX(s, &job, 0);                                                     \
        } else if (parts > 1) {                                                                             \
            wengert_parallel_run(parts, fused_backward_part_##SUFFIX, &job);                                \
            /* A part on this thread prepared its state in the same scratch: prepare the caller's again. */ \
            fused_prepare_##SUFFIX(&s, program, steps, inputs, input, input_count, n, 1);                   \
            fused_live_##SUFFIX(&s, grad);                                                                  \
        }                                                                                                   \
        double *scalar_adj = s.scalar_adj;                                                                  \
        for (long q = 0; q < r; q++) {                                                                      \
            double total = 0;                                                                               \
            for (long p = 1; p < (parts > 0 ? parts : 1); p++) total += part_adj[p * r + q];                \
            scalar_adj[q] = part_adj[q] + total;                                                            \
        }                                                                                                   \
        if (part_adj != local) free(part_adj);                                                              \
        if (!vector_result) {                                                                               \
            /* A value that depends on no vector input (a constant, or scalars alone): nothing flows to one. */ \
            for (long j = 0; j < inputs; j++) {                                                             \
                if (grad[j] && s.is_vector[j]) memset(grad[j], 0, (size_t)input_count[j] * sizeof(T));      \
            }                                                                                               \
            double total = 0;                                                                               \
            if (inc_g == 0) total = n > 0 ? (double)g[0] * (double)n : 0; /* no positions, nothing flows */ \
            else for (long i = 0; i < n; i++) total += (double)g[i];                                        \
            scalar_adj[result] = total;                                                                     \
        }                                                                                                   \
        /* The scalar steps, in reverse, in double precision from their values. */                          \
        for (long k = steps - 1; k >= 0; k--) {                                                             \
            const long q = inputs + k;                                                                      \
            const wengert_fused_step *step = &s.program[k];                                                 \
            if (s.is_vector[q] || !s.live[q]) continue;                                                     \
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
                default: fused_invalid("unary function", step->unary);                                      \
                }                                                                                           \
                scalar_adj[step->a] += fused_chain(gq, p);                                                  \
                break;                                                                                      \
            }                                                                                               \
            default: fused_invalid("step", step->op);                                                       \
            }                                                                                               \
        }                                                                                                   \
        for (long j = 0; j < inputs; j++) {                                                                 \
            if (!grad[j] || s.is_vector[j]) continue;                                                       \
            const T total = (T)scalar_adj[j];                                                               \
            /* A one-scalar input broadcast over n > 1 positions gets the sum; with n ≤ 1 every input is    \
               one position or none. */                                                                     \
            for (long i = 0; i < input_count[j]; i++) grad[j][i] = total;                                   \
        }                                                                                                   \
    }

FUSED_INTERPRETER(float, f32)
FUSED_INTERPRETER(double, f64)

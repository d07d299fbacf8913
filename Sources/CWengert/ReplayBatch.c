// Replay in a schedule (include/CWengertReplay.h): arithmetic entries in a given order,
// and runs of one elementary function through the vector kernels of Elementary.c.
// Reverse/ReplaySchedule.swift builds the order; this file only evaluates it.

#include "CWengertKernels.h"
#include "CWengertReplay.h"
#include "ReplayArithmetic.h"

// Partials as the Swift rules write them (1 - t·t, not a fused multiply-add).
#pragma STDC FP_CONTRACT OFF

// The vector kernel computing each batchable opcode's value (the partial may need a
// second one), indexed by opcode − WENGERT_OP_SIN; -1 where replay does not batch.
static const signed char kernel_of[WENGERT_OP_LOG10 - WENGERT_OP_SIN + 1] = {
    WENGERT_UNARY_SIN, WENGERT_UNARY_COS, WENGERT_UNARY_TAN, -1, -1, -1,
    WENGERT_UNARY_SINH, WENGERT_UNARY_COSH, WENGERT_UNARY_TANH,
    WENGERT_UNARY_EXP, WENGERT_UNARY_EXPM1, WENGERT_UNARY_LOG, WENGERT_UNARY_LOG1P,
    WENGERT_UNARY_LOG2, WENGERT_UNARY_LOG10,
};

int wengert_replay_batches(uint8_t opcode) {
    return opcode >= WENGERT_OP_SIN && opcode <= WENGERT_OP_LOG10 && kernel_of[opcode - WENGERT_OP_SIN] >= 0;
}

// Entries per gather: the operands, values and partials stay on the stack (no allocation).
#define BATCH 128

#define WENGERT_REPLAY_SCHEDULED(ORDERED, BATCHED, T, ENTRY, RULE, UNARY, LN2, LN10)           \
    void ORDERED(WengertReplayCursor *cursor, const uint32_t *order, long count,               \
                 const uint32_t *stream, const RULE *rules) {                                  \
        ENTRY *const entries = (ENTRY *)cursor->entries;                                       \
        const uint8_t *const opcodes = cursor->opcodes;                                        \
        const T *const constants = (const T *)cursor->constants;                               \
        const T *const inputs = (const T *)cursor->inputs;                                     \
        T *const values = (T *)cursor->values;                                                 \
        /* The previous value stays in a register, as in Replay.c: an operand read back */     \
        /* from `values` just after its store stalls the dependent chain.              */      \
        uint32_t prev = 0;                                                                     \
        T last = 0;                                                                            \
        for (long k = 0; k < count; k++) {                                                     \
            const uint32_t i = order[k];                                                       \
            ENTRY *const e = entries + i;                                                      \
            const T x = OPERAND(e->lhs);                                                       \
            T v;                                                                               \
            switch (opcodes[i]) {                                                              \
            case WENGERT_OP_INPUT: v = inputs[stream[i]]; break;                               \
            case WENGERT_OP_CONSTANT: v = constants[stream[i]]; break;                         \
            case WENGERT_OP_ADD: WENGERT_REPLAY_ADD(T); break;                                 \
            case WENGERT_OP_SUBTRACT: WENGERT_REPLAY_SUBTRACT(T); break;                       \
            case WENGERT_OP_MULTIPLY: WENGERT_REPLAY_MULTIPLY(T); break;                       \
            case WENGERT_OP_DIVIDE: WENGERT_REPLAY_DIVIDE(T); break;                           \
            case WENGERT_OP_NEGATE: WENGERT_REPLAY_NEGATE(T); break;                           \
            case WENGERT_OP_ADD_CONSTANT: WENGERT_REPLAY_ADD_CONSTANT(T); break;               \
            case WENGERT_OP_SUBTRACT_CONSTANT: WENGERT_REPLAY_SUBTRACT_CONSTANT(T); break;     \
            case WENGERT_OP_CONSTANT_MINUS: WENGERT_REPLAY_CONSTANT_MINUS(T); break;           \
            case WENGERT_OP_MULTIPLY_CONSTANT: WENGERT_REPLAY_MULTIPLY_CONSTANT(T); break;     \
            case WENGERT_OP_DIVIDE_CONSTANT: WENGERT_REPLAY_DIVIDE_CONSTANT(T); break;         \
            case WENGERT_OP_CONSTANT_OVER: WENGERT_REPLAY_CONSTANT_OVER(T); break;             \
            case WENGERT_OP_MULTIPLY_ADD: case WENGERT_OP_MULTIPLY_ADD_INTERIOR:               \
                WENGERT_REPLAY_MULTIPLY_ADD(T); break;                                         \
            case WENGERT_OP_POW_CONSTANT: case WENGERT_OP_CONSTANT_POW:                        \
                v = rules[opcodes[i]](REPLAY_X, REPLAY_C, e); break;                           \
            default:                                                                           \
                /* atan2 ... max have a right operand; the elementary functions do not */     \
                v = rules[opcodes[i]](REPLAY_X, opcodes[i] >= WENGERT_OP_ATAN2 ? REPLAY_Y : 0, \
                                      e);                                                      \
            }                                                                                  \
            values[i] = v;                                                                     \
            prev = i;                                                                          \
            last = v;                                                                          \
        }                                                                                      \
    }                                                                                          \
    void BATCHED(WengertReplayCursor *cursor, uint8_t opcode, const uint32_t *order, long count) { \
        ENTRY *const entries = (ENTRY *)cursor->entries;                                       \
        T *const values = (T *)cursor->values;                                                 \
        const int kernel = kernel_of[opcode - WENGERT_OP_SIN];                                 \
        T x[BATCH], v[BATCH], p[BATCH];                                                        \
        for (long start = 0; start < count; start += BATCH) {                                  \
            const long n = count - start < BATCH ? count - start : BATCH;                      \
            const uint32_t *const slots = order + start;                                       \
            for (long k = 0; k < n; k++) x[k] = values[entries[slots[k]].lhs];                 \
            UNARY(kernel, x, v, n);                                                            \
            switch (opcode) {                                                                  \
            case WENGERT_OP_SIN: UNARY(WENGERT_UNARY_COS, x, p, n); break;                     \
            case WENGERT_OP_COS:                                                               \
                UNARY(WENGERT_UNARY_SIN, x, p, n);                                             \
                for (long k = 0; k < n; k++) p[k] = -p[k];                                     \
                break;                                                                         \
            case WENGERT_OP_TAN: for (long k = 0; k < n; k++) p[k] = 1 + v[k] * v[k]; break;   \
            case WENGERT_OP_SINH: UNARY(WENGERT_UNARY_COSH, x, p, n); break;                   \
            case WENGERT_OP_COSH: UNARY(WENGERT_UNARY_SINH, x, p, n); break;                   \
            case WENGERT_OP_TANH: for (long k = 0; k < n; k++) p[k] = 1 - v[k] * v[k]; break;  \
            case WENGERT_OP_EXP: for (long k = 0; k < n; k++) p[k] = v[k]; break;              \
            case WENGERT_OP_EXPM1: UNARY(WENGERT_UNARY_EXP, x, p, n); break;                   \
            case WENGERT_OP_LOG: for (long k = 0; k < n; k++) p[k] = 1 / x[k]; break;          \
            case WENGERT_OP_LOG1P: for (long k = 0; k < n; k++) p[k] = 1 / (1 + x[k]); break;  \
            case WENGERT_OP_LOG2: for (long k = 0; k < n; k++) p[k] = 1 / (x[k] * LN2); break; \
            default: for (long k = 0; k < n; k++) p[k] = 1 / (x[k] * LN10); break;             \
            }                                                                                  \
            for (long k = 0; k < n; k++) {                                                     \
                values[slots[k]] = v[k];                                                       \
                entries[slots[k]].lhsPartial = p[k];                                           \
            }                                                                                  \
        }                                                                                      \
    }

#define OPERAND(slot) ((slot) == prev ? last : values[slot])
#define REPLAY_X x
#define REPLAY_Y OPERAND(e->rhs)
#define REPLAY_C constants[stream[i]]
#define REPLAY_LAST OPERAND(i - 1)


// ln 2 and ln 10 rounded to each type, as `ElementaryRule.ln2` converts them.
WENGERT_REPLAY_SCHEDULED(wengert_replay_ordered_double, wengert_replay_batch_double, double, WengertReplayEntryDouble,
                         WengertReplayRuleDouble, wengert_unary_f64, 0.693147180559945309417232121458176568,
                         2.30258509299404568401799145468436421)
WENGERT_REPLAY_SCHEDULED(wengert_replay_ordered_float, wengert_replay_batch_float, float, WengertReplayEntryFloat,
                         WengertReplayRuleFloat, wengert_unary_f32, 0.693147180559945309417232121458176568f,
                         2.30258509299404568401799145468436421f)

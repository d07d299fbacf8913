// Replay's interpreter for the arithmetic opcodes (include/CWengertReplay.h).
// Direct threading: every handler ends in its own indirect jump through the table, so
// the branch predictor learns which opcode follows which (a recorded loop body repeats
// its opcode pattern), where one shared `switch` jump mispredicts at every change.
// The elementary functions call back into Swift's rules (one indirect call each, as
// the Swift loop's out-of-line dispatch did): one set of rules for recording and replay.

#include "CWengertReplay.h"

// x·y + z must round twice, as Swift computes it.
#pragma STDC FP_CONTRACT OFF

#define WENGERT_REPLAY_LOOP(NAME, T, ENTRY, RULE)                                            \
    typedef struct { uint32_t lhs, rhs; T lhsPartial, rhsPartial; } ENTRY;                 \
    void NAME(WengertReplayCursor *cursor, long stop, RULE rule) {                         \
        static void *const table[WENGERT_OP_COUNT] = {                                     \
            &&unhandled, &&op_input, &&op_constant, &&unhandled,                           \
            &&op_add, &&op_subtract, &&op_multiply, &&op_divide, &&op_negate,              \
            &&op_add_constant, &&op_subtract_constant, &&op_constant_minus,                \
            &&op_multiply_constant, &&op_divide_constant, &&op_constant_over,              \
            &&rule_constant, &&rule_constant, /* powConstant, constantPow */               \
            &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary,          \
            &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary, /* sin ... tanh */     \
            &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary,          \
            &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary, &&rule_unary,          \
            &&rule_unary, &&rule_unary, &&rule_unary, /* exp ... relu */                   \
            &&rule_binary, &&rule_binary, &&rule_binary, &&rule_binary, &&rule_binary,     \
            /* atan2 ... max */                                                            \
            &&op_multiply_add, &&op_multiply_add, /* multiplyAdd, multiplyAddInterior */   \
            &&sentinel,                                                                    \
        };                                                                                 \
        ENTRY *const entries = (ENTRY *)cursor->entries;                                   \
        uint8_t *const opcodes = cursor->opcodes;                                          \
        const T *const constants = (const T *)cursor->constants;                           \
        const T *const inputs = (const T *)cursor->inputs;                                 \
        T *const values = (T *)cursor->values;                                             \
        long i = cursor->next, nextInput = cursor->nextInput, nextConstant = cursor->nextConstant; \
        if (i >= stop) return;                                                             \
        /* The stop is an opcode: no bounds test per entry, and each handler keeps its */  \
        /* own jump (a test there made clang merge every dispatch into one).           */  \
        const uint8_t saved = opcodes[stop];                                               \
        opcodes[stop] = WENGERT_OP_SENTINEL;                                               \
        /* The previous value stays in a register: most operands name entry i − 1. */     \
        T last = values[i - 1];                                                            \
        ENTRY *e = entries + i;                                                            \
        T v;                                                                               \
        goto *table[opcodes[i]];                                                           \
    op_input: v = inputs[nextInput++]; goto next;                                          \
    op_constant: v = constants[nextConstant++]; goto next;                                 \
    op_add: v = X + Y; goto next;                                                          \
    op_subtract: v = X - Y; goto next;                                                     \
    op_multiply: { T x = X, y = Y; v = x * y; e->lhsPartial = y; e->rhsPartial = x; goto next; } \
    op_divide: {                                                                           \
        T x = X, y = Y; v = x / y;                                                         \
        e->lhsPartial = (T)1 / y; e->rhsPartial = -v / y; goto next; }                     \
    op_negate: v = -X; goto next;                                                          \
    op_add_constant: v = X + constants[nextConstant++]; goto next;                         \
    op_subtract_constant: v = X - constants[nextConstant++]; goto next;                    \
    op_constant_minus: v = constants[nextConstant++] - X; goto next;                       \
    op_multiply_constant: v = X * e->lhsPartial; goto next;                                \
    op_divide_constant: {                                                                  \
        T c = constants[nextConstant++]; v = X / c; e->lhsPartial = (T)1 / c; goto next; } \
    op_constant_over: {                                                                    \
        T c = constants[nextConstant++], x = X; v = c / x; e->lhsPartial = -v / x; goto next; } \
    op_multiply_add: {                                                                     \
        T x = X, y = Y; T product = x * y; v = product + last;                             \
        e->lhsPartial = y; e->rhsPartial = x; goto next; }                                 \
    rule_constant: v = rule(opcodes[i], X, constants[nextConstant++], e); goto next;      \
    rule_unary: v = rule(opcodes[i], X, 0, e); goto next;                                  \
    rule_binary: v = rule(opcodes[i], X, Y, e); goto next;                                 \
    next:                                                                                  \
        values[i] = v;                                                                     \
        last = v;                                                                          \
        i++;                                                                               \
        e++;                                                                               \
        goto *table[opcodes[i]];                                                           \
    sentinel:                                                                              \
    unhandled:                                                                             \
        opcodes[stop] = saved;                                                             \
        cursor->next = i;                                                                  \
        cursor->nextInput = nextInput;                                                     \
        cursor->nextConstant = nextConstant;                                               \
    }

#define X ((long)e->lhs == i - 1 ? last : values[e->lhs])
#define Y ((long)e->rhs == i - 1 ? last : values[e->rhs])

WENGERT_REPLAY_LOOP(wengert_replay_double, double, WengertReplayEntryDouble, WengertReplayRuleDouble)
WENGERT_REPLAY_LOOP(wengert_replay_float, float, WengertReplayEntryFloat, WengertReplayRuleFloat)

_Static_assert(sizeof(WengertReplayEntryDouble) == 24, "TapeEntry<Double> is 24 bytes");
_Static_assert(sizeof(WengertReplayEntryFloat) == 16, "TapeEntry<Float> is 16 bytes");

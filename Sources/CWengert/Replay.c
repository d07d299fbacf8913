// Replay's interpreter for the arithmetic opcodes (include/CWengertReplay.h).
// Direct threading: every handler ends in its own indirect jump through the table, so
// the branch predictor learns which opcode follows which (a recorded loop body repeats
// its opcode pattern), where one shared `switch` jump mispredicts at every change.
// The interior terms of a dot product (multiplyAddInterior, two thirds of the ADBench
// GMM's entries) run as one loop per run instead: in that GMM the jump per term cost
// more than the term (docs/measurements.md, "Replay's dot-product runs").
// The elementary functions call back into Swift's rules (one indirect call each, to
// that opcode's rule: Reverse/ReplayRuleTable.swift): one set of rules for recording
// and replay.

#include "CWengertReplay.h"
#include "ReplayArithmetic.h"

// x·y + z must round twice, as Swift computes it.
#pragma STDC FP_CONTRACT OFF

#define WENGERT_REPLAY_LOOP(NAME, T, ENTRY, RULE)                                          \
    void NAME(WengertReplayCursor *cursor, long stop, const RULE *rules) {                 \
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
            &&op_multiply_add, &&op_interior, /* multiplyAdd, multiplyAddInterior */       \
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
        /* The previous value stays in a register: most operands name entry i − 1. */      \
        T last = values[i - 1];                                                            \
        ENTRY *e = entries + i;                                                            \
        T v;                                                                               \
        goto *table[opcodes[i]];                                                           \
    op_input: v = inputs[nextInput++]; goto next;                                          \
    op_constant: v = constants[nextConstant++]; goto next;                                 \
    op_add: WENGERT_REPLAY_ADD(T); goto next;                                              \
    op_subtract: WENGERT_REPLAY_SUBTRACT(T); goto next;                                    \
    op_multiply: WENGERT_REPLAY_MULTIPLY(T); goto next;                                    \
    op_divide: WENGERT_REPLAY_DIVIDE(T); goto next;                                        \
    op_negate: WENGERT_REPLAY_NEGATE(T); goto next;                                        \
    op_add_constant: WENGERT_REPLAY_ADD_CONSTANT(T); goto next;                            \
    op_subtract_constant: WENGERT_REPLAY_SUBTRACT_CONSTANT(T); goto next;                  \
    op_constant_minus: WENGERT_REPLAY_CONSTANT_MINUS(T); goto next;                        \
    op_multiply_constant: WENGERT_REPLAY_MULTIPLY_CONSTANT(T); goto next;                  \
    op_divide_constant: WENGERT_REPLAY_DIVIDE_CONSTANT(T); goto next;                      \
    op_constant_over: WENGERT_REPLAY_CONSTANT_OVER(T); goto next;                          \
    op_multiply_add: WENGERT_REPLAY_MULTIPLY_ADD(T); goto next;                            \
    /* A dot product's interior terms, one loop up to the run's last term: a */            \
    /* conditional branch per term instead of the indirect jump, and no test of */         \
    /* the operands against entry i − 1, which an interior term's never are. */            \
    op_interior:                                                                           \
        /* Two terms a turn, one opcode test each, as the sweep's loop over a run. */    \
        for (;;) {                                                                         \
            WENGERT_REPLAY_MULTIPLY_ADD_OF(T, values[e->lhs], values[e->rhs]);             \
            values[i] = v;                                                                 \
            last = v;                                                                      \
            if (opcodes[i + 1] != WENGERT_OP_MULTIPLY_ADD_INTERIOR) { i++; e++; break; }   \
            e++;                                                                           \
            WENGERT_REPLAY_MULTIPLY_ADD_OF(T, values[e->lhs], values[e->rhs]);             \
            values[i + 1] = v;                                                             \
            last = v;                                                                      \
            i += 2;                                                                        \
            e++;                                                                           \
            if (opcodes[i] != WENGERT_OP_MULTIPLY_ADD_INTERIOR) break;                     \
        }                                                                                  \
        /* The run's last term (dot marks it multiplyAdd) names operands older than the */ \
        /* run too: evaluated here, without the tests against entry i − 1 or a jump.    */ \
        if (opcodes[i] != WENGERT_OP_MULTIPLY_ADD) goto *table[opcodes[i]];                \
        WENGERT_REPLAY_MULTIPLY_ADD_OF(T, values[e->lhs], values[e->rhs]);                 \
        goto next;                                                                         \
    rule_constant: v = rules[opcodes[i]](REPLAY_X, REPLAY_C, e); goto next;                \
    rule_unary: v = rules[opcodes[i]](REPLAY_X, 0, e); goto next;                          \
    rule_binary: v = rules[opcodes[i]](REPLAY_X, REPLAY_Y, e); goto next;                  \
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

#define REPLAY_X ((long)e->lhs == i - 1 ? last : values[e->lhs])
#define REPLAY_Y ((long)e->rhs == i - 1 ? last : values[e->rhs])
#define REPLAY_C constants[nextConstant++]
#define REPLAY_LAST last

WENGERT_REPLAY_LOOP(wengert_replay_double, double, WengertReplayEntryDouble, WengertReplayRuleDouble)
WENGERT_REPLAY_LOOP(wengert_replay_float, float, WengertReplayEntryFloat, WengertReplayRuleFloat)

_Static_assert(sizeof(WengertReplayEntryDouble) == 24, "TapeEntry<Double> is 24 bytes");
_Static_assert(sizeof(WengertReplayEntryFloat) == 16, "TapeEntry<Float> is 16 bytes");

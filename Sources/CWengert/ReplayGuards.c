// Replay's check of a recording's branch guards (Reverse/ReplayGuards.swift). The guards
// of one position are mostly one kind of comparison with one outcome (a maximum of n
// values makes n comparisons in a row, nearly all false), so consecutive guards of one
// position, kind and outcome form a group, and each group is one tight loop: two operand loads, one
// comparison and an or per guard, no branch on the guard's kind, on a constant side
// (constants sit in the value buffer past the recording's entries) or on its outcome.
// Which guard flipped is left to the caller's exact test of the recorded guards, on
// the rare failure.

#include "CWengertReplay.h"

#define WENGERT_REPLAY_GUARDS(NAME, T)                                                     \
    long NAME(const WengertReplayGuardGroup *groups, long g, long count,                   \
              const uint32_t *operands, const T *values) {                                 \
        const uint32_t position = groups[g].position;                                      \
        do {                                                                               \
            const uint32_t *o = operands + 2 * (long)groups[g].start;                      \
            const uint32_t *const end = operands + 2 * (long)groups[g].end;                \
            int flipped = 0;                                                               \
            switch (groups[g].code) {                                                      \
            case WENGERT_GUARD_LESS:                                                       \
                for (; o < end; o += 2) flipped |= !(values[o[0]] < values[o[1]]);         \
                break;                                                                     \
            case WENGERT_GUARD_NOT_LESS:                                                   \
                for (; o < end; o += 2) flipped |= values[o[0]] < values[o[1]];            \
                break;                                                                     \
            case WENGERT_GUARD_EQUAL:                                                      \
                for (; o < end; o += 2) flipped |= !(values[o[0]] == values[o[1]]);        \
                break;                                                                     \
            default:                                                                       \
                for (; o < end; o += 2) flipped |= values[o[0]] == values[o[1]];          \
                break;                                                                     \
            }                                                                              \
            if (flipped) return -1;                                                        \
            g++;                                                                           \
        } while (g < count && groups[g].position == position);                             \
        return g;                                                                          \
    }

WENGERT_REPLAY_GUARDS(wengert_replay_guards_hold_double, double)
WENGERT_REPLAY_GUARDS(wengert_replay_guards_hold_float, float)

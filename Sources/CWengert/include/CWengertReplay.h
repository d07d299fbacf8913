#ifndef CWENGERT_REPLAY_H
#define CWENGERT_REPLAY_H

// Replay's forward pass for Double and Float tapes (Reverse/Tape+Replay.swift): the
// arithmetic opcodes, interpreted in C because clang keeps a big dispatch loop's state
// in registers and gives every opcode its own indirect jump (docs/measurements.md).

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The raw values of Swift's `ReverseOpcode` that the C loop interprets; a test checks
/// that they agree with the enum.
enum {
    WENGERT_OP_NULL = 0, WENGERT_OP_INPUT = 1, WENGERT_OP_CONSTANT = 2, WENGERT_OP_CUSTOM = 3,
    WENGERT_OP_ADD = 4, WENGERT_OP_SUBTRACT = 5, WENGERT_OP_MULTIPLY = 6, WENGERT_OP_DIVIDE = 7,
    WENGERT_OP_NEGATE = 8, WENGERT_OP_ADD_CONSTANT = 9, WENGERT_OP_SUBTRACT_CONSTANT = 10,
    WENGERT_OP_CONSTANT_MINUS = 11, WENGERT_OP_MULTIPLY_CONSTANT = 12, WENGERT_OP_DIVIDE_CONSTANT = 13,
    WENGERT_OP_CONSTANT_OVER = 14, WENGERT_OP_POW_CONSTANT = 15, WENGERT_OP_CONSTANT_POW = 16,
    WENGERT_OP_SIN = 17, WENGERT_OP_COS = 18, WENGERT_OP_TAN = 19, WENGERT_OP_SINH = 23,
    WENGERT_OP_COSH = 24, WENGERT_OP_TANH = 25, WENGERT_OP_EXP = 26, WENGERT_OP_EXPM1 = 27,
    WENGERT_OP_LOG = 28, WENGERT_OP_LOG1P = 29, WENGERT_OP_LOG2 = 30, WENGERT_OP_LOG10 = 31,
    WENGERT_OP_ATAN2 = 39, WENGERT_OP_MULTIPLY_ADD = 44, WENGERT_OP_MULTIPLY_ADD_INTERIOR = 45,
    /// Not an opcode of Swift's: the C loop writes it at `opcodes[stop]` while it runs
    /// (the opcode column has one spare byte past its capacity for it) and restores the byte.
    WENGERT_OP_SENTINEL = 46,
    /// Rows of the C loop's dispatch table.
    WENGERT_OP_COUNT = 47
};

/// Where a replay stands: the tape's columns (entries laid out as Swift's
/// `TapeEntry<T>`: two 32-bit slots, then the two partials), the inputs, the value
/// buffer, and the next entry, input and constant to read.
typedef struct {
    void *entries;
    uint8_t *opcodes;
    const void *constants;
    const void *inputs;
    void *values;
    long next;
    long nextInput;
    long nextConstant;
} WengertReplayCursor;

/// Evaluates one entry the C loop does not write out (the elementary functions, pow,
/// atan2, hypot, min, max) with the Swift rule every recording uses for its opcode:
/// stores its partials in `entry` and returns its value. `y` is the right operand of a
/// binary opcode, the constant of `powConstant` and `constantPow`, else 0. The loops
/// take one per opcode, in a table indexed by opcode (Reverse/ReplayRuleTable.swift).
typedef double (*WengertReplayRuleDouble)(double x, double y, void *entry);
/// `WengertReplayRuleDouble` for `Float` tapes.
typedef float (*WengertReplayRuleFloat)(float x, float y, void *entry);

/// Recomputes the values and partials of entries `cursor->next ..< stop` (next ≥ 1,
/// values[0 ..< next] already computed) and advances the cursor. Stops early, with
/// `next` at that entry, at a custom-rule or null entry, which the caller handles.
/// Bit for bit what the Swift interpreter computes: the same IEEE operations in the
/// same order, none contracted into a fused multiply-add, and `rules[opcode]` for the rest.
void wengert_replay_double(WengertReplayCursor *cursor, long stop, const WengertReplayRuleDouble *rules);
/// `wengert_replay_double` for `Float` tapes.
void wengert_replay_float(WengertReplayCursor *cursor, long stop, const WengertReplayRuleFloat *rules);

/// Branch guards as replay checks them (Reverse/ReplayGuards.swift): guards
/// `start ..< end` of a recording, all at one position, all comparing with one operator
/// and recorded with one outcome (`code`, one of the `WENGERT_GUARD_` values). Their
/// operands are value indices, two per guard in a separate array.
typedef struct {
    uint32_t position;
    uint32_t start;
    uint32_t end;
    uint32_t code;
} WengertReplayGuardGroup;

/// A group's comparison and recorded outcome: lhs < rhs true or false, lhs == rhs true or false.
enum { WENGERT_GUARD_LESS = 0, WENGERT_GUARD_NOT_LESS = 1, WENGERT_GUARD_EQUAL = 2, WENGERT_GUARD_NOT_EQUAL = 3 };

/// Whether every guard of the groups from `groups[next]` on that share its position
/// still gives its recorded outcome, comparing `values[operands[2k]]` with
/// `values[operands[2k + 1]]` for guard k: the index of the first group past them if
/// so, else -1 (which guard flipped is left to the caller). `next < count`. No early
/// exit inside a group, no branch per guard on its kind or outcome.
long wengert_replay_guards_hold_double(const WengertReplayGuardGroup *groups, long next, long count,
                                       const uint32_t *operands, const double *values);
/// `wengert_replay_guards_hold_double` for `Float` tapes.
long wengert_replay_guards_hold_float(const WengertReplayGuardGroup *groups, long next, long count,
                                      const uint32_t *operands, const float *values);

/// Replay in a schedule (Reverse/ReplaySchedule.swift), for `ReplayElementaryFunctions.vectorized`.
/// Whether replay evaluates `opcode` in batches through the vector kernels (sin, cos,
/// tan, sinh, cosh, tanh, exp, expm1, log, log1p, log2, log10).
int wengert_replay_batches(uint8_t opcode);
/// Recomputes the values and partials of entries order[0 ..< count], in that order (each
/// one's operands already computed), reading an input or constant operand of entry i at
/// `stream[i]` of the inputs or the constant stream; `rules` as for `wengert_replay_double`.
/// The entries must not be custom rules, null entries or batchable opcodes' batches.
void wengert_replay_ordered_double(WengertReplayCursor *cursor, const uint32_t *order, long count,
                                   const uint32_t *stream, const WengertReplayRuleDouble *rules);
/// `wengert_replay_ordered_double` for `Float` tapes.
void wengert_replay_ordered_float(WengertReplayCursor *cursor, const uint32_t *order, long count,
                                  const uint32_t *stream, const WengertReplayRuleFloat *rules);
/// Recomputes the values and partials of entries order[0 ..< count], all with the
/// batchable `opcode` and mutually independent, through the vector kernels (within their
/// ulp bounds of libm, `wengert_unary_f64`), gathering 128 operands at a time on the stack.
void wengert_replay_batch_double(WengertReplayCursor *cursor, uint8_t opcode, const uint32_t *order, long count);
/// `wengert_replay_batch_double` for `Float` tapes.
void wengert_replay_batch_float(WengertReplayCursor *cursor, uint8_t opcode, const uint32_t *order, long count);

#ifdef __cplusplus
}
#endif

#endif

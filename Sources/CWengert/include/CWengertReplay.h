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
    WENGERT_OP_CONSTANT_OVER = 14, WENGERT_OP_MULTIPLY_ADD = 44,
    /// Not an opcode of Swift's: the C loop writes it at `opcodes[stop]` while it runs
    /// (the opcode column has one spare byte past its capacity for it) and restores the byte.
    WENGERT_OP_SENTINEL = 45,
    /// Rows of the C loop's dispatch table.
    WENGERT_OP_COUNT = 46
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
/// atan2, hypot, min, max) with the Swift rules every recording uses: stores its
/// partials in `entry` and returns its value. `y` is the right operand of a binary
/// opcode, the constant of `powConstant` and `constantPow`, else 0.
typedef double (*WengertReplayRuleDouble)(uint8_t opcode, double x, double y, void *entry);
/// `WengertReplayRuleDouble` for `Float` tapes.
typedef float (*WengertReplayRuleFloat)(uint8_t opcode, float x, float y, void *entry);

/// Recomputes the values and partials of entries `cursor->next ..< stop` (next ≥ 1,
/// values[0 ..< next] already computed) and advances the cursor. Stops early, with
/// `next` at that entry, at a custom-rule or null entry, which the caller handles.
/// Bit for bit what the Swift interpreter computes: the same IEEE operations in the
/// same order, none contracted into a fused multiply-add, and `rule` for the rest.
void wengert_replay_double(WengertReplayCursor *cursor, long stop, WengertReplayRuleDouble rule);
/// `wengert_replay_double` for `Float` tapes.
void wengert_replay_float(WengertReplayCursor *cursor, long stop, WengertReplayRuleFloat rule);

#ifdef __cplusplus
}
#endif

#endif

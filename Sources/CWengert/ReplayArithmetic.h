#ifndef WENGERT_REPLAY_ARITHMETIC_H
#define WENGERT_REPLAY_ARITHMETIC_H

// What both replay loops compute for the arithmetic opcodes: Replay.c's threaded
// handlers, in recording order, and ReplayBatch.c's ordered loop, in a schedule's order.
// Written once so the two give the same bits (recording's own rules are the Swift ones
// in Reverse/Var+Arithmetic.swift; these restate them, in the same operations).
//
// Shared by the C kernels only (not part of the module Swift imports).

#include <stdint.h>

// A tape entry as Reverse/TapeEntry.swift lays it out.
typedef struct { uint32_t lhs, rhs; double lhsPartial, rhsPartial; } WengertReplayEntryDouble;
typedef struct { uint32_t lhs, rhs; float lhsPartial, rhsPartial; } WengertReplayEntryFloat;

// Each sets `v` to entry `e`'s value and writes the partials that depend on the values,
// given T, the scalar type, and, at the point of use: REPLAY_X and REPLAY_Y the operands'
// values, REPLAY_C the entry's constant (read once: one loop advances a counter) and
// REPLAY_LAST the value of entry i − 1 (a multiply-add's running sum).
#define WENGERT_REPLAY_ADD(T) v = REPLAY_X + REPLAY_Y
#define WENGERT_REPLAY_SUBTRACT(T) v = REPLAY_X - REPLAY_Y
#define WENGERT_REPLAY_MULTIPLY(T)                                                       \
    { const T x_ = REPLAY_X, y_ = REPLAY_Y; v = x_ * y_; e->lhsPartial = y_; e->rhsPartial = x_; }
#define WENGERT_REPLAY_DIVIDE(T)                                                         \
    {                                                                                    \
        const T x_ = REPLAY_X, y_ = REPLAY_Y;                                            \
        v = x_ / y_;                                                                     \
        e->lhsPartial = (T)1 / y_;                                                       \
        e->rhsPartial = -v / y_;                                                         \
    }
#define WENGERT_REPLAY_NEGATE(T) v = -REPLAY_X
#define WENGERT_REPLAY_ADD_CONSTANT(T) v = REPLAY_X + REPLAY_C
#define WENGERT_REPLAY_SUBTRACT_CONSTANT(T) v = REPLAY_X - REPLAY_C
#define WENGERT_REPLAY_CONSTANT_MINUS(T) v = REPLAY_C - REPLAY_X
// The constant factor is kept as the partial, which replay leaves as recorded.
#define WENGERT_REPLAY_MULTIPLY_CONSTANT(T) v = REPLAY_X * e->lhsPartial
#define WENGERT_REPLAY_DIVIDE_CONSTANT(T)                                                \
    { const T c_ = REPLAY_C; v = REPLAY_X / c_; e->lhsPartial = (T)1 / c_; }
#define WENGERT_REPLAY_CONSTANT_OVER(T)                                                  \
    { const T c_ = REPLAY_C, x_ = REPLAY_X; v = c_ / x_; e->lhsPartial = -v / x_; }
// x·y + z rounds twice, as Swift computes it (the files set FP_CONTRACT OFF).
#define WENGERT_REPLAY_MULTIPLY_ADD(T) WENGERT_REPLAY_MULTIPLY_ADD_OF(T, REPLAY_X, REPLAY_Y)
// The same with the operands' values given: a loop that knows where they are (an
// interior term's operands are never the entry just before) reads them directly.
#define WENGERT_REPLAY_MULTIPLY_ADD_OF(T, X, Y)                                          \
    {                                                                                    \
        const T x_ = X, y_ = Y;                                                          \
        const T product_ = x_ * y_;                                                      \
        v = product_ + REPLAY_LAST;                                                      \
        e->lhsPartial = y_;                                                              \
        e->rhsPartial = x_;                                                              \
    }

#endif

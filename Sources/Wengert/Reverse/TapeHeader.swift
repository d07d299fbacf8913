// The small, never-freed record that every `Var` points at (Hogan 2014's Adept stores
// a pointer to its stack the same way). A `Var` is a plain value: it must find its
// tape, and notice that the tape was reset or destroyed, without reference counting.
// So it carries an unmanaged pointer to a `TapeHeader` and the header's epoch at the
// time it was recorded. Headers are recycled through a process-wide pool and never
// freed, so reading a stale Var's header is always safe.
//
// The epoch is 32 bits (a Var stays 24 bytes for Double) and so wraps: after 2³² − 1
// resets or recyclings of one header it comes back to 1 (0 is never used). A Var kept
// across exactly a multiple of that many recordings would then pass the epoch check.
// The header remembers that it wrapped, and from then on every sweep and replay of it
// first checks that each entry names only earlier slots (one extra pass), so such a
// Var can give a wrong number, as any stale value would, but never a read or write
// outside the tape's buffers; a Var whose slot is beyond the current recording stops
// with a message.

import CWengert
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable column of trivially copyable elements in raw memory: the constant
/// stream and the branch guards of a recording. It keeps its capacity across resets.
@frozen @usableFromInline
struct TapeColumn {
    @usableFromInline var base: UnsafeMutableRawPointer?
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    @inlinable init() { base = nil; count = 0; capacity = 0 }

    /// Appends `element`; amortised O(1), one `realloc` when full.
    @inlinable @inline(__always)
    mutating func append<E>(_ element: E) {
        if count == capacity { grow(stride: MemoryLayout<E>.stride) }
        base.unsafelyUnwrapped.storeBytes(of: element, toByteOffset: count &* MemoryLayout<E>.stride, as: E.self)
        count &+= 1
    }

    @inlinable @inline(__always)
    func load<E>(_ index: Int, as type: E.Type) -> E {
        base.unsafelyUnwrapped.load(fromByteOffset: index &* MemoryLayout<E>.stride, as: E.self)
    }

    @usableFromInline @inline(never)
    mutating func grow(stride: Int) {
        let newCapacity = Swift.max(64, capacity * 2)
        base = realloc(base, newCapacity * stride)
        if base == nil { fatalError("Wengert: out of memory growing a tape column to \(newCapacity) elements") }
        capacity = newCapacity
    }

    mutating func free() {
        releaseMemory(base)
        base = nil; count = 0; capacity = 0
    }
}

/// One recording of a header as the structures replay builds from it and keeps
/// (`ReplaySchedule`, `ReplayGuards`) know it: its epoch, entries and guards then.
@frozen @usableFromInline
struct RecordingStamp {
    @usableFromInline let epoch: UInt32, count: Int, guardCount: Int

    @inlinable init(_ header: UnsafeMutablePointer<TapeHeader>) {
        epoch = header.pointee.epoch
        count = Int(header.pointee.count)
        guardCount = header.pointee.guards.count
    }

    /// Whether `header` still holds that recording (never once its epoch has wrapped).
    @inlinable func matches(_ header: UnsafeMutablePointer<TapeHeader>) -> Bool {
        epoch == header.pointee.epoch && count == Int(header.pointee.count)
            && guardCount == header.pointee.guards.count && !header.pointee.epochHasWrapped
    }
}

/// Where a recording lives: the entry and opcode arrays, the constant stream, the
/// branch guards, and the epoch that tells current `Var`s from stale ones.
///
/// Invariant: entry 0 is the null slot (no operands, partials 0); every entry's
/// operands with a non-zero partial are earlier slots, so one backward pass over the
/// entries suffices.
@frozen @usableFromInline
struct TapeHeader {
    /// Bumped by every reset and every recycling; a `Var` records the value it saw.
    @usableFromInline var epoch: UInt32
    /// Entries in use, the null slot included.
    @usableFromInline var count: UInt32
    /// Entries allocated.
    @usableFromInline var capacity: UInt32
    /// The largest entry count allowed (at most `UInt32.max`).
    @usableFromInline var limit: UInt32
    /// `TapeEntry<T>` storage, `capacity` of them.
    @usableFromInline var entries: UnsafeMutableRawPointer?
    /// One `ReverseOpcode` byte per entry, for replay.
    @usableFromInline var opcodes: UnsafeMutablePointer<UInt8>?
    /// Constants consumed in order by replay (`x * c` stores c).
    @usableFromInline var constants: TapeColumn
    /// Comparisons recorded as branch guards, in order.
    @usableFromInline var guards: TapeColumn
    /// Entries recorded by custom rules, which replay cannot recompute.
    @usableFromInline var customCount: Int
    /// Whether the recording has `multiplyAdd` entries, whose third operand only the
    /// sweep that reads opcodes sees (Tape+Sweep.swift).
    @usableFromInline var hasMultiplyAdd: Bool
    /// Number of input entries (`Tape.variable`).
    @usableFromInline var inputCount: Int
    /// Whether the epoch has wrapped past 2³² − 1 (see the top of this file).
    @usableFromInline var epochHasWrapped: Bool
    /// The most bytes the recording may use for its entries, opcodes and the sweep's
    /// adjoints; `Int.max` for no budget.
    @usableFromInline var byteBudget: Int
}

extension TapeHeader {
    /// Doubles the entry and opcode arrays; traps (instead of wrapping the 32-bit slot
    /// index) when the recording would pass `limit` entries.
    /// Within a memory budget, grows only as far as the budget allows and then stops
    /// with a message naming the size reached.
    @usableFromInline @inline(never)
    static func grow(_ header: UnsafeMutablePointer<TapeHeader>, entryStride: Int, scalarStride: Int) {
        let old = Int(header.pointee.capacity)
        let limit = Int(header.pointee.limit)
        let budget = header.pointee.byteBudget
        // Entry, opcode byte and one adjoint per entry.
        let bytesPerEntry = entryStride + 1 + scalarStride
        let affordable = budget / bytesPerEntry
        if old >= limit { tapeFull(limit: limit) }
        if old >= affordable {
            memoryBudgetReached(entries: Int(header.pointee.count), bytesPerEntry: bytesPerEntry, budget: budget)
        }
        let new = Swift.min(Swift.max(1024, old * 2), limit, affordable)
        header.pointee.entries = realloc(header.pointee.entries, new * entryStride)
        // One spare byte: replay's C loop marks where it stops there (CWengertReplay.h).
        let bytes = realloc(header.pointee.opcodes, new + 1)
        guard header.pointee.entries != nil, let bytes else {
            fatalError("Wengert: out of memory growing a tape to \(new) entries of \(entryStride) bytes")
        }
        header.pointee.opcodes = bytes.assumingMemoryBound(to: UInt8.self)
        header.pointee.capacity = UInt32(new)
    }

    /// A header from the pool (or a new one), empty, with a fresh epoch.
    static func make(limit: UInt32) -> UnsafeMutablePointer<TapeHeader> {
        let recycled = withHeaderPool { $0.popLast() }
        let header: UnsafeMutablePointer<TapeHeader>
        var epoch: UInt32 = 1
        var wrapped = false
        if let recycled {
            header = recycled.pointer
            (epoch, wrapped) = nextEpoch(after: header.pointee.epoch)
            wrapped = wrapped || header.pointee.epochHasWrapped
        } else {
            // Cache lines of its own: two threads recording side by side each write
            // their header's count at every entry (and read it at every operation), so
            // a header sharing a line with another thread's header (both from the pool,
            // allocated one after the other) made that line travel between the cores at
            // each operation. 128 bytes, not 64: the L2 prefetcher fetches lines in pairs.
            let bytes = (MemoryLayout<TapeHeader>.stride + 127) & ~127
            header = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 128)
                .bindMemory(to: TapeHeader.self, capacity: 1)
        }
        header.initialize(to: TapeHeader(
            epoch: epoch, count: 0, capacity: 0, limit: limit, entries: nil, opcodes: nil,
            constants: TapeColumn(), guards: TapeColumn(), customCount: 0, hasMultiplyAdd: false, inputCount: 0,
            epochHasWrapped: wrapped, byteBudget: Int.max))
        return header
    }

    /// The epoch after `epoch`, skipping 0, and whether that wrapped.
    @inlinable @inline(__always)
    static func nextEpoch(after epoch: UInt32) -> (epoch: UInt32, wrapped: Bool) {
        epoch == UInt32.max ? (1, true) : (epoch &+ 1, false)
    }

    /// Moves to the next epoch (every `Var` of the old one becomes stale), noting a wrap.
    @inlinable
    static func advanceEpoch(_ header: UnsafeMutablePointer<TapeHeader>) {
        let (epoch, wrapped) = nextEpoch(after: header.pointee.epoch)
        header.pointee.epoch = epoch
        if wrapped { header.pointee.epochHasWrapped = true }
    }

    /// Checks that entries 1...top name only earlier slots or their own (inputs and
    /// constants name their own slot, a unary entry on its right): run before sweeping or replaying a header whose epoch
    /// has wrapped, when a Var from 2³² − 1 recordings ago could have passed the check.
    @usableFromInline @inline(never)
    static func validateOperands<T>(_ header: UnsafeMutablePointer<TapeHeader>, _: T.Type, upTo top: Int) {
        guard top >= 1, let raw = header.pointee.entries else { return }
        let entries = raw.assumingMemoryBound(to: TapeEntry<T>.self)
        for i in 1...top {
            let lhs = Int(entries[i].lhsSlot), rhs = Int(entries[i].rhsSlot)
            if lhs > i || rhs > i { staleSlotAfterWrap(entry: i, slot: Swift.max(lhs, rhs)) }
        }
    }

    /// Frees the header's arrays and returns it to the pool with a new epoch, so that
    /// `Var`s still pointing at it see a mismatch rather than freed memory.
    static func recycle(_ header: UnsafeMutablePointer<TapeHeader>) {
        releaseMemory(header.pointee.entries)
        releaseMemory(header.pointee.opcodes)
        header.pointee.constants.free()
        header.pointee.guards.free()
        header.pointee.entries = nil
        header.pointee.opcodes = nil
        header.pointee.count = 0
        header.pointee.capacity = 0
        advanceEpoch(header)
        withHeaderPool { $0.append(PooledHeader(pointer: header)) }
    }
}

@usableFromInline @inline(never)
func staleSlotAfterWrap(entry: Int, slot: Int) -> Never {
    fatalError("""
        Wengert: entry \(entry) of this recording names slot \(slot), which is not an earlier \
        entry: a Var kept from a recording made 2^32 - 1 resets ago passed the 32-bit epoch \
        check after it wrapped. Do not keep Vars across resets; record again.
        """)
}

@usableFromInline @inline(never)
func memoryBudgetReached(entries: Int, bytesPerEntry: Int, budget: Int) -> Never {
    fatalError("""
        Wengert: the tape reached its memory budget of \(budget) bytes at \(entries) entries \
        (\(entries * bytesPerEntry) bytes at \(bytesPerEntry) bytes per entry for the entry, its \
        opcode and its adjoint). Raise memoryBudget, or differentiate a smaller piece at a time.
        """)
}

/// A header pointer that may cross threads: the pool hands each one to one tape at a time.
struct PooledHeader: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<TapeHeader>
}

// Guarded by wengert_header_pool_lock (a pthread mutex the thread sanitizer understands).
nonisolated(unsafe) private var headerPool: [PooledHeader] = []

/// Runs `body` on the header pool under its lock.
private func withHeaderPool<R>(_ body: (inout [PooledHeader]) -> R) -> R {
    wengert_header_pool_lock()
    defer { wengert_header_pool_unlock() }
    return body(&headerPool)
}

@inline(__always)
private func releaseMemory(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }
@inline(__always)
private func releaseMemory(_ pointer: UnsafeMutablePointer<UInt8>?) { free(pointer) }

// The small, never-freed record that every `Var` points at (Hogan 2014's Adept stores
// a pointer to its stack the same way). A `Var` is a plain value: it must find its
// tape, and notice that the tape was reset or destroyed, without reference counting.
// So it carries an unmanaged pointer to a `TapeHeader` and the header's epoch at the
// time it was recorded. Headers are recycled through a process-wide pool and never
// freed, so reading a stale Var's header is always safe; the epoch only grows, so a
// stale Var never matches the recording that now owns the header.

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
    /// Number of input entries (`Tape.variable`).
    @usableFromInline var inputCount: Int
}

extension TapeHeader {
    /// Doubles the entry and opcode arrays; traps (instead of wrapping the 32-bit slot
    /// index) when the recording would pass `limit` entries.
    @usableFromInline @inline(never)
    static func grow(_ header: UnsafeMutablePointer<TapeHeader>, entryStride: Int) {
        let old = Int(header.pointee.capacity)
        let limit = Int(header.pointee.limit)
        if old >= limit { tapeFull(limit: limit) }
        let new = Swift.min(Swift.max(1024, old * 2), limit)
        header.pointee.entries = realloc(header.pointee.entries, new * entryStride)
        let bytes = realloc(header.pointee.opcodes, new)
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
        if let recycled {
            header = recycled.pointer
            epoch = header.pointee.epoch &+ 1
        } else {
            header = .allocate(capacity: 1)
        }
        header.initialize(to: TapeHeader(
            epoch: epoch == 0 ? 1 : epoch, count: 0, capacity: 0, limit: limit, entries: nil, opcodes: nil,
            constants: TapeColumn(), guards: TapeColumn(), customCount: 0, inputCount: 0))
        return header
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
        header.pointee.epoch &+= 1
        withHeaderPool { $0.append(PooledHeader(pointer: header)) }
    }
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

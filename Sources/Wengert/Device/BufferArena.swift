import CWengert

// A caching allocator after PyTorch's (c10/cuda/CUDACachingAllocator.cpp): a released
// block is not returned to the system but kept in a free list of its size class, and the
// next request of that class takes it back. A steady training loop asks for the same
// sizes every step, so after the first step it allocates nothing from the system (or
// from clCreateBuffer). Requests are rounded up to a size class (multiples of 512 bytes
// up to 1 MiB, then quarter steps between powers of two, so at most 25% is wasted).
// When the system refuses, the arena returns every cached block and tries once more
// before it reports out of memory, as PyTorch does.

/// Counts of what a ``BufferArena`` did, for tests and the benchmark harness.
public struct BufferArenaStatistics: Sendable, Equatable {
    /// Blocks obtained from the system allocator (or `clCreateBuffer`).
    public var systemAllocations = 0
    /// Blocks handed back to the system (by ``BufferArena/emptyCache()`` or on a retry).
    public var systemFrees = 0
    /// Requests answered from the cache.
    public var reuses = 0
    /// Bytes in blocks currently handed out (by size class).
    public var bytesInUse = 0
    /// Bytes in blocks waiting in the free lists.
    public var bytesCached = 0
    /// The largest `bytesInUse + bytesCached` seen.
    public var peakBytesReserved = 0
}

/// A per-device cache of memory blocks sorted by size class.
///
/// Thread-safe (one pthread mutex). The block type is opaque: a host pointer for the
/// CPU, a `cl_mem` for OpenCL.
public final class BufferArena: @unchecked Sendable {
    /// The device name used in out-of-memory errors.
    public let deviceName: String
    @usableFromInline let systemAllocate: @Sendable (Int) -> UnsafeMutableRawPointer?
    @usableFromInline let systemFree: @Sendable (UnsafeMutableRawPointer) -> Void
    private let lock = wengert_lock_create()!
    private var freeBlocks: [Int: [UnsafeMutableRawPointer]] = [:]
    private var counts = BufferArenaStatistics()

    /// An arena over a system allocator that returns nil when it has no memory.
    public init(
        deviceName: String, allocate: @escaping @Sendable (Int) -> UnsafeMutableRawPointer?,
        free: @escaping @Sendable (UnsafeMutableRawPointer) -> Void
    ) {
        self.deviceName = deviceName
        self.systemAllocate = allocate
        self.systemFree = free
    }

    deinit {
        for (_, blocks) in freeBlocks { for block in blocks { systemFree(block) } }
        wengert_lock_destroy(lock)
    }

    /// The size class a request of `bytes` is rounded up to.
    /// - Complexity: O(1).
    public static func sizeClass(_ bytes: Int) -> Int {
        if bytes <= 512 { return 512 }
        if bytes <= 1 << 20 { return (bytes + 511) / 512 * 512 }
        let top = Int.bitWidth - 1 - bytes.leadingZeroBitCount  // floor(log2(bytes))
        let quarter = 1 << (top - 2)
        return (bytes + quarter - 1) / quarter * quarter
    }

    /// A block of at least `bytes` bytes, from the cache when one of its class is free.
    /// Throws ``DeviceError/outOfMemory(bytes:device:)`` when the system cannot provide it
    /// even after the cache is emptied.
    /// - Complexity: O(1) amortised; a system allocation when the class is empty.
    public func allocate(_ bytes: Int) throws -> DeviceBuffer {
        let size = BufferArena.sizeClass(bytes)
        wengert_lock_acquire(lock)
        if var list = freeBlocks[size], let block = list.popLast() {
            freeBlocks[size] = list
            counts.reuses += 1
            counts.bytesCached -= size
            counts.bytesInUse += size
            wengert_lock_release(lock)
            return DeviceBuffer(block: block, byteCount: bytes, sizeClass: size, arena: self)
        }
        wengert_lock_release(lock)
        var block = systemAllocate(size)
        if block == nil {
            emptyCache()
            block = systemAllocate(size)
        }
        guard let block else { throw DeviceError.outOfMemory(bytes: bytes, device: deviceName) }
        wengert_lock_acquire(lock)
        counts.systemAllocations += 1
        counts.bytesInUse += size
        counts.peakBytesReserved = Swift.max(counts.peakBytesReserved, counts.bytesInUse + counts.bytesCached)
        wengert_lock_release(lock)
        return DeviceBuffer(block: block, byteCount: bytes, sizeClass: size, arena: self)
    }

    /// Takes a block back into its free list (called when a ``DeviceBuffer`` dies).
    func release(_ block: UnsafeMutableRawPointer, sizeClass: Int) {
        wengert_lock_acquire(lock)
        freeBlocks[sizeClass, default: []].append(block)
        counts.bytesInUse -= sizeClass
        counts.bytesCached += sizeClass
        wengert_lock_release(lock)
    }

    /// Returns every cached block to the system (PyTorch's `empty_cache`).
    /// - Complexity: O(cached blocks).
    public func emptyCache() {
        wengert_lock_acquire(lock)
        let blocks = freeBlocks
        freeBlocks = [:]
        var freed = 0
        for (size, list) in blocks {
            freed += list.count
            counts.bytesCached -= size * list.count
        }
        counts.systemFrees += freed
        wengert_lock_release(lock)
        for (_, list) in blocks { for block in list { systemFree(block) } }
    }

    /// What the arena has done so far.
    public var statistics: BufferArenaStatistics {
        wengert_lock_acquire(lock)
        defer { wengert_lock_release(lock) }
        return counts
    }
}

/// A block of device memory borrowed from a ``BufferArena``; it goes back to the arena's
/// cache when the last reference dies. Its contents are raw bytes; the backend that made
/// it knows the scalar type.
public final class DeviceBuffer: @unchecked Sendable {
    /// The host address (CPU) or the `cl_mem` handle (OpenCL).
    @usableFromInline let block: UnsafeMutableRawPointer
    /// The bytes asked for (the block may be larger: its size class).
    public let byteCount: Int
    @usableFromInline let sizeClass: Int
    @usableFromInline let arena: BufferArena

    @usableFromInline init(block: UnsafeMutableRawPointer, byteCount: Int, sizeClass: Int, arena: BufferArena) {
        self.block = block
        self.byteCount = byteCount
        self.sizeClass = sizeClass
        self.arena = arena
    }

    deinit { arena.release(block, sizeClass: sizeClass) }
}

import CWengert

// A caching allocator after PyTorch's (c10/cuda/CUDACachingAllocator.cpp): a released
// block is not returned to the system but kept in a free list of its size class, and the
// next request of that class takes it back. A steady training loop asks for the same
// sizes every step, so after the first step it allocates nothing from the system (or
// from clCreateBuffer). Requests are rounded up to a size class (multiples of 64 bytes up
// to 512, of 512 bytes up to 1 MiB, then quarter steps between powers of two, so at most
// 25% is wasted).
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
/// Thread-safe (one spin lock around a few loads and stores). The block type is opaque: a
/// host pointer for the CPU, a `cl_mem` for OpenCL.
public final class BufferArena: @unchecked Sendable {
    /// The device name used in out-of-memory errors.
    public let deviceName: String
    @usableFromInline let systemAllocate: @Sendable (Int) -> UnsafeMutableRawPointer?
    @usableFromInline let systemFree: @Sendable (UnsafeMutableRawPointer) -> Void
    /// The spin lock's word (0 free, 1 held): held only to push or pop a free list.
    private let lock: UnsafeMutablePointer<Int32>
    // The mutable state sits behind pointers allocated once, not in stored properties:
    // every tensor operation takes and returns a block, and a stored property of a class
    // pays a dynamic exclusivity check on each access (measured at a third of the cost of
    // a small operation). The lock serialises it.
    /// Free blocks of the classes up to 1 MiB, by ``smallIndex(_:)``: popped
    /// and pushed in place, so taking a cached block allocates nothing.
    private let smallBlocks: UnsafeMutablePointer<wengert_block_stack>
    /// Free blocks of the larger classes, by size.
    private let largeBlocks: UnsafeMutablePointer<[Int: [UnsafeMutableRawPointer]]>
    private let counts: UnsafeMutablePointer<BufferArenaStatistics>
    private static let smallClassCount = 8 + (1 << 20) / 512 - 1
    /// Whether the arena lives as long as the process (the shared host arena): its
    /// buffers then refer to it without a reference count (``DeviceBuffer``).
    @usableFromInline let isPermanent: Bool

    /// The free list of a class up to 1 MiB: eight of 64 to 512 bytes (a tensor of a few
    /// scalars should not hold 512 bytes), then one per 512 bytes.
    @inline(__always) private static func smallIndex(_ size: Int) -> Int {
        size <= 512 ? size / 64 - 1 : 8 + size / 512 - 2
    }

    /// The size of the class at free-list `index` (the inverse of ``smallIndex(_:)``).
    private static func smallSize(_ index: Int) -> Int {
        index < 8 ? (index + 1) * 64 : (index - 8 + 2) * 512
    }

    /// An arena over a system allocator that returns nil when it has no memory.
    public convenience init(
        deviceName: String, allocate: @escaping @Sendable (Int) -> UnsafeMutableRawPointer?,
        free: @escaping @Sendable (UnsafeMutableRawPointer) -> Void
    ) {
        self.init(deviceName: deviceName, allocate: allocate, free: free, permanent: false)
    }

    /// An arena; `permanent` only for one that a global holds for the life of the
    /// process, whose buffers then skip the reference count on it.
    init(
        deviceName: String, allocate: @escaping @Sendable (Int) -> UnsafeMutableRawPointer?,
        free: @escaping @Sendable (UnsafeMutableRawPointer) -> Void, permanent: Bool
    ) {
        self.isPermanent = permanent
        self.deviceName = deviceName
        self.systemAllocate = allocate
        self.systemFree = free
        lock = .allocate(capacity: 1)
        lock.initialize(to: 0)
        smallBlocks = .allocate(capacity: BufferArena.smallClassCount)
        smallBlocks.initialize(repeating: wengert_block_stack(), count: BufferArena.smallClassCount)
        largeBlocks = .allocate(capacity: 1)
        largeBlocks.initialize(to: [:])
        counts = .allocate(capacity: 1)
        counts.initialize(to: BufferArenaStatistics())
    }

    deinit {
        for index in 0..<BufferArena.smallClassCount {
            while let block = wengert_block_stack_pop(smallBlocks + index) { systemFree(block) }
            wengert_block_stack_release(smallBlocks + index)
        }
        for (_, blocks) in largeBlocks.pointee { for block in blocks { systemFree(block) } }
        smallBlocks.deinitialize(count: BufferArena.smallClassCount)
        smallBlocks.deallocate()
        largeBlocks.deinitialize(count: 1)
        largeBlocks.deallocate()
        counts.deinitialize(count: 1)
        counts.deallocate()
        lock.deallocate()
    }

    /// The size class a request of `bytes` is rounded up to.
    /// - Complexity: O(1).
    @inline(__always) public static func sizeClass(_ bytes: Int) -> Int {
        if bytes <= 512 { return Swift.max(64, (bytes + 63) / 64 * 64) }
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
        wengert_spin_lock(lock)
        if let block = takeCached(size) {
            counts.pointee.reuses += 1
            counts.pointee.bytesCached -= size
            counts.pointee.bytesInUse += size
            wengert_spin_unlock(lock)
            return DeviceBuffer.arenaBlock(block, byteCount: bytes, sizeClass: size, arena: self)
        }
        wengert_spin_unlock(lock)
        var block = systemAllocate(size)
        if block == nil {
            emptyCache()
            block = systemAllocate(size)
        }
        guard let block else { throw DeviceError.outOfMemory(bytes: bytes, device: deviceName) }
        wengert_spin_lock(lock)
        counts.pointee.systemAllocations += 1
        counts.pointee.bytesInUse += size
        counts.pointee.peakBytesReserved = Swift.max(counts.pointee.peakBytesReserved, counts.pointee.bytesInUse + counts.pointee.bytesCached)
        wengert_spin_unlock(lock)
        return DeviceBuffer.arenaBlock(block, byteCount: bytes, sizeClass: size, arena: self)
    }

    /// A cached block of class `size`, taken from its free list in place (lock held).
    @inline(__always) private func takeCached(_ size: Int) -> UnsafeMutableRawPointer? {
        if size <= 1 << 20 { return wengert_block_stack_pop(smallBlocks + BufferArena.smallIndex(size)) }
        return largeBlocks.pointee[size]?.popLast()
    }

    /// Takes a block back into its free list (called when a ``DeviceBuffer`` dies).
    func release(_ block: UnsafeMutableRawPointer, sizeClass: Int) {
        wengert_spin_lock(lock)
        if sizeClass <= 1 << 20 {
            if wengert_block_stack_push(smallBlocks + BufferArena.smallIndex(sizeClass), block) == 0 {
                // The stack could not grow: give the block back rather than lose it.
                counts.pointee.bytesInUse -= sizeClass
                counts.pointee.systemFrees += 1
                wengert_spin_unlock(lock)
                systemFree(block)
                return
            }
        } else {
            largeBlocks.pointee[sizeClass, default: []].append(block)
        }
        counts.pointee.bytesInUse -= sizeClass
        counts.pointee.bytesCached += sizeClass
        wengert_spin_unlock(lock)
    }

    /// Returns every cached block to the system (PyTorch's `empty_cache`).
    /// - Complexity: O(cached blocks).
    public func emptyCache() {
        wengert_spin_lock(lock)
        var blocks = largeBlocks.pointee
        largeBlocks.pointee = [:]
        for index in 0..<BufferArena.smallClassCount where smallBlocks[index].count > 0 {
            var list: [UnsafeMutableRawPointer] = []
            while let block = wengert_block_stack_pop(smallBlocks + index) { list.append(block) }
            blocks[BufferArena.smallSize(index)] = list
        }
        var freed = 0
        for (size, list) in blocks {
            freed += list.count
            counts.pointee.bytesCached -= size * list.count
        }
        counts.pointee.systemFrees += freed
        wengert_spin_unlock(lock)
        for (_, list) in blocks { for block in list { systemFree(block) } }
    }

    /// What the arena has done so far.
    public var statistics: BufferArenaStatistics {
        wengert_spin_lock(lock)
        defer { wengert_spin_unlock(lock) }
        return counts.pointee
    }
}

/// A block of device memory borrowed from a ``BufferArena``; it goes back to the arena's
/// cache when the last reference dies. Its contents are raw bytes; the backend that made
/// it knows the scalar type. A small host buffer of a tensor holds its bytes itself.
///
/// The fields live in a header that the object carries in its own allocation
/// (`ManagedBufferPointer`), so that a small host buffer can hold its bytes after the
/// header: one `malloc` for the object and its scalars, where an arena block cost a
/// `malloc` of the object besides a locked pop and push of the arena's free list.
public final class DeviceBuffer: @unchecked Sendable {
    /// The fields of a buffer (the class itself has no stored properties, so that it can
    /// carry bytes after them).
    @usableFromInline struct Header {
        /// The host address (CPU) or the `cl_mem` handle (OpenCL).
        @usableFromInline let block: UnsafeMutableRawPointer
        /// The bytes asked for (the block may be larger: its size class).
        @usableFromInline let byteCount: Int
        /// The block's size class in its arena; 0 for a view and for inline bytes, which
        /// give nothing back.
        @usableFromInline let sizeClass: Int
        /// The arena the block goes back to, held as a strong reference would be except
        /// for the process's permanent host arena: there it would be a retain when each
        /// tensor is made and a release when it dies, on every tensor operation.
        @usableFromInline let arenaReference: Unmanaged<BufferArena>?
        /// For a view into another buffer's host memory: that buffer, kept alive by the
        /// view and released with it. Nil otherwise.
        @usableFromInline let owner: DeviceBuffer?
        /// Padding to 48 bytes, so that inline bytes start 64 bytes into the object.
        @usableFromInline let padding = 0

        @inlinable init(
            block: UnsafeMutableRawPointer, byteCount: Int, sizeClass: Int, arenaReference: Unmanaged<BufferArena>?,
            owner: DeviceBuffer?
        ) {
            self.block = block
            self.byteCount = byteCount
            self.sizeClass = sizeClass
            self.arenaReference = arenaReference
            self.owner = owner
        }
    }

    /// The unit of inline storage. Its alignment is 8, not 16: the runtime allocates an
    /// object aligned to more than 8 with `posix_memalign` on Linux (a quarter of the
    /// cost of a small tensor operation), where 8 takes `malloc`. `Header`'s padding
    /// puts the bytes 64 bytes into the object, so `malloc`'s 16-byte alignment holds
    /// for them too.
    @usableFromInline typealias InlineUnit = UInt64

    /// The largest host buffer kept inline; larger ones come from the arena, which
    /// caches them (a `malloc` of a large block costs more than a free-list pop).
    @inlinable static var inlineByteLimit: Int { 512 }

    /// The header, at a fixed offset in the object.
    @inlinable @inline(__always) var header: UnsafeMutablePointer<Header> {
        ManagedBufferPointer<Header, InlineUnit>(unsafeBufferObject: self).withUnsafeMutablePointerToHeader { $0 }
    }

    /// The host address (CPU) or the `cl_mem` handle (OpenCL).
    @inlinable var block: UnsafeMutableRawPointer { header.pointee.block }
    /// The bytes asked for (the block may be larger: its size class).
    @inlinable public var byteCount: Int { header.pointee.byteCount }
    /// For a view, the buffer it views; nil otherwise.
    @inlinable var owner: DeviceBuffer? { header.pointee.owner }

    /// A buffer whose header `makeHeader` gives, from the address of `inlineBytes` bytes
    /// after it (unused unless the header points there).
    @inlinable @inline(__always)
    static func make(inlineBytes: Int, _ makeHeader: (UnsafeMutableRawPointer) -> Header) -> DeviceBuffer {
        let units = (inlineBytes + MemoryLayout<InlineUnit>.stride - 1) / MemoryLayout<InlineUnit>.stride
        let pointer = ManagedBufferPointer<Header, InlineUnit>(bufferClass: DeviceBuffer.self, minimumCapacity: units) { _, _ in
            // Replaced below, once the address of the inline bytes is known.
            Header(block: UnsafeMutableRawPointer(bitPattern: 1)!, byteCount: 0, sizeClass: 0, arenaReference: nil, owner: nil)
        }
        pointer.withUnsafeMutablePointers { header, bytes in header.pointee = makeHeader(UnsafeMutableRawPointer(bytes)) }
        return unsafeDowncast(pointer.buffer, to: DeviceBuffer.self)
    }

    /// A block of `arena`'s, given back to it when the buffer dies.
    @usableFromInline
    static func arenaBlock(_ block: UnsafeMutableRawPointer, byteCount: Int, sizeClass: Int, arena: BufferArena) -> DeviceBuffer {
        make(inlineBytes: 0) { _ in
            Header(
                block: block, byteCount: byteCount, sizeClass: sizeClass,
                arenaReference: arena.isPermanent ? .passUnretained(arena) : .passRetained(arena), owner: nil)
        }
    }

    /// An uninitialised host buffer of `byteCount` bytes (at most `inlineByteLimit`)
    /// that holds them itself, 16-byte aligned; no arena takes part.
    @inlinable
    static func inlineHost(byteCount: Int) -> DeviceBuffer {
        make(inlineBytes: byteCount) { bytes in
            Header(block: bytes, byteCount: byteCount, sizeClass: 0, arenaReference: nil, owner: nil)
        }
    }

    /// A view of `byteCount` bytes at `byteOffset` into `buffer`'s host memory (CPU
    /// buffers only: an OpenCL block is a handle, not an address). Nothing is copied;
    /// the view keeps the buffer that holds the bytes alive. Like every filled buffer,
    /// it is never written.
    @usableFromInline
    static func view(of buffer: DeviceBuffer, byteOffset: Int, byteCount: Int) -> DeviceBuffer {
        let owner = buffer.owner ?? buffer
        return make(inlineBytes: 0) { _ in
            Header(block: buffer.block + byteOffset, byteCount: byteCount, sizeClass: 0, arenaReference: nil, owner: owner)
        }
    }

    /// Never called: buffers are made by `make(inlineBytes:_:)`, which allocates room
    /// for the header.
    private init() { fatalError("DeviceBuffer is made by DeviceBuffer.make") }

    // Through the unretained reference: the header keeps the arena alive until the end
    // of deinit, and the retain and release the compiler would add around the call cost
    // as much as the free-list push itself (one of each per tensor that dies). A view
    // and an inline buffer give nothing back (a view's owner gives its block back).
    deinit {
        let header = self.header
        if header.pointee.sizeClass > 0, let reference = header.pointee.arenaReference {
            let permanent = reference._withUnsafeGuaranteedRef { arena in
                arena.release(header.pointee.block, sizeClass: header.pointee.sizeClass)
                return arena.isPermanent
            }
            if !permanent { reference.release() }
        }
        // Only a view's header holds a reference (its owner): the outlined destroy of the
        // others' trivial fields cost a call per tensor that dies.
        if header.pointee.owner != nil { header.deinitialize(count: 1) }
    }
}

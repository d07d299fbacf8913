import Testing
import Wengert

/// The caching arena: size classes, reuse, counters and out of memory.
@Suite("Buffer arena")
struct BufferArenaTests {
    @Test func sizeClassesRoundUpWithBoundedWaste() {
        #expect(BufferArena.sizeClass(0) == 64)
        #expect(BufferArena.sizeClass(1) == 64)
        #expect(BufferArena.sizeClass(65) == 128)
        #expect(BufferArena.sizeClass(512) == 512)
        #expect(BufferArena.sizeClass(513) == 1024)
        #expect(BufferArena.sizeClass(1 << 20) == 1 << 20)
        #expect(BufferArena.sizeClass((1 << 20) + 1) == (1 << 20) + (1 << 18))
        #expect(BufferArena.sizeClass(3_000_000) == 3_145_728)
        for bytes in stride(from: 1, through: 200_000_000, by: 7_777_777) {
            let size = BufferArena.sizeClass(bytes)
            #expect(size >= bytes && Double(size) <= Double(bytes) * 1.25 + 512, "class \(size) for \(bytes)")
        }
    }

    @Test func releasedBlocksAreReusedWithoutSystemAllocations() throws {
        let backend = CPUBackend(arena: CPUBackend.makeHostArena())
        #expect(try arenaTrainingStep(on: backend) == 16 * 32 * 64)
        let warm = backend.arena.statistics
        #expect(warm.systemAllocations == 4 && warm.bytesInUse == 0)
        for _ in 0..<1000 { #expect(try arenaTrainingStep(on: backend) == 16 * 32 * 64) }
        let after = backend.arena.statistics
        #expect(after.systemAllocations == warm.systemAllocations, "allocations in 1,000 steady steps: \(after.systemAllocations - warm.systemAllocations)")
        #expect(after.reuses == warm.reuses + 4000)
        #expect(after.bytesInUse == 0 && after.bytesCached == warm.bytesCached)
        backend.arena.emptyCache()
        #expect(backend.arena.statistics.bytesCached == 0 && backend.arena.statistics.systemFrees == 4)
    }

    @Test func outOfMemoryNamesTheSizeAndTheDevice() {
        let arena = BufferArena(deviceName: "test device", allocate: { _ in nil }, free: { _ in })
        #expect(throws: DeviceError.outOfMemory(bytes: 3 << 30, device: "test device")) {
            _ = try arena.allocate(3 << 30)
        }
        let message = String(describing: DeviceError.outOfMemory(bytes: 3 << 30, device: "test device"))
        #expect(message == "out of memory on test device: could not allocate 3221225472 bytes (3.0 GiB).")
    }

    @Test func aFailedAllocationReturnsTheCacheAndRetries() throws {
        // The system "has" room for one 512-byte block: the second request succeeds only
        // after the arena gives its cached block back.
        final class Budget: @unchecked Sendable { var blocks = 0 }
        let budget = Budget()
        let arena = BufferArena(
            deviceName: "tiny",
            allocate: { bytes in
                if budget.blocks >= 1 { return nil }
                budget.blocks += 1
                return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            },
            free: { block in budget.blocks -= 1; block.deallocate() })
        do { _ = try arena.allocate(100) }  // released at once: cached, size class 512
        let big = try arena.allocate(4096)  // another class: the cached block must go first
        #expect(big.byteCount == 4096)
        #expect(arena.statistics.systemFrees == 1 && arena.statistics.systemAllocations == 2)
    }
}

/// One step of the arena tests: the buffers a small training step asks for (a 16×64 by
/// 64×32 product and its sum), all released at its end; returns the sum (32768).
func arenaTrainingStep(on backend: some Backend) throws -> Float {
    let weights = try backend.empty(Float.self, shape: [64, 32])
    let input = try backend.empty(Float.self, shape: [16, 64])
    let output = try backend.empty(Float.self, shape: [16, 32])
    try backend.fill(weights, with: 0.5)
    try backend.fill(input, with: 2)
    try backend.matmul(input, weights, into: output, accumulate: false)
    let total = try backend.empty(Float.self, shape: [])
    try backend.reduce(.sum, output, axes: [0, 1], into: total)
    return try backend.scalars(of: total)[0]
}

import Testing
@testable import Wengert

@Suite("Tape headers on cache lines of their own", .tags(.reverseMode))
struct ReverseTapeHeaderLayoutTests {
    /// Two threads recording side by side write their headers' counts at every entry:
    /// a header must not share a cache line (or the prefetcher's pair of lines) with
    /// another, whether it is new or recycled through the pool.
    @Test func everyHeaderStartsOnA128ByteBoundaryAndFitsIn128Bytes() {
        #expect(MemoryLayout<TapeHeader>.stride <= 128)
        var tapes = (0..<6).map { _ in Tape<Double>() }
        tapes.removeLast(3)   // their headers go back to the pool
        let floats = (0..<4).map { _ in Tape<Float>() }
        let headers = tapes.map { UInt(bitPattern: $0.header) } + floats.map { UInt(bitPattern: $0.header) }
        for header in headers { #expect(header % 128 == 0) }
    }
}

// A tensor's shape as a plain value: up to four extents in one SIMD4<Int> and the rank,
// no reference. Every tensor operation makes a result with a shape and every recorded
// operation keeps its operands' shapes, so a shape held as `[Int]` cost a heap
// allocation or a retain and release per tensor copied; this one copies as five words
// and compares as one vector comparison.
//
// A shape of rank above four (rare: batched images are rank 4) is interned: its extents
// are stored once per distinct shape for the life of the process in a table below, and
// the value holds their address. Reading it needs no lock, equal shapes hold the same
// address (so comparison stays one vector comparison), and the memory kept is a few
// words per distinct high-rank shape a program ever makes.

import CWengert

/// The extents of a tensor's axes, row-major: a random-access collection of `Int` that
/// is a plain value (no reference counting) for every rank.
@usableFromInline
struct TensorDimensions: RandomAccessCollection, MutableCollection, Hashable, Sendable {
    /// The most axes stored in the value itself.
    @inlinable static var inlineCapacity: Int { 4 }

    /// The extents up to rank 4, unused lanes 1; above, lane 0 is the address of the
    /// interned extents and the other lanes are 0.
    @usableFromInline var lanes: SIMD4<Int>
    /// The number of axes.
    @usableFromInline var rank: Int

    /// The 0-d shape.
    @inlinable init() {
        lanes = SIMD4(repeating: 1)
        rank = 0
    }

    /// The shape with these extents.
    @inlinable init(_ extents: some Collection<Int>) {
        rank = extents.count
        lanes = SIMD4(repeating: 1)
        if rank > TensorDimensions.inlineCapacity {
            lanes = SIMD4(Int(bitPattern: TensorDimensionTable.intern(Array(extents))), 0, 0, 0)
            return
        }
        var k = 0
        for d in extents {
            lanes[k] = d
            k += 1
        }
    }

    /// The interned extents of a shape of rank above four.
    @inlinable var spilled: UnsafeMutablePointer<Int>? {
        rank > TensorDimensions.inlineCapacity ? UnsafeMutablePointer(bitPattern: lanes[0]) : nil
    }

    @inlinable var startIndex: Int { 0 }
    @inlinable var endIndex: Int { rank }
    @inlinable var count: Int { rank }
    @inlinable var isEmpty: Bool { rank == 0 }

    /// The extent of axis `k` (0-based; checked against the rank). Writing one axis of
    /// an interned shape interns the changed shape.
    @inlinable subscript(k: Int) -> Int {
        get {
            precondition(k >= 0 && k < rank, "Wengert: axis index out of range of the shape")
            if let spilled { return spilled[k] }
            return lanes[k]
        }
        set {
            precondition(k >= 0 && k < rank, "Wengert: axis index out of range of the shape")
            if spilled != nil {
                var extents = array
                extents[k] = newValue
                self = TensorDimensions(extents)
                return
            }
            lanes[k] = newValue
        }
    }

    /// The extents as an array.
    @inlinable var array: [Int] {
        if let spilled { return Array(UnsafeBufferPointer(start: spilled, count: rank)) }
        return (0..<rank).map { lanes[$0] }
    }

    /// The number of scalars, nil when a dimension is negative or the product overflows
    /// (TensorShape.count stops with a message then).
    @inlinable @inline(__always) var product: Int? {
        if spilled != nil { return nil }
        if any(lanes .< 0) { return nil }
        let (p01, o01) = lanes[0].multipliedReportingOverflow(by: lanes[1])
        let (p23, o23) = lanes[2].multipliedReportingOverflow(by: lanes[3])
        let (p, o) = p01.multipliedReportingOverflow(by: p23)
        return o01 || o23 || o ? nil : p
    }

    /// This shape with axis `axis` of extent `count`: the shape of a slice along it.
    @inlinable func replacing(axis: Int, with count: Int) -> TensorDimensions {
        var shape = self
        shape[axis] = count
        return shape
    }

    /// Equal ranks and extents: one vector comparison (unused lanes agree, and equal
    /// high-rank shapes share their interned address).
    @inlinable static func == (a: TensorDimensions, b: TensorDimensions) -> Bool {
        a.rank == b.rank && a.lanes == b.lanes
    }

    @inlinable func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        hasher.combine(lanes)
    }
}

extension TensorDimensions: ExpressibleByArrayLiteral {
    @inlinable init(arrayLiteral extents: Int...) { self.init(extents) }
}

extension TensorDimensions: CustomStringConvertible {
    /// As an array prints: `[2, 3]`, so messages read the same as for `[Int]`.
    @usableFromInline var description: String { array.description }
}

/// A shape and an array of extents are equal when they list the same extents.
@inlinable func == (a: TensorDimensions, b: [Int]) -> Bool { a.elementsEqual(b) }
/// A shape and an array of extents differ when they list different extents.
@inlinable func != (a: TensorDimensions, b: [Int]) -> Bool { !a.elementsEqual(b) }

/// The interned extents of shapes of rank above four: one immutable buffer per distinct
/// shape, never freed, so a `TensorDimensions` can hold its address as a plain word.
@usableFromInline
final class TensorDimensionTable: @unchecked Sendable {
    /// Sendable by its lock: `buffers` is read and written only between lock and unlock.
    private var buffers: [[Int]: UnsafeMutablePointer<Int>] = [:]
    private let lockWord: UnsafeMutablePointer<Int32>
    private static let shared = TensorDimensionTable()

    private init() {
        lockWord = .allocate(capacity: 1)
        lockWord.initialize(to: 0)
    }

    /// The address of the interned copy of `extents`, the same for equal extents.
    /// - Complexity: a hash lookup under a spin lock; an allocation for a new shape.
    @usableFromInline
    static func intern(_ extents: [Int]) -> UnsafeMutablePointer<Int> {
        let table = shared
        wengert_spin_lock(table.lockWord)
        defer { wengert_spin_unlock(table.lockWord) }
        if let buffer = table.buffers[extents] { return buffer }
        let buffer = UnsafeMutablePointer<Int>.allocate(capacity: extents.count)
        buffer.initialize(from: extents, count: extents.count)
        table.buffers[extents] = buffer
        return buffer
    }
}

// Shapes, strides and NumPy broadcasting.
//
// A tensor stores its shape as TensorDimensions (inline up to rank 4); the functions
// here take it or a plain `[Int]` (row-major, the last axis contiguous); a 0-d tensor has
// the empty shape and one scalar. Broadcasting follows NumPy: align shapes on the right, a
// size-1 axis stretches, a missing axis counts as size 1.

@usableFromInline
enum TensorShape {
    /// The most scalars a tensor may hold: its size in bytes must fit in an `Int` for any
    /// scalar type (16 bytes leaves room for both `Float` and `Double`).
    @inlinable static var maximumCount: Int { Int.max / 16 }

    /// The number of scalars of a tensor of this shape. Stops with a message naming the
    /// shape when a dimension is negative or the product exceeds ``maximumCount``, so that
    /// no buffer is ever sized by a wrapped product.
    @inlinable static func count<Shape: RandomAccessCollection<Int>>(_ shape: Shape) -> Int {
        var n = 1
        var overflowed = false
        for d in shape {
            if d < 0 { wengertTensorNegativeDimension(Array(shape)) }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            n = p
            overflowed = overflowed || o || n > maximumCount
        }
        // A zero extent makes the true product 0 however large the others are.
        if overflowed && !shape.contains(0) { wengertTensorShapeTooLarge(Array(shape)) }
        if overflowed { return 0 }
        return n
    }

    /// `count` of a tensor's shape: four multiplications when it is inline and in range,
    /// the checked loop otherwise (which stops with the message). Inlined: every
    /// operation counts its result, and the call cost as much as the multiplications.
    @inlinable @inline(__always) static func count(_ shape: TensorDimensions) -> Int {
        if let n = shape.product, n <= maximumCount { return n }
        return checkedCount(shape)
    }

    /// `count` of a shape of rank above four, or one that `product` refused.
    @usableFromInline @inline(never) static func checkedCount(_ shape: TensorDimensions) -> Int {
        count(shape.array)
    }

    /// Row-major strides, in scalars.
    @inlinable static func strides<Shape: RandomAccessCollection<Int>>(_ shape: Shape) -> [Int] where Shape.Index == Int {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s &*= shape[shape.startIndex + i]
        }
        return strides
    }

    /// The broadcast of two shapes, or nil when they do not broadcast.
    @inlinable static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        if a == b { return a }
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                return nil
            }
        }
        return out
    }

    /// The broadcast of two tensors' shapes, or nil when they do not broadcast: equal
    /// shapes (the common case) and a 0-d operand cost a comparison and no array.
    @inlinable static func broadcast(_ a: TensorDimensions, _ b: TensorDimensions) -> TensorDimensions? {
        if a == b || b.isEmpty { return a }
        if a.isEmpty { return b }
        return broadcast(a.array, b.array).map { TensorDimensions($0) }
    }

    /// The strides with which a tensor of `shape` is read when broadcast to `target`:
    /// 0 along stretched or missing axes.
    @inlinable static func broadcastStrides<Shape: RandomAccessCollection<Int>, Target: RandomAccessCollection<Int>>(
        _ shapeCollection: Shape, to targetCollection: Target
    ) -> [Int] {
        let shape = Array(shapeCollection), target = Array(targetCollection)
        let own = strides(shape)
        let pad = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + pad] == 1 {
            out[i + pad] = shape[i] == 1 ? 0 : own[i]
        }
        return out
    }

    /// The axes 0..<rank, as a reduction over all of them records them: shared arrays up
    /// to rank 4, so that a loss's `sum()` or `mean()` allocates (and frees) no array.
    @inlinable static func allAxes(_ rank: Int) -> [Int] {
        rank < allAxesByRank.count ? allAxesByRank[rank] : Array(0..<rank)
    }

    @usableFromInline static let allAxesByRank: [[Int]] = (0...TensorDimensions.inlineCapacity).map { Array(0..<$0) }

    /// An axis in 0..<rank from a possibly negative one (-1 is the last axis).
    @inlinable static func normalize(axis: Int, rank: Int, operation: StaticString) -> Int {
        let a = axis < 0 ? axis + rank : axis
        if a < 0 || a >= rank { wengertTensorAxisOutOfRange(axis, rank: rank, operation: operation) }
        return a
    }

    /// Calls `body(outOffset, offsetA, offsetB)` for every row of the output, where a row
    /// is the run of `innerCount` scalars along the last axis; `innerA` and `innerB` are
    /// the operands' strides along that axis (0 or 1).
    @inlinable static func forEachRow<Shape: RandomAccessCollection<Int>>(
        shape shapeCollection: Shape, stridesA: [Int], stridesB: [Int],
        _ body: (_ out: Int, _ a: Int, _ b: Int, _ innerCount: Int, _ innerA: Int, _ innerB: Int) -> Void
    ) {
        let shape = Array(shapeCollection)
        let rank = shape.count
        if rank == 0 {
            body(0, 0, 0, 1, 0, 0)
            return
        }
        let inner = shape[rank - 1]
        let innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
        let rows = count(shape) / Swift.max(inner, 1)
        if inner == 0 || rows == 0 { return }
        var index = [Int](repeating: 0, count: rank)
        var offA = 0, offB = 0
        for row in 0..<rows {
            body(row * inner, offA, offB, inner, innerA, innerB)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offA += stridesA[axis]
                offB += stridesB[axis]
                if index[axis] < shape[axis] { break }
                offA -= stridesA[axis] * index[axis]
                offB -= stridesB[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

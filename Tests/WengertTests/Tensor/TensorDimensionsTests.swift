import Testing
@testable import Wengert

/// The inline shape type: ranks 0 to the inline capacity stored in the value, larger
/// ranks interned, with the same behaviour as the `[Int]` it replaces.
@Suite("Tensor dimensions")
struct TensorDimensionsTests {
    /// Shapes of every rank from 0 to two past the inline capacity.
    static let shapes: [[Int]] = [[], [3], [2, 5], [1, 4, 7], [2, 1, 3, 6], [2, 3, 1, 4, 5], [1, 2, 3, 4, 5, 6]]

    @Test func storesAndReadsBackEveryRank() {
        #expect(TensorDimensions.inlineCapacity == 4)
        for shape in Self.shapes {
            let d = TensorDimensions(shape)
            #expect(d.count == shape.count && d.rank == shape.count && d.isEmpty == shape.isEmpty)
            #expect(Array(d) == shape && d.array == shape && d == shape)
            #expect((d.spilled != nil) == (shape.count > TensorDimensions.inlineCapacity), "interned at rank \(shape.count)")
            #expect(TensorShape.count(d) == TensorShape.count(shape))
            for k in shape.indices { #expect(d[k] == shape[k]) }
            #expect(d.description == shape.description)
        }
        #expect(TensorDimensions() == TensorDimensions([]) && TensorDimensions().isEmpty)
        let literal: TensorDimensions = [4, 5]
        #expect(literal.array == [4, 5])
    }

    @Test func writesOneAxisInPlace() {
        for shape in Self.shapes where !shape.isEmpty {
            var d = TensorDimensions(shape)
            var expected = shape
            d[shape.count - 1] = 9
            expected[shape.count - 1] = 9
            d.swapAt(0, shape.count - 1)
            expected.swapAt(0, shape.count - 1)
            #expect(d.array == expected)
        }
    }

    @Test func equalityAndHashingFollowTheExtents() {
        for a in Self.shapes {
            for b in Self.shapes {
                let da = TensorDimensions(a), db = TensorDimensions(b)
                #expect((da == db) == (a == b), "\(a) vs \(b)")
                #expect((da == b) == (a == b) && (da != b) == (a != b))
                if a == b { #expect(da.hashValue == db.hashValue) }
            }
        }
        // Same extents but different ranks: [2] and [2, 1], [] and [1], differ.
        #expect(TensorDimensions([2]) != TensorDimensions([2, 1]))
        #expect(TensorDimensions([]) != TensorDimensions([1]))
        // A shape written to after it was made still equals one made with those extents.
        var d = TensorDimensions([1, 2, 3, 4, 5])
        d[4] = 6
        #expect(d == TensorDimensions([1, 2, 3, 4, 6]))
        #expect(Set([TensorDimensions([2, 3]), TensorDimensions([2, 3]), TensorDimensions([3, 2])]).count == 2)
        // Equal high-rank shapes made apart share one interned copy.
        #expect(TensorDimensions([1, 2, 3, 4, 5, 6]).spilled == TensorDimensions(Array(1...6)).spilled)
    }

    /// Counts agree with the checked array form, including zero extents and products
    /// past the largest tensor (which the array form reports).
    @Test func countsAgreeWithTheArrayForm() {
        for shape in [[0], [0, 1 << 40, 1 << 40], [3, 0, 5, 2, 7], [1 << 20, 1 << 20], [1 << 28, 1 << 28, 2, 1]] {
            #expect(TensorShape.count(TensorDimensions(shape)) == TensorShape.count(shape), "\(shape)")
        }
        #expect(TensorDimensions([1 << 32, 1 << 32]).product == nil)
        #expect(TensorDimensions([-1, 2]).product == nil)
    }

    /// The inline broadcast agrees with the array one on every pair, broadcasting or not.
    @Test func broadcastAgreesWithTheArrayForm() {
        let extra: [[Int]] = [[1], [5], [1, 5], [3, 1], [7, 1, 1], [1, 1, 1, 1, 5], [6, 1, 1, 1, 1]]
        let all = Self.shapes + extra
        for a in all {
            for b in all {
                let inline = TensorShape.broadcast(TensorDimensions(a), TensorDimensions(b))
                let reference = TensorShape.broadcast(a, b)
                #expect(inline?.array == reference, "broadcast of \(a) and \(b)")
            }
        }
    }

    /// Tensors of every rank keep their shape through arithmetic, reshaping and a
    /// backward pass, which sums cotangents back to the recorded operand shapes.
    @Test func tensorsOfEveryRankKeepTheirShape() {
        for shape in Self.shapes {
            let x = Tensor<Double>(repeating: 2, shape: shape).requiringGradient()
            let y = (x * x + 1).sum()
            #expect((x * 3).shape == shape)
            y.backward()
            #expect(x.grad?.shape == shape)
            #expect(x.grad?.scalars.allSatisfy { $0 == 4 } == true)
            let count = shape.reduce(1, *)
            #expect(x.reshaped(to: [count]).shape == [count])
        }
        // Broadcasting a rank-5 tensor against a rank-1 one gives the rank-5 shape, and the
        // rank-1 operand's gradient sums over the other axes.
        let big = Tensor<Double>(repeating: 1, shape: [2, 1, 3, 1, 4])
        let row = Tensor<Double>(repeating: 1, shape: [4]).requiringGradient()
        (big * row).sum().backward()
        #expect(row.grad?.shape == [4] && row.grad?.scalars == [6, 6, 6, 6])
    }
}

import Foundation
import Testing
import Wengert

/// The slice rule's cotangent, added region by region into its operand's (the sweep's
/// path for a first-order backward), against the padded tensor of the rule table (the
/// path of a backward that creates a graph): equal to the bit.
@Suite("Slice cotangents", .tags(.tensor))
struct SliceCotangentTests {
    /// Σ_r (slice_r · w_r).sum() for slices `ranges` along `axis`, w_r a seeded constant.
    static func loss(_ x: Tensor<Double>, axis: Int, ranges: [Range<Int>]) -> Tensor<Double> {
        var total = Tensor<Double>(0)
        for (k, range) in ranges.enumerated() {
            let part = x.slice(along: axis, range: range)
            total = total + (part * Tensor<Double>(randomNormal: part.shape, seed: UInt64(10 + k))).sum()
        }
        return total
    }

    /// x's gradient from the region-by-region path and from the padded one.
    static func gradients(shape: [Int], axis: Int, ranges: [Range<Int>]) -> (fast: [Double], padded: [Double]) {
        let values = Tensor<Double>(randomNormal: shape, seed: 3)
        let x = values.requiringGradient()
        loss(x, axis: axis, ranges: ranges).backward()
        let y = values.requiringGradient()
        loss(y, axis: axis, ranges: ranges).backward(creatingGraph: true)
        return (x.grad!.scalars, y.grad!.detached().scalars)
    }

    @Test(arguments: [
        ([3, 5, 2], 1, [1..<3, 0..<5, 2..<4, 4..<5]),  // overlapping, the whole axis, the end
        ([3, 5, 2], 0, [0..<1, 1..<3, 0..<3]),
        ([3, 5, 2], 2, [1..<2, 0..<1]),
        ([7], 0, [0..<3, 3..<7, 2..<2]),  // a flat vector cut in two, and an empty slice
        ([10], 0, [5..<8, 0..<2, 8..<10]),  // disjoint runs out of order, a gap: one pass
        ([1, 6, 2], 1, [0..<2, 4..<6]),  // runs behind an axis of extent 1: one pass
        ([0, 4], 1, [1..<3]),  // an empty operand
        ([4, 3], 1, [0..<3]),  // the whole operand
    ])
    func regionsMatchPaddedCotangent(_ shape: [Int], _ axis: Int, _ ranges: [Range<Int>]) {
        let (fast, padded) = Self.gradients(shape: shape, axis: axis, ranges: ranges)
        #expect(fast.count == shape.reduce(1, *))
        #expect(fast == padded)
    }

    @Test func positionsOutsideEverySliceGetZero() {
        let x = Tensor<Double>(randomNormal: [2, 6], seed: 4).requiringGradient()
        (x.slice(along: 1, range: 1..<3).sum() + x.slice(along: 1, range: 2..<4).sum() * 2).backward()
        #expect(x.grad!.scalars == [0, 1, 3, 2, 0, 0, 0, 1, 3, 2, 0, 0])
    }

    /// An add's cotangent goes to both operands as one tensor: a slice that reaches one
    /// of them afterwards must not write into the other's.
    @Test func sharedCotangentIsNotWrittenInPlace() {
        let x = Tensor<Double>([0.5, -1, 2, 0.25]).requiringGradient()
        let y = x * 2, t = exp(x)
        let s = y.slice(along: 0, range: 1..<3)  // recorded before the add, so swept after it
        let z = y + t
        (s.sum() + z.sum()).backward()
        let expected = x.scalars.enumerated().map { k, v in 2 + Foundation.exp(v) + (1..<3 ~= k ? 2 : 0) }
        #expect(zip(x.grad!.scalars, expected).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// Slices of two operands waiting for them at once, met interleaved: each operand
    /// gets its own slices' cotangents only, as in the padded path.
    @Test func slicesOfTwoOperandsWaitApart() {
        func loss(_ x: Tensor<Double>, _ y: Tensor<Double>) -> Tensor<Double> {
            (x[0..<2] * y[1..<3]).sum() + x[2..<4].sum() * 3 + (y[0..<1] * x[3..<4]).sum()
        }
        let xv = Tensor<Double>(randomNormal: [4], seed: 7), yv = Tensor<Double>(randomNormal: [3], seed: 8)
        let x = xv.requiringGradient(), y = yv.requiringGradient()
        loss(x, y).backward()
        let x2 = xv.requiringGradient(), y2 = yv.requiringGradient()
        loss(x2, y2).backward(creatingGraph: true)
        #expect(x.grad!.scalars == x2.grad!.detached().scalars)
        #expect(y.grad!.scalars == y2.grad!.detached().scalars)
        let (a, b) = (xv.scalars, yv.scalars)
        #expect(x.grad!.scalars == [b[1], b[2], 3, 3 + b[0]])
        #expect(y.grad!.scalars == [a[3], a[0], a[1]])
    }

    /// A flat parameter vector cut into matrices and a bias (the harness's MLP): the
    /// gradient of each piece lands in its own region.
    @Test func flatParametersSplitIntoPieces() {
        let values = Tensor<Float>(randomNormal: [3 * 4 + 4], seed: 5)
        let w = values.requiringGradient()
        let m = w[0..<12].reshaped(to: [3, 4]), b = w[12..<16]
        let x = Tensor<Float>(randomNormal: [2, 3], seed: 6)
        let out = (matmul(x, m) + b).squared().mean()
        out.backward()
        let v = values.requiringGradient()
        let mv = v[0..<12].reshaped(to: [3, 4]), bv = v[12..<16]
        (matmul(x, mv) + bv).squared().mean().backward(creatingGraph: true)
        #expect(w.grad!.scalars == v.grad!.detached().scalars)
    }
}

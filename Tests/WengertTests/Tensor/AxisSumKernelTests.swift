import Testing
import Wengert

/// Sums along an axis by the C kernel against the reference fold in the same order:
/// exactly equal, for every axis of odd shapes, empty extents, and every level.
@Suite("Axis sum kernels", .tags(.tensor))
struct AxisSumKernelTests {
    /// Σ over `axis` in the order s = 0, 1, ..., in Float arithmetic.
    static func reference(_ x: [Float], shape: [Int], axis: Int) -> [Float] {
        let size = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *), outer = shape[..<axis].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                guard size > 0 else { continue }
                var s = x[o * size * inner + i]
                for k in 1..<max(size, 1) { s += x[(o * size + k) * inner + i] }
                out[o * inner + i] = s
            }
        }
        return out
    }

    @Test(arguments: [[3, 5, 7], [1, 33, 2], [17, 1], [4, 0, 3], [2, 65]])
    func everyAxisMatchesTheReferenceExactly(_ shape: [Int]) {
        let x = Tensor<Float>(randomNormal: shape, seed: 71)
        for level in GemmKernelTests.levels {
            for axis in shape.indices {
                let got = CPUKernels.withLevel(level) { x.sum(alongAxes: axis, keepingDimensions: true) }
                var kept = shape
                kept[axis] = 1
                #expect(got.shape == kept)
                #expect(got.scalars == Self.reference(x.scalars, shape: shape, axis: axis), "\(level) axis \(axis) of \(shape)")
            }
        }
    }
}

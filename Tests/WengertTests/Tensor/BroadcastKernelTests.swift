import Testing
@testable import Wengert

/// The whole-broadcast C kernels (`wengert_binary_broadcast`, `wengert_broadcast_copy`)
/// against a reference that indexes each output element by NumPy's rule: ranks 1 to 4
/// and, past the kernels' rank, 18 (the Swift row loop that takes over there), odd row lengths on both sides of the small-row loop (4 scalars), stride 0 along the
/// last axis on either side, rows of one scalar, and empty outputs.
@Suite("Broadcast kernels", .tags(.tensor))
struct BroadcastKernelTests {
    static let shapes: [([Int], [Int])] = [
        ([3, 1, 5], [4, 5]), ([2, 3, 1], [1, 1, 7]), ([1, 4, 1, 3], [2, 1, 5, 1]), ([5, 1], [1, 13]),
        ([2, 1, 3], [2, 4, 3]), ([3, 1, 1], [1, 2, 1]), ([1, 9, 1], [6, 1, 11]), ([2, 1, 3, 1], [1, 1]),
        ([0, 3], [1, 3]), ([2, 0, 3], [1, 3]),
        // More axes than the C kernels take (WENGERT_BROADCAST_MAX_RANK): the Swift row
        // loop, with a kept and a broadcast last axis.
        ([2] + ones(16) + [3], ones(17) + [3]), ([2] + ones(17), ones(16) + [4, 5]),
    ]

    static func ones(_ count: Int) -> [Int] { [Int](repeating: 1, count: count) }

    /// The scalar of `shape`'s tensor read at the output index `index` of `out`.
    static func element<S>(_ values: [S], _ shape: [Int], at index: [Int]) -> S {
        let pad = index.count - shape.count
        var flat = 0
        for axis in 0..<shape.count { flat = flat * shape[axis] + (shape[axis] == 1 ? 0 : index[axis + pad]) }
        return values[flat]
    }

    /// Every output index of `shape` in row-major order.
    static func indices(_ shape: [Int]) -> [[Int]] {
        var all: [[Int]] = [[]]
        for extent in shape { all = all.flatMap { prefix in (0..<extent).map { prefix + [$0] } } }
        return all
    }

    static func check<S: TensorScalar>(_: S.Type) {
        for (sa, sb) in shapes {
            let va = (0..<sa.reduce(1, *)).map { S($0) * S(0.37) - S(1.3) }
            let vb = (0..<sb.reduce(1, *)).map { S($0) * S(0.21) + S(0.5) }
            let a = Tensor<S>(shape: sa, scalars: va), b = Tensor<S>(shape: sb, scalars: vb)
            let out = TensorShape.broadcast(sa, sb)!
            let operations: [(String, (Tensor<S>, Tensor<S>) -> Tensor<S>, (S, S) -> S)] = [
                ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
                ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
            ]
            for (name, tensorOp, scalarOp) in operations {
                let expected = indices(out).map { scalarOp(element(va, sa, at: $0), element(vb, sb, at: $0)) }
                for (x, y, reference) in [(a, b, expected), (b, a, indices(out).map { scalarOp(element(vb, sb, at: $0), element(va, sa, at: $0)) })] {
                    let c = tensorOp(x, y)
                    #expect(c.shape == out, "\(x.shape) \(name) \(y.shape)")
                    #expect(c.scalars == reference, "\(x.shape) \(name) \(y.shape)")
                }
            }
            for (x, values, shape) in [(a, va, sa), (b, vb, sb)] {
                let e = x.expanded(to: TensorDimensions(out))
                #expect(e.shape == out && e.scalars == indices(out).map { element(values, shape, at: $0) }, "\(shape) to \(out)")
            }
        }
    }

    @Test func doubleBroadcastsMatchTheReference() { Self.check(Double.self) }
    @Test func floatBroadcastsMatchTheReference() { Self.check(Float.self) }
}

import Testing
import Wengert

// Every backend operation on the CPU and on OpenCL with the same inputs: odd sizes, empty
// and 0-d shapes, broadcast, permuted and sliced views. Elementwise functions may differ
// by a few ulps (OpenCL C's accuracy limits); sums and products by rounding order.

/// Views over one upload used by several tests: (name, shape, layout of the operand).
private func layouts(_ shape: [Int]) -> [(String, StridedLayout)] {
    var cases: [(String, StridedLayout)] = [("contiguous", .contiguous(shape))]
    if shape.count >= 2 {
        // The same positions read through a permuted buffer of the reversed shape.
        let order = Array((0..<shape.count).reversed())
        let stored = StridedLayout.contiguous(order.map { shape[$0] })
        cases.append(("permuted", stored.permuted(order)))
    }
    return cases
}

@Suite("Backends agree", .enabled(if: openCLAvailable, openCLSkipReason))
struct BackendComparisonTests {
    static let shapes: [[Int]] = [[], [1], [7], [0], [3, 0], [5, 3], [2, 3, 5], [33, 17], [1000]]

    @Test(arguments: UnaryOperation.allCases)
    func unaryFloat(_ op: UnaryOperation) throws {
        for shape in Self.shapes {
            for (name, layout) in layouts(shape) {
                let n = shape.reduce(1, *)
                let input: [Float] = testScalars(Swift.max(n, 1), seed: 3)
                try expectSameOnBothBackends(Float.self, relative: 2e-5, absolute: 1e-6, "\(op) \(shape) \(name)") { backend in
                    let x = BufferView<Float>(try backend.upload(input), layout)
                    let out = try backend.empty(Float.self, shape: shape)
                    try backend.unary(op, x, into: out)
                    return try backend.scalars(of: out)
                }
            }
        }
    }

    @Test(arguments: UnaryOperation.allCases)
    func unaryDouble(_ op: UnaryOperation) throws {
        let input: [Double] = testScalars(257, seed: 4)
        try expectSameOnBothBackends(Double.self, relative: 1e-13, absolute: 1e-15, "\(op) [257]") { backend in
            let x = try backend.view(input, shape: [257])
            let out = try backend.empty(Double.self, shape: [257])
            try backend.unary(op, x, into: out)
            return try backend.scalars(of: out)
        }
    }

    @Test(arguments: BinaryOperation.allCases)
    func binaryWithBroadcasting(_ op: BinaryOperation) throws {
        let cases: [([Int], [Int])] = [([], []), ([5, 3], [5, 3]), ([5, 1, 3], [4, 3]), ([7], []), ([], [0]),
                                       ([2, 3, 1], [1, 1, 4]), ([1000], [1000])]
        for (sa, sb) in cases {
            let shape = broadcastShape(sa, sb)
            let a: [Float] = testScalars(Swift.max(sa.reduce(1, *), 1), seed: 5, lower: 0.1, upper: 2)
            let b: [Float] = testScalars(Swift.max(sb.reduce(1, *), 1), seed: 6, lower: -2, upper: 2)
            try expectSameOnBothBackends(Float.self, relative: 2e-5, absolute: 1e-6, "\(op) \(sa) \(sb)") { backend in
                let va = BufferView<Float>(try backend.upload(a), StridedLayout.contiguous(sa).expanded(to: shape))
                let vb = BufferView<Float>(try backend.upload(b), StridedLayout.contiguous(sb).expanded(to: shape))
                let out = try backend.empty(Float.self, shape: shape)
                try backend.binary(op, va, vb, into: out)
                return try backend.scalars(of: out)
            }
            let da = a.map(Double.init), db = b.map(Double.init)
            try expectSameOnBothBackends(Double.self, relative: 1e-13, "\(op) \(sa) \(sb)") { backend in
                let va = BufferView<Double>(try backend.upload(da), StridedLayout.contiguous(sa).expanded(to: shape))
                let vb = BufferView<Double>(try backend.upload(db), StridedLayout.contiguous(sb).expanded(to: shape))
                let out = try backend.empty(Double.self, shape: shape)
                try backend.binary(op, va, vb, into: out)
                return try backend.scalars(of: out)
            }
        }
    }

    @Test(arguments: ComparisonOperation.allCases)
    func comparisonsAndSelection(_ op: ComparisonOperation) throws {
        // Ties and NaN on purpose: every comparison with NaN is false except !=.
        let a: [Float] = [1, 2, 3, .nan, 5, -0.0, 7, 8, 9, 10, 11, 12]
        let b: [Float] = [1, 3, 2, 1, .nan, 0]
        try expectSameOnBothBackends(Float.self, relative: 0, "\(op)") { backend in
            let va = try backend.view(a, shape: [2, 6])
            let vb = BufferView<Float>(try backend.upload(b), StridedLayout.contiguous([6]).expanded(to: [2, 6]))
            let mask = try backend.empty(Float.self, shape: [2, 6])
            try backend.compare(op, va, vb, into: mask)
            let chosen = try backend.empty(Float.self, shape: [2, 6])
            try backend.select(mask, va, vb, into: chosen)
            return try backend.scalars(of: mask) + backend.scalars(of: chosen)
        }
        let cpu = CPUBackend()
        let mask = try cpu.empty(Float.self, shape: [6])
        try cpu.compare(op, try cpu.view(Array(a.prefix(6)), shape: [6]), try cpu.view(b, shape: [6]), into: mask)
        #expect(try cpu.scalars(of: mask) == zip(a.prefix(6), b).map { op.holds($0, $1) ? 1 : 0 })
    }

    @Test(arguments: ReductionOperation.allCases)
    func reductionsAlongAxes(_ op: ReductionOperation) throws {
        let shape = [3, 5, 7]
        let input: [Float] = testScalars(105, seed: 7, lower: 0.5, upper: 1.5)
        for axes in [[], [0], [1], [2], [0, 2], [0, 1, 2], [2, 0]] {
            for (name, layout) in layouts(shape) {
                try expectSameOnBothBackends(Float.self, relative: 1e-5, "\(op) over \(axes) \(name)") { backend in
                    let x = BufferView<Float>(try backend.upload(input), layout)
                    let out = try backend.empty(Float.self, shape: shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element })
                    try backend.reduce(op, x, axes: axes, into: out)
                    return try backend.scalars(of: out)
                }
            }
        }
        // Empty reductions give the identity (the mean NaN); empty outputs nothing; 0-d itself.
        for (shape, axes) in [([0, 4], [0]), ([4, 0], [0]), ([], [Int]()), ([4, 0], [1])] {
            let input: [Float] = testScalars(Swift.max(shape.reduce(1, *), 1), seed: 8)
            try expectSameOnBothBackends(Float.self, relative: 1e-6, "\(op) empty \(shape) over \(axes)") { backend in
                let x = BufferView<Float>(try backend.upload(input), .contiguous(shape))
                let out = try backend.empty(Float.self, shape: shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element })
                try backend.reduce(op, x, axes: axes, into: out)
                return try backend.scalars(of: out)
            }
        }
        let empty = CPUBackend()
        let out = try empty.empty(Float.self, shape: [1])
        try empty.reduce(op, BufferView(try empty.allocate(Float.self, count: 0), .contiguous([0])), axes: [0], into: out)
        let value = try empty.scalars(of: out)[0]
        #expect(op == .mean ? value.isNaN : value == op.identity(Float.self))
    }

    @Test func nanConventionsOfMinMaxAndRelu() throws {
        // NaN wins in min and max whichever side it is on, and relu keeps it (as the
        // tensor functions do); both backends, against the written-out answer.
        let a: [Float] = [.nan, 1, .nan, 2, -3], b: [Float] = [1, .nan, .nan, 2, 4]
        for op in [BinaryOperation.minimum, .maximum] {
            try expectSameOnBothBackends(Float.self, relative: 0, "\(op) with NaN") { backend in
                let out = try backend.empty(Float.self, shape: [5])
                try backend.binary(op, try backend.view(a, shape: [5]), try backend.view(b, shape: [5]), into: out)
                let values = try backend.scalars(of: out)
                #expect(values[0].isNaN && values[1].isNaN && values[2].isNaN && values[3] == 2)
                #expect(values[4] == (op == .minimum ? -3 : 4))
                return values
            }
        }
        try expectSameOnBothBackends(Float.self, relative: 0, "relu with NaN") { backend in
            let x = try backend.view([.nan, -1, 0, 2] as [Float], shape: [4])
            try backend.unary(.relu, x, into: x)
            let values = try backend.scalars(of: x)
            #expect(values[0].isNaN && Array(values[1...]) == [0, 0, 2])
            return values
        }
    }

    @Test func largeSumAndNaNPropagation() throws {
        let input: [Double] = testScalars(100_003, seed: 9)
        try expectSameOnBothBackends(Double.self, relative: 1e-10, "sum of 100003") { backend in
            let out = try backend.empty(Double.self, shape: [])
            try backend.reduce(.sum, try backend.view(input, shape: [100_003]), axes: [0], into: out)
            return try backend.scalars(of: out)
        }
        for op in [ReductionOperation.maximum, .minimum] {
            try expectSameOnBothBackends(Float.self, relative: 0, "\(op) with NaN") { backend in
                let out = try backend.empty(Float.self, shape: [2])
                try backend.reduce(op, try backend.view([1, .nan, 3, 4, 5, 6] as [Float], shape: [2, 3]), axes: [1], into: out)
                return try backend.scalars(of: out)
            }
        }
    }

    @Test func dataMovement() throws {
        let input: [Float] = (0..<60).map(Float.init)
        let base = StridedLayout.contiguous([3, 4, 5])
        let views: [(String, StridedLayout, [Int])] = [
            ("expand", StridedLayout.contiguous([4, 1]).expanded(to: [2, 4, 3]), [2, 4, 3]),
            ("permute", base.permuted([2, 0, 1]), [5, 3, 4]),
            ("slice", base.sliced(axis: 1, 1 ..< 3).sliced(axis: 2, 2 ..< 5), [3, 2, 3]),
            ("empty slice", base.sliced(axis: 0, 2 ..< 2), [0, 4, 5]),
            ("0-d", StridedLayout(shape: [], strides: [], offset: 17), []),
        ]
        for (name, layout, shape) in views {
            try expectSameOnBothBackends(Float.self, relative: 0, name) { backend in
                let out = try backend.empty(Float.self, shape: shape)
                try backend.copy(BufferView(try backend.upload(input), layout), into: out)
                return try backend.scalars(of: out)
            }
        }
        // The CPU's answer is the definition: position (i, j, k) of the permuted view.
        let cpu = CPUBackend()
        let permuted = try cpu.empty(Float.self, shape: [5, 3, 4])
        try cpu.copy(BufferView(try cpu.upload(input), base.permuted([2, 0, 1])), into: permuted)
        #expect(try cpu.scalars(of: permuted)[1 * 12 + 2 * 4 + 3] == Float(2 * 20 + 3 * 5 + 1))

        try expectSameOnBothBackends(Float.self, relative: 0, "concatenate") { backend in
            let a = try backend.view(Array(input[0..<6]), shape: [2, 3])
            let b = try backend.view(Array(input[6..<10]), shape: [2, 2])
            let c = try backend.view([Float](), shape: [2, 0])
            let out = try backend.empty(Float.self, shape: [2, 5])
            try backend.concatenate([a, c, b], axis: 1, into: out)
            let joined = try backend.scalars(of: out)
            #expect(joined == [0, 1, 2, 6, 7, 3, 4, 5, 8, 9])
            return joined
        }
        try expectSameOnBothBackends(Float.self, relative: 0, "gather") { backend in
            let x = BufferView<Float>(try backend.upload(input), base)
            let out = try backend.empty(Float.self, shape: [3, 6, 5])
            try backend.gather(x, axis: 1, indices: [3, 0, 0, 2, 1, 3], into: out)
            let picked = try backend.scalars(of: out)
            #expect(picked[5 ..< 10] == input[0 ..< 5] && picked[0 ..< 5] == input[15 ..< 20])
            let none = try backend.empty(Float.self, shape: [3, 0, 5])
            try backend.gather(x, axis: 1, indices: [], into: none)
            return picked
        }
    }

    @Test func fillsTouchOnlyTheirView() throws {
        try expectSameOnBothBackends(Double.self, relative: 0, "fill") { backend in
            let whole = try backend.view([Double](repeating: 1, count: 20), shape: [4, 5])
            try backend.fill(BufferView(whole.buffer, whole.layout.sliced(axis: 1, 1 ..< 3)), with: -2.5)
            try backend.fill(BufferView(whole.buffer, StridedLayout(shape: [], strides: [], offset: 19)), with: 7)
            let values = try backend.scalars(of: whole)
            #expect(values.filter { $0 == -2.5 }.count == 8 && values[0] == 1 && values[19] == 7)
            return values
        }
    }

    @Test func seededRandomNumbers() throws {
        // The CPU draws exactly what Tensor(randomUniform:)/Tensor(randomNormal:) draw.
        let cpu = CPUBackend()
        let uniform = try cpu.empty(Float.self, shape: [1001])
        try cpu.random(uniform, distribution: .uniform(lower: -2, upper: 3), seed: 42)
        #expect(try cpu.scalars(of: uniform) == Tensor<Float>(randomUniform: [1001], lower: -2, upper: 3, seed: 42).scalars)
        let normal = try cpu.empty(Double.self, shape: [1001])
        try cpu.random(normal, distribution: .normal(mean: 1, standardDeviation: 2), seed: 7)
        #expect(try cpu.scalars(of: normal) == Tensor<Double>(randomNormal: [1001], mean: 1, standardDeviation: 2, seed: 7).scalars)

        for count in [0, 1, 2, 1001] {
            try expectSameOnBothBackends(Float.self, relative: 0, "uniform \(count)") { backend in
                let out = try backend.empty(Float.self, shape: [count])
                try backend.random(out, distribution: .uniform(lower: -2, upper: 3), seed: 42)
                return try backend.scalars(of: out)
            }
            try expectSameOnBothBackends(Float.self, relative: 1e-6, absolute: 1e-6, "normal \(count)") { backend in
                let out = try backend.empty(Float.self, shape: [count])
                try backend.random(out, distribution: .normal(mean: 1, standardDeviation: 2), seed: 7)
                return try backend.scalars(of: out)
            }
            try expectSameOnBothBackends(Double.self, relative: 1e-14, absolute: 1e-14, "normal \(count)") { backend in
                let out = try backend.empty(Double.self, shape: [count])
                try backend.random(out, distribution: .normal(mean: 1, standardDeviation: 2), seed: 7)
                return try backend.scalars(of: out)
            }
        }
    }

    @Test(arguments: [(1, 1, 1), (7, 13, 5), (65, 33, 129), (64, 64, 64), (0, 3, 4), (3, 0, 4), (3, 4, 0), (130, 1, 70)])
    func matmulTiles(_ size: (Int, Int, Int)) throws {
        let (m, n, k) = size
        let a: [Float] = testScalars(Swift.max(m * k, 1), seed: 10)
        let b: [Float] = testScalars(Swift.max(k * n, 1), seed: 11)
        let c: [Float] = testScalars(Swift.max(m * n, 1), seed: 12)
        for (transposedA, accumulate) in [(false, false), (true, false), (false, true)] {
            try expectSameOnBothBackends(Float.self, relative: 1e-5, absolute: 1e-5, "matmul \(size) transposedA \(transposedA) accumulate \(accumulate)") { backend in
                // A transposed operand: the [k, m] buffer read through a permuted layout.
                let layoutA = transposedA ? StridedLayout.contiguous([k, m]).permuted([1, 0]) : .contiguous([m, k])
                let va = BufferView<Float>(try backend.upload(a), layoutA)
                let vb = BufferView<Float>(try backend.upload(b), .contiguous([k, n]))
                let out = BufferView<Float>(try backend.upload(c), .contiguous([m, n]))
                try backend.matmul(va, vb, into: out, accumulate: accumulate)
                return try backend.scalars(of: out)
            }
        }
        // Against the definition, on the CPU.
        let cpu = CPUBackend()
        let out = try cpu.empty(Float.self, shape: [m, n])
        try cpu.matmul(try cpu.view(Array(a.prefix(m * k)), shape: [m, k]), try cpu.view(Array(b.prefix(k * n)), shape: [k, n]), into: out, accumulate: false)
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { expected[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        #expect(agree(try cpu.scalars(of: out), expected, relative: 1e-5, absolute: 1e-5))
    }

    @Test func matmulDouble() throws {
        let (m, n, k) = (67, 45, 131)
        let a: [Double] = testScalars(m * k, seed: 13), b: [Double] = testScalars(k * n, seed: 14)
        try expectSameOnBothBackends(Double.self, relative: 1e-12, absolute: 1e-13, "matmul double") { backend in
            let out = try backend.empty(Double.self, shape: [m, n])
            try backend.matmul(try backend.view(a, shape: [m, k]), try backend.view(b, shape: [k, n]), into: out, accumulate: false)
            return try backend.scalars(of: out)
        }
    }
}

/// NumPy's broadcast of two shapes (test data only: the shapes here always broadcast).
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = Swift.max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
    return zip(pa, pb).map { $0 == 1 ? $1 : $0 }
}

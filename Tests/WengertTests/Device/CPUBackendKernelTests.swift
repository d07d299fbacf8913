import Testing
import Wengert

// The CPU backend's contiguous rows run the vectorised C kernels that tensors use; its
// strided rows and the operations without a kernel stay scalar loops. Both paths must
// agree with the scalar reference (`UnaryOperation.apply`, a fold per output), and the
// vectorised path with the tensor API to the bit, since it is the same kernel.

@Suite("CPU backend kernels")
struct CPUBackendKernelTests {
    @Test(arguments: UnaryOperation.allCases)
    func unaryRowsAgreeWithTheReference(_ op: UnaryOperation) throws {
        let backend = CPUBackend()
        for n in [0, 1, 7, 33, 1000] {
            let input: [Float] = testScalars(Swift.max(n, 1), seed: 11).prefix(n).map { $0 }
            let x = try backend.view(input, shape: [n])
            let out = try backend.empty(Float.self, shape: [n])
            try backend.unary(op, x, into: out)
            let reference = input.map { op.apply($0) }
            let got = try backend.scalars(of: out)
            #expect(agree(got, reference, relative: 4e-6, absolute: 1e-7), "\(op) [\(n)] Float: \(firstDisagreement(got, reference, relative: 4e-6, absolute: 1e-7))")
            let doubles = input.map(Double.init)
            let xd = try backend.view(doubles, shape: [n])
            let outd = try backend.empty(Double.self, shape: [n])
            try backend.unary(op, xd, into: outd)
            let gotd = try backend.scalars(of: outd), referenced = doubles.map { op.apply($0) }
            #expect(agree(gotd, referenced, relative: 1e-14, absolute: 1e-16), "\(op) [\(n)] Double: \(firstDisagreement(gotd, referenced, relative: 1e-14, absolute: 1e-16))")
        }
    }

    @Test func unaryRowsAreTheTensorKernels() throws {
        let backend = CPUBackend()
        let input: [Float] = testScalars(1000, seed: 12)
        let cases: [(UnaryOperation, (Tensor<Float>) -> Tensor<Float>)] = [(.exp, { exp($0) }), (.tanh, { tanh($0) }), (.sin, { sin($0) }), (.log1p, { log1p($0) })]
        for (op, tensorFunction) in cases {
            let out = try backend.empty(Float.self, shape: [1000])
            try backend.unary(op, try backend.view(input, shape: [1000]), into: out)
            #expect(try backend.scalars(of: out) == tensorFunction(Tensor(input)).scalars, "\(op)")
        }
    }

    @Test func sumsAlongConsecutiveAxesAgreeWithTheStridedFold() throws {
        let backend = CPUBackend()
        let shape = [3, 4, 5, 6]
        let input: [Double] = testScalars(shape.reduce(1, *), seed: 13)
        let contiguous = try backend.view(input, shape: shape)
        // The same scalars read through a permuted buffer take the strided fold.
        let order = [3, 2, 1, 0]
        let stored = try backend.view(reversedAxes(input, shape), shape: order.map { shape[$0] })
        let strided = BufferView<Double>(stored.buffer, stored.layout.permuted(order))
        for axes in [[0], [1], [3], [1, 2], [0, 1, 2], [2, 3]] {
            let kept = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
            for op in [ReductionOperation.sum, .mean] {
                let fast = try backend.empty(Double.self, shape: kept), slow = try backend.empty(Double.self, shape: kept)
                try backend.reduce(op, contiguous, axes: axes, into: fast)
                try backend.reduce(op, strided, axes: axes, into: slow)
                let a = try backend.scalars(of: fast), b = try backend.scalars(of: slow)
                #expect(agree(a, b, relative: 1e-13), "\(op) over \(axes): \(firstDisagreement(a, b, relative: 1e-13))")
            }
        }
        let tensor = Tensor<Double>(shape: shape, scalars: input)
        let out = try backend.empty(Double.self, shape: [3, 5, 6])
        try backend.reduce(.sum, contiguous, axes: [1], into: out)
        #expect(try backend.scalars(of: out) == tensor.sum(alongAxes: 1).scalars)
    }

    /// Sums along the last axis run eight rows side by side; each row keeps the order of
    /// the fold x[0] + x[1] + ..., so the sums equal it to the bit (blocks of eight rows and
    /// the rows after the last block).
    @Test func sumsAlongTheLastAxisAreTheSequentialFold() {
        for (rows, columns) in [(19, 37), (8, 1000), (3, 5), (17, 1)] {
            let input: [Float] = testScalars(rows * columns, seed: 14, lower: -1e3, upper: 1e3)
            let fold = (0..<rows).map { r in input[(r * columns + 1)..<((r + 1) * columns)].reduce(input[r * columns], +) }
            #expect(Tensor<Float>(shape: [rows, columns], scalars: input).sum(alongAxes: 1).scalars == fold, "[\(rows), \(columns)]")
            let doubles = input.map(Double.init)
            let foldd = (0..<rows).map { r in doubles[(r * columns + 1)..<((r + 1) * columns)].reduce(doubles[r * columns], +) }
            #expect(Tensor<Double>(shape: [rows, columns], scalars: doubles).sum(alongAxes: 1).scalars == foldd, "[\(rows), \(columns)] Double")
        }
    }

    /// `x` (row-major of `shape`) stored with its axes reversed.
    private func reversedAxes(_ x: [Double], _ shape: [Int]) -> [Double] {
        Tensor<Double>(shape: shape, scalars: x).transposed(permutation: Array(shape.indices.reversed())).scalars
    }
}

import Testing
import Wengert

/// The fill kernel (a whole-tensor sum's cotangent, `Tensor(repeating:)`) and the one-pass
/// integer power of an untracked tensor, at every instruction-set level, against what
/// they replace, to the bit: a scalar loop, and the tensor products of a recorded power.
@Suite("Fill and integer power kernels", .tags(.tensor))
struct FillAndPowerKernelTests {
    static var levels: [CPUKernels.Level] {
        CPUKernels.Level.allCases.filter { $0.rawValue <= CPUKernels.supportedLevel.rawValue }
    }

    /// Sizes around the vector widths, the unrolled loops and the power's 256-element blocks.
    @Test(arguments: [0, 1, 16, 17, 33, 257, 1000])
    func fillsHoldTheValueEverywhere(_ n: Int) {
        for level in Self.levels {
            CPUKernels.withLevel(level) {
                #expect(Tensor<Float>(repeating: -2.5, shape: [n]).scalars == [Float](repeating: -2.5, count: n), "level \(level)")
                #expect(Tensor<Double>(repeating: 0.1, shape: [n, 1]).scalars == [Double](repeating: 0.1, count: n))
                let x = Tensor<Float>(zeros: [n]).requiringGradient()
                x.sum().backward()
                #expect(x.grad!.scalars == [Float](repeating: 1, count: n), "level \(level)")
                if n > 0 {
                    let y = Tensor<Double>(zeros: [n]).requiringGradient()
                    y.mean().backward()
                    #expect(y.grad!.scalars == [Double](repeating: 1 / Double(n), count: n), "level \(level)")
                }
            }
        }
    }

    /// An untracked power (one C pass) equals the tensor products that a recorded one
    /// makes, and the scalar `pow(_:n:)`, for every exponent, on values with zeros of both
    /// signs, infinities, NaN and over- and underflowing powers, in 0-d, empty and longer
    /// tensors, Float and Double.
    @Test(arguments: [[Int](), [0], [1], [7], [33], [300], [2, 150]])
    func untrackedPowersEqualTheRecordedProducts(_ shape: [Int]) {
        let n = shape.reduce(1, *)
        let special: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-30, 1e30, -3.5, 0.7]
        let random = Tensor<Double>(randomNormal: [n], seed: 9).scalars
        let values = random.enumerated().map { k, v in k % 3 == 0 ? special[(k / 3) % special.count] : v * 4 }
        func check<S: TensorScalar>(_: S.Type, level: CPUKernels.Level) {
            let scalars = values.map { S($0) }
            let x = Tensor<S>(shape: shape, scalars: scalars)
            let tracked = Tensor<S>(shape: shape, scalars: scalars).requiringGradient()
            for e in -5...11 {
                let fused = CPUKernels.withLevel(level) { pow(x, n: e).scalars }
                let products = CPUKernels.withLevel(level) { pow(tracked, n: e).detached().scalars }
                #expect(FusedKernelTests.sameBits(fused, products), "\(S.self) \(shape) n = \(e) level \(level)")
                #expect(FusedKernelTests.sameBits(fused, scalars.map { pow($0, n: e) }), "\(S.self) \(shape) n = \(e)")
            }
        }
        for level in Self.levels {
            check(Float.self, level: level)
            check(Double.self, level: level)
        }
    }

    /// Without gradients a tracked tensor's power takes the one pass too, and records nothing.
    @Test func powersInsideWithoutGradientRecordNothing() {
        let x = Tensor<Float>([1.5, -2, 3]).requiringGradient()
        let y = withoutGradient { pow(x, n: 3) }
        #expect(y.scalars == [3.375, -8, 27])
        #expect(!y.requiresGradient)
    }
}

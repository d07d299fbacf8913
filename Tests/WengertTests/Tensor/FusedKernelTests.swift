import Foundation
import Testing
import Wengert

/// The one-pass kernels of a training step against the operations they replace, at every
/// instruction-set level, to the bit: the SGD update, the backward rules of tanh, relu,
/// exp and the square, Adam's step, a scalar factor's cotangent summed in the product's pass, slices
/// as views, and a zeroed gradient made only when read.
@Suite("Fused training-step kernels", .tags(.tensor))
struct FusedKernelTests {
    /// Scalars with the awkward values among them (zeros of both signs, infinities, NaN).
    static func values(_ n: Int, seed: UInt64, finite: Bool = false) -> [Double] {
        let special: [Double] = finite ? [0, -0.0, 1, -1, 1e-30, 30] : [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-30, 30]
        let random = Tensor<Double>(randomNormal: [n], seed: seed).scalars
        return random.enumerated().map { k, v in k % 5 == 0 ? special[(k / 5) % special.count] : v * 2 }
    }

    static func sameBits<S: BinaryFloatingPoint>(_ a: [S], _ b: [S]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    @Test(arguments: [0, 1, 7, 33, 1000])
    func sgdStepEqualsSubtractingTheScaledGradient(_ n: Int) {
        let p0 = Self.values(n, seed: 1).map { Float($0) }, g0 = Self.values(n, seed: 2).map { Float($0) }
        let rate: Float = 0.37
        let expected = zip(p0, g0).map { $0 - rate * $1 }
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            var p = Tensor<Float>(shape: [n], scalars: p0).requiringGradient()
            CPUKernels.withLevel(level) {
                (p * Tensor<Float>(shape: [n], scalars: g0)).sum().backward()
                SGD<Float>(learningRate: rate).update(&p)
            }
            #expect(Self.sameBits(p.scalars, expected), "level \(level)")
            #expect(p.requiresGradient && p.isLeaf)
        }
    }

    /// The update writes the parameter's buffer in place only when nothing else holds it.
    @Test func sgdStepLeavesCopiesOfTheParametersAlone() {
        var p = Tensor<Float>([1, 2, 3]).requiringGradient()
        let copy = p
        (p * p).sum().backward()
        SGD<Float>(learningRate: 0.5).update(&p)
        #expect(copy.scalars == [1, 2, 3])
        #expect(p.scalars == [0, 0, 0])
        p.zeroGradient()
        (p + 1).sum().backward()
        SGD<Float>(learningRate: 0.5).update(&p)  // held only by p now: in place
        #expect(p.scalars == [-0.5, -0.5, -0.5])
        #expect(copy.scalars == [1, 2, 3])
        #expect(p.grad!.scalars == [1, 1, 1])
    }

    /// Adam's one-pass step against its formula written out per scalar, one rounding per
    /// operation, over three steps (the moments carried), with and without weight decay.
    @Test(arguments: [0, 1, 7, 33, 1000], [0, 0.01])
    func adamStepEqualsItsOperations(_ n: Int, _ decay: Double) {
        func check<S: TensorScalar>(_: S.Type, level: CPUKernels.Level) {
            let lr: S = 0.05, b1: S = 0.9, b2: S = 0.999, eps: S = 1e-8, wd = S(decay)
            var expected = Self.values(n, seed: 11).map { S($0) }
            var m = [S](repeating: 0, count: n), v = [S](repeating: 0, count: n)
            var p = Tensor<S>(shape: [n], scalars: expected).requiringGradient()
            let optimizer = Adam<S>(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd)
            for step in 1...3 {
                let g0 = Self.values(n, seed: 20 + UInt64(step)).map { S($0) }
                p.zeroGradient()
                CPUKernels.withLevel(level) {
                    (p * Tensor<S>(shape: [n], scalars: g0)).sum().backward()
                    optimizer.update(&p)
                }
                let c1 = 1 - S.pow(b1, S(step)), c2 = 1 - S.pow(b2, S(step)), size = lr / c1
                for i in 0..<n {
                    var g = g0[i]
                    if wd != 0 { let penalty = wd * expected[i]; g = g + penalty }
                    let kept = m[i] * b1, fresh = (1 - b1) * g
                    m[i] = kept + fresh
                    let square = g * g, keptV = v[i] * b2, freshV = (1 - b2) * square
                    v[i] = keptV + freshV
                    let change = size * m[i] / ((v[i] / c2).squareRoot() + eps)
                    expected[i] = expected[i] - change
                }
                #expect(Self.sameBits(p.scalars, expected), "\(S.self) step \(step) level \(level)")
            }
            #expect(p.requiresGradient && p.isLeaf)
        }
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            check(Float.self, level: level)
            check(Double.self, level: level)
        }
    }

    /// Adam writes in place only what nothing else holds: a copy of the parameter keeps
    /// its values (the first step moves each by η against its gradient's sign).
    @Test func adamStepLeavesCopiesOfTheParametersAlone() {
        var p = Tensor<Float>([1, 2, 3]).requiringGradient()
        let copy = p
        let optimizer = Adam<Float>(learningRate: 0.5)
        (p * p).sum().backward()
        optimizer.update(&p)
        #expect(copy.scalars == [1, 2, 3])
        let once = p.scalars
        #expect(zip(once, [1, 2, 3] as [Float]).allSatisfy { abs($0 - ($1 - 0.5)) < 1e-5 })
        p.zeroGradient()
        (p * p).sum().backward()
        optimizer.update(&p)  // held only by p now: in place
        #expect(copy.scalars == [1, 2, 3])
        #expect(zip(p.scalars, once).allSatisfy { $0 < $1 })
    }

    @Test func sgdStepOnZeroDimensionalAndDoubleTensors() {
        var p = Tensor<Double>(2.5).requiringGradient()
        (p * 4).backward()
        SGD<Double>(learningRate: 0.5).update(&p)
        #expect(p.scalar == 2.5 - 0.5 * 4)
    }

    /// g · f′ by the scalar table, with the chain rule's convention.
    static func reference(_ g: [Double], _ x: [Double], _ f: String) -> [Double] {
        zip(g, x).map { g, x in
            let p: Double
            switch f {
            case "tanh": p = 1 - Foundation.tanh(x) * Foundation.tanh(x)
            case "relu": p = x > 0 || x != x ? 1 : 0
            case "squared": p = 2 * x
            default: p = Foundation.exp(x)
            }
            return g == 0 || p == 0 ? 0 : g * p
        }
    }

    @Test(arguments: ["tanh", "relu", "exp", "squared"], [0, 1, 9, 64, 1027])
    func backwardRulesMatchTheScalarTable(_ f: String, _ n: Int) {
        // A seed must be finite; the inputs need not be.
        let x0 = Self.values(n, seed: 3), g0 = Self.values(n, seed: 4, finite: true)
        func apply<S: TensorScalar>(_ x: Tensor<S>) -> Tensor<S> {
            switch f {
            case "tanh": tanh(x)
            case "relu": relu(x)
            case "squared": x.squared()
            default: exp(x)
            }
        }
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            // Double: the kernel against the scalar table's formula on the same values.
            let x = Tensor<Double>(shape: [n], scalars: x0).requiringGradient()
            let y = CPUKernels.withLevel(level) { apply(x) }
            CPUKernels.withLevel(level) { y.backward(seed: Tensor(shape: [n], scalars: g0)) }
            let value = y.scalars
            let expected: [Double] = zip(g0, zip(x0, value)).map { g, xv in
                let p =
                    f == "tanh" ? 1 - xv.1 * xv.1 : f == "relu" ? (xv.0 > 0 || xv.0 != xv.0 ? 1 : 0) : f == "squared" ? 2 * xv.0 : xv.1
                return g == 0 || p == 0 ? 0 : g * p
            }
            #expect(Self.sameBits(x.grad!.scalars, expected), "\(f) level \(level)")
            // Float, against the recorded form of the same rule (a backward creating a graph).
            let xf = Tensor<Float>(shape: [n], scalars: x0.map { Float($0) })
            let gf = Tensor<Float>(shape: [n], scalars: g0.map { Float($0) })
            let a = xf.requiringGradient(), b = xf.requiringGradient()
            CPUKernels.withLevel(level) {
                apply(a).backward(seed: gf)
                apply(b).backward(seed: gf, creatingGraph: true)
            }
            #expect(Self.sameBits(a.grad!.scalars, b.grad!.detached().scalars), "\(f) Float level \(level)")
        }
        // Against libm's derivative, where the values are finite and moderate.
        let x = Tensor<Double>(shape: [n], scalars: x0).requiringGradient()
        apply(x).backward(seed: Tensor(shape: [n], scalars: g0))
        for (k, (got, want)) in zip(x.grad!.scalars, Self.reference(g0, x0, f)).enumerated()
        where want.isFinite && abs(x0[k]) < 20 {
            #expect(abs(got - want) <= 1e-12 * max(1, abs(want)), "\(f)'(\(x0[k]))")
        }
    }

    /// The cotangent of a scalar times a tensor, Σ g·x in one pass, against the product
    /// then the sum that the recorded form of the rule takes (a backward creating a graph),
    /// for either operand order, shapes whose every axis is summed, and awkward values.
    /// The kernel sums without the mask first: `xs` 0 mixes every awkward value; 1 keeps x
    /// finite, so the unmasked sum is the result, with -0 products among its terms (x
    /// negated puts -0 against g's +0 and +0 against -0); 2 puts infinities and NaN only
    /// where g is 0, so the chain sum is finite but the unmasked one is not and the masked
    /// pass must redo it.
    @Test(arguments: [[2], [7], [16], [33], [48], [79], [3, 11], [2, 3, 170]], [0, 1, 2])
    func scalarFactorCotangentEqualsTheProductThenTheSum(_ shape: [Int], _ xs: Int) {
        let n = shape.reduce(1, *)
        let g0 = Self.values(n, seed: 6, finite: true)
        var x0 = xs == 0 ? Self.values(n, seed: 5) : Self.values(n, seed: 5, finite: true).map { -$0 }
        if xs == 2 {
            let awkward: [Double] = [.infinity, .nan, -.infinity]
            for k in 0..<n where g0[k] == 0 { x0[k] = awkward[k % 3] }
        }
        func check<S: TensorScalar>(_: S.Type, level: CPUKernels.Level) {
            let x = Tensor<S>(shape: shape, scalars: x0.map { S($0) })
            let g = Tensor<S>(shape: shape, scalars: g0.map { S($0) })
            let a = Tensor<S>(1.5).requiringGradient(), b = Tensor<S>(1.5).requiringGradient()
            CPUKernels.withLevel(level) {
                (a * x).backward(seed: g)
                (x * a).backward(seed: g)
                (b * x).backward(seed: g, creatingGraph: true)
                (x * b).backward(seed: g, creatingGraph: true)
            }
            #expect(a.grad!.shape == [])
            #expect(Self.sameBits(a.grad!.scalars, b.grad!.detached().scalars), "\(S.self) \(shape) level \(level)")
            let products = zip(g0, x0).map { g, x in S(g) == 0 || S(x) == 0 ? 0 : S(g) * S(x) }
            let once = Tensor<S>(shape: [n], scalars: products).sum().scalar
            #expect(Self.sameBits(a.grad!.scalars, [once + once]), "\(S.self) \(shape) level \(level)")
        }
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            check(Float.self, level: level)
            check(Double.self, level: level)
        }
    }

    /// The cotangent of a one-scalar operand added to a tensor (a bias) is the
    /// whole-tensor sum of the upstream cotangent, to the bit, for a 0-d bias and ones
    /// with axes of extent 1, and against the sum along axes where the broadcast tensor
    /// has an axis of extent 1 (then summed axis by axis), in Float and Double.
    @Test(arguments: [([3, 4], [Int]()), ([3, 4], [1]), ([3, 4], [1, 1]), ([7], [1, 1]), ([2, 1], [1]), ([0, 3], [])])
    func scalarBiasCotangentIsTheSumOfTheUpstream(_ shape: [Int], _ biasShape: [Int]) {
        let n = shape.reduce(1, *)
        let g0 = Self.values(n, seed: 8, finite: true)
        func check<S: TensorScalar>(_: S.Type) {
            let g = Tensor<S>(shape: shape, scalars: g0.map { S($0) })
            let x = Tensor<S>(zeros: shape)
            let b = Tensor<S>(zeros: biasShape).requiringGradient()
            (x + b).backward(seed: g)
            // [2, 1] + [1] and [7] + [1, 1] ([1, 7]) keep an axis of extent 1: a sum
            // along the other axis alone (the axis kernel, whose rounding differs).
            let want =
                shape == [2, 1] ? g.sum(alongAxes: 0) : biasShape.count > shape.count ? g.reshaped(to: [1, n]).sum(alongAxes: 1) : g.sum()
            #expect(b.grad!.shape == biasShape)
            #expect(Self.sameBits(b.grad!.scalars, want.scalars), "\(S.self) \(shape) + \(biasShape)")
        }
        check(Float.self)
        check(Double.self)
    }

    /// Whole-tensor sums give the portable kernel's bits at every instruction-set level.
    @Test(arguments: [0, 1, 15, 16, 17, 1000, 4099])
    func sumsAgreeAtEveryLevel(_ n: Int) {
        let x0 = Self.values(n, seed: 7, finite: true)
        let xf = Tensor<Float>(shape: [n], scalars: x0.map { Float($0) }), xd = Tensor<Double>(shape: [n], scalars: x0)
        let portable = CPUKernels.withLevel(.portable) { (xf.sum().scalar, xd.sum().scalar) }
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            let sums = CPUKernels.withLevel(level) { (xf.sum().scalar, xd.sum().scalar) }
            #expect(sums.0.bitPattern == portable.0.bitPattern && sums.1.bitPattern == portable.1.bitPattern, "level \(level)")
        }
    }

    @Test func zeroDimensionalBackwardRules() {
        let x = Tensor<Float>(0.5).requiringGradient()
        let y = tanh(x)
        let t = y.scalar
        y.backward()
        #expect(x.grad!.scalar == 1 - t * t)
    }

    @Test func slicesOfTheFirstAxisShareTheBufferAndStayValues() {
        let base = Tensor<Float>(shape: [4, 3], scalars: (0..<12).map(Float.init))
        let rows = base[1..<3]
        #expect(rows.shape == [2, 3])
        #expect(rows.scalars == [3, 4, 5, 6, 7, 8])
        let row = rows[1]  // a view of a view
        #expect(row.scalars == [6, 7, 8])
        #expect(base.slice(along: 1, range: 1..<2).scalars == [1, 4, 7, 10])  // strided: copied
        #expect(base[0..<0].shape == [0, 3])
        var changed = rows
        changed += 1  // a new buffer: the base and the view keep their values
        #expect(base.scalars == (0..<12).map(Float.init))
        #expect(rows.scalars == [3, 4, 5, 6, 7, 8])
        #expect(changed.scalars == [4, 5, 6, 7, 8, 9])
    }

    /// A view keeps its owner's block: after the owner is gone, blocks of that size class
    /// handed out again must not be the one the view reads.
    @Test func aViewOutlivesTheTensorItWasCutFrom() {
        func cut() -> Tensor<Float> { Tensor<Float>(shape: [100, 10], scalars: (0..<1000).map(Float.init))[98..<100] }
        let view = cut()
        let others = (0..<8).map { Tensor<Float>(repeating: Float($0), shape: [100, 10]) }
        #expect(view.scalars == (980..<1000).map(Float.init))
        #expect(others.allSatisfy { $0.scalars.count == 1000 })
        #expect(view[1].scalars == (990..<1000).map(Float.init))
    }

    @Test func zeroedGradientReadsAsZerosAndIsReplacedByTheNextBackward() {
        let x = Tensor<Double>([1, 2, 3]).requiringGradient()
        (x * x).sum().backward()
        #expect(x.grad!.scalars == [2, 4, 6])
        x.zeroGradient()
        #expect(x.grad!.scalars == [0, 0, 0])
        #expect(x.grad!.shape == [3])
        (x * 3).sum().backward()
        #expect(x.grad!.scalars == [3, 3, 3])
        x.zeroGradient()
        (x * 2).sum().backward()  // not read in between: the zeros are never made
        (x * 2).sum().backward()
        #expect(x.grad!.scalars == [4, 4, 4])
    }

    /// The mean divides its sums in place only when nothing else holds them: the mean of
    /// a 0-d tensor, or of a view, leaves its operand as it was; values equal the sum
    /// divided by the count, along any axes.
    @Test func meanLeavesItsOperandAlone() {
        let scalar = Tensor<Float>(6)
        #expect(scalar.mean().scalar == 6 && scalar.scalar == 6)
        let rows = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7])
        let row = rows[1..<2]
        #expect(row.mean().scalar == 3.5 && row.scalars == [3, 4] && rows.scalars == [1, 2, 3, 4, 5, 7])
        #expect(rows.mean(alongAxes: 0).scalars == [3, 13.0 / 3])
        #expect(rows.mean(alongAxes: 1, keepingDimensions: true).scalars == [1.5, 3.5, 6])
        #expect(rows.mean().scalar == 22.0 / 6)
        let x = Tensor<Float>([2, 4]).requiringGradient()
        x.mean().backward()
        #expect(x.grad!.scalars == [0.5, 0.5])
    }
}

import Testing
import Wengert

/// The optimiser step's fast paths: compound assignments written into a buffer that
/// nothing else holds, operations with a scalar that make no tensor of it, and the
/// backward sweep's scratch memory kept between passes. Each must give the bits of the
/// plain tensor operations and keep value semantics and recording as they were.
@Suite("In-place updates and scalar operands", .tags(.tensor))
struct InPlaceUpdateTests {
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// Scalars with zeros of both signs, infinities and NaN among them.
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        let special: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-30, 3e38]
        let random = Tensor<Float>(randomNormal: [n], seed: seed).scalars
        return random.enumerated().map { k, v in k % 4 == 0 ? special[(k / 4) % special.count] : v * 3 }
    }

    typealias Assignment = (inout Tensor<Float>, Tensor<Float>) -> Void
    static var operations: [(String, Assignment, (Tensor<Float>, Tensor<Float>) -> Tensor<Float>)] {
        [
            ("+=", { $0 += $1 }, { $0 + $1 }), ("-=", { $0 -= $1 }, { $0 - $1 }),
            ("*=", { $0 *= $1 }, { $0 * $1 }), ("/=", { $0 /= $1 }, { $0 / $1 }),
        ]
    }

    /// Same-shape, one-scalar and broadcast right operands, at every kernel level: the
    /// compound assignment equals the operation, and a copy taken before keeps its values.
    @Test(arguments: [0, 1, 2, 9, 1000])
    func compoundAssignmentEqualsTheOperationAndLeavesCopiesAlone(_ n: Int) {
        let a0 = Self.values(n, seed: 3), b0 = Self.values(n, seed: 4)
        let right: [Tensor<Float>] = [
            Tensor(shape: [n], scalars: b0), Tensor(1.5), Tensor(shape: [1], scalars: [-0.0]),
            Tensor(shape: [1, n], scalars: b0),
        ]
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            for (name, assign, operation) in Self.operations {
                for rhs in right {
                    CPUKernels.withLevel(level) {
                        let expected = operation(Tensor(shape: [n], scalars: a0), rhs)
                        var alone = Tensor<Float>(shape: [n], scalars: a0)
                        assign(&alone, rhs)  // held by nothing else: in place
                        var shared = Tensor<Float>(shape: [n], scalars: a0)
                        let copy = shared
                        assign(&shared, rhs)  // the copy holds the buffer: a new one
                        #expect(alone.shape == expected.shape && shared.shape == expected.shape, "\(name) \(rhs.shape)")
                        #expect(Self.sameBits(alone.scalars, expected.scalars), "\(name) \(rhs.shape) level \(level)")
                        #expect(Self.sameBits(shared.scalars, expected.scalars), "\(name) \(rhs.shape) level \(level)")
                        #expect(Self.sameBits(copy.scalars, a0), "\(name) changed a copy")
                    }
                }
            }
        }
    }

    /// A view and the tensor it views are never written through each other, nor is a
    /// right operand that shares the buffer.
    @Test func viewsAndSelfAssignmentKeepValueSemantics() {
        var base = Tensor<Float>([1, 2, 3, 4])
        let view = base[1..<3]
        base += 10
        #expect(view.scalars == [2, 3])
        var row = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])[1]
        row *= 2
        #expect(row.scalars == [6, 8])
        var x = Tensor<Float>([1, 2])
        x -= x
        #expect(x.scalars == [0, 0])
    }

    /// A leaf updated inside withoutGradient keeps its identity and gradient; an interior
    /// tensor's compound assignment is still recorded.
    @Test func leavesKeepTheirIdentityAndInteriorTensorsStayRecorded() {
        var w = Tensor<Float>([1, 2]).requiringGradient()
        (w * w).sum().backward()
        withoutGradient { w -= 0.5 * w.grad! }
        #expect(w.scalars == [0, 0])
        #expect(w.isLeaf && w.requiresGradient)
        #expect(w.grad!.scalars == [2, 4])
        (w + 1).sum().backward()
        #expect(w.grad!.scalars == [3, 5])

        let x = Tensor<Float>([1, 2, 3]).requiringGradient()
        var y = x * 2
        y += Tensor<Float>([1, 1, 1])
        y *= x
        #expect(y.gradientFunctionName == "MultiplyBackward")
        y.sum().backward()
        #expect(x.grad!.scalars == [5, 9, 13])  // d/dx (2x + 1)·x = 4x + 1
    }

    /// A constant that accumulates tracked terms (`total += term`, the loss summed over
    /// a loop) becomes their recorded sum: its buffer is its own, but writing the sum
    /// there would drop the terms' gradients.
    @Test func constantsAccumulatingTrackedTermsAreRecorded() {
        let w = Tensor<Float>([1, 2]).requiringGradient()
        var total = Tensor<Float>([0, 0])
        total += w * 3
        var loss = Tensor<Float>(0)
        for k in 1...2 { loss += (Float(k) * w).sum() }
        #expect(total.requiresGradient && loss.requiresGradient)
        (total.sum() + loss).backward()
        #expect(w.grad!.scalars == [6, 6])  // 3 from total, 1 + 2 from loss
        // Under withoutGradient the same accumulation is plain (and may be in place).
        var plain = Tensor<Float>([0, 0])
        withoutGradient { plain += w * 3 }
        #expect(!plain.requiresGradient && plain.scalars == [3, 6])
    }

    /// `s op x` and `x op s` equal the operation with `s` as a 0-d tensor, to the bit,
    /// recorded when `x` is tracked and gradients are on, plain otherwise.
    @Test(arguments: [0, 1, 2, 9, 1000])
    func scalarOperandsEqualZeroDimensionalTensors(_ n: Int) {
        let x0 = Self.values(n, seed: 5)
        let scalars: [Float] = [0.37, -0.0, 0, .infinity, .nan]
        for level in CPUKernels.Level.allCases where level.rawValue <= CPUKernels.supportedLevel.rawValue {
            CPUKernels.withLevel(level) {
                let x = Tensor<Float>(shape: [n], scalars: x0)
                for s in scalars {
                    let t = Tensor<Float>(s)
                    let pairs: [(Tensor<Float>, Tensor<Float>)] = [
                        (s + x, t + x), (x + s, x + t), (s - x, t - x), (x - s, x - t),
                        (s * x, t * x), (x * s, x * t), (s / x, t / x), (x / s, x / t),
                    ]
                    for (k, (fast, plain)) in pairs.enumerated() {
                        #expect(fast.shape == plain.shape)
                        #expect(Self.sameBits(fast.scalars, plain.scalars), "pair \(k), s = \(s), level \(level)")
                    }
                }
            }
        }
        let w = Tensor<Float>([1, 2]).requiringGradient()
        let tracked = 3 - w
        #expect(tracked.gradientFunctionName == "SubtractBackward")
        (tracked * 2).sum().backward()
        #expect(w.grad!.scalars == [-2, -2])
        #expect(!withoutGradient { 2 * w }.requiresGradient)
    }

    /// The sweep's scratch memory is the thread's between passes: recordings of other
    /// sizes after each other, slices among them, and a recording two computations share
    /// (a stale mark of a reached entry would free the other's entries).
    @Test func backwardPassesOfOtherSizesShareTheScratchMemory() {
        let p = Tensor<Float>([1, 2]).requiringGradient()
        for entries in [200, 3, 60, 1, 200] {
            var y = p * 1
            for _ in 0..<entries { y = y + p[0] * 0.5 }
            y.sum().backward()
            #expect(p.grad!.scalars == [1 + Float(entries), 1])
            p.zeroGradient()
        }
        let x = Tensor<Float>([3]).requiringGradient()
        do {
            // Five entries, all reached; dropped after its backward, so the thread's
            // recording starts over for the next two, five entries again.
            let chain = (x * 1 * 1 * 1).sum()
            chain.backward()
        }
        let first = (x * x).sum(), second = (x * 4).sum()
        second.backward()  // reaches entries 4, 3 and the leaf, not first's 1 and 2
        first.backward()
        #expect(x.grad!.scalars == [1 + 6 + 4])
    }
}

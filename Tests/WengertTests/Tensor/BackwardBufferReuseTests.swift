import Testing
import Wengert

/// The first-order sweep's buffer reuse: a rule that owns its cotangent writes its last
/// product over it (products, elementwise partials), a cotangent reaching an entry twice
/// is added into the first when the sweep holds it alone, and `backward()` seeds every
/// pass with one shared buffer holding 1. Each must give the bits of the plain
/// operations and never write a buffer that something else can see.
@Suite("Backward buffer reuse", .tags(.tensor))
struct BackwardBufferReuseTests {
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// The chain rule's product (0 where either factor is 0).
    static func chain(_ g: Float, _ p: Float) -> Float { g == 0 || p == 0 ? 0 : g * p }

    /// Zeros of both signs, infinities and NaN among ordinary values.
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        let special: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-30, 3e38]
        let random = Tensor<Float>(randomNormal: [n], seed: seed).scalars
        return random.enumerated().map { k, v in k % 3 == 0 ? special[(k / 3) % special.count] : v * 2 }
    }

    /// sum(c · f(x · w)) for squared (a C kernel): the sum's cotangent, then the products
    /// with c, f's partial and w, are each written over the cotangent the rule owns; x's
    /// gradient has the bits of the chain rule applied scalar by scalar, and the saved
    /// tensors keep their values.
    @Test(arguments: [1, 11, 300])
    func rulesWrittenOverTheirCotangentKeepTheBits(_ n: Int) {
        let x0 = Self.values(n, seed: 5), w0 = Self.values(n, seed: 6), c0 = Self.values(n, seed: 7)
        let w = Tensor<Float>(shape: [n], scalars: w0), c = Tensor<Float>(shape: [n], scalars: c0)
        let x = Tensor<Float>(shape: [n], scalars: x0).requiringGradient()
        let y = x * w
        (c * y.squared()).sum().backward()
        let ys = y.scalars
        let expected = (0..<n).map { i in Self.chain(Self.chain(Self.chain(1, c0[i]), 2 * ys[i]), w0[i]) }
        #expect(Self.sameBits(x.grad!.scalars, expected))
        #expect(Self.sameBits(w.scalars, w0) && Self.sameBits(c.scalars, c0), "a saved factor changed")
    }

    /// The same for sin, tanh and abs (the scalar table's closure, a C kernel, a
    /// piecewise partial), against the sweep that may not reuse: an interior tensor
    /// that retains its gradient keeps a reference to its cotangent, so its rule makes
    /// a new buffer.
    @Test(arguments: [1, 11, 300])
    func reusedAndFreshCotangentsAgree(_ n: Int) {
        let x0 = Self.values(n, seed: 11), c0 = Self.values(n, seed: 12)
        let c = Tensor<Float>(shape: [n], scalars: c0)
        let functions: [(String, (Tensor<Float>) -> Tensor<Float>)] = [("sin", { sin($0) }), ("tanh", { tanh($0) }), ("abs", { abs($0) })]
        for (name, f) in functions {
            let reused = Tensor<Float>(shape: [n], scalars: x0).requiringGradient()
            (c * f(reused * 2)).sum().backward()
            let fresh = Tensor<Float>(shape: [n], scalars: x0).requiringGradient()
            (c * f(fresh * 2).retainingGradient()).sum().backward()
            #expect(Self.sameBits(reused.grad!.scalars, fresh.grad!.scalars), "\(name)")
        }
    }

    /// One cotangent handed to two operands (a sum's), each multiplied by a factor, and
    /// both products reaching x: neither product may be written over the shared
    /// cotangent, and the second is added into the first.
    @Test(arguments: [1, 11, 300])
    func sharedCotangentsAreNotOverwrittenAndTwoTermsAdd(_ n: Int) {
        let x0 = Self.values(n, seed: 8), a0 = Self.values(n, seed: 9), b0 = Self.values(n, seed: 10)
        let a = Tensor<Float>(shape: [n], scalars: a0), b = Tensor<Float>(shape: [n], scalars: b0)
        let x = Tensor<Float>(shape: [n], scalars: x0).requiringGradient()
        (x * a + x * b).sum().backward()
        // The sweep meets x · b first (recorded last), so its term is the first one.
        let expected = (0..<n).map { i in Self.chain(1, b0[i]) + Self.chain(1, a0[i]) }
        #expect(Self.sameBits(x.grad!.scalars, expected))
        // A third use of x: three terms, added in the order the sweep meets them.
        let z = Tensor<Float>(shape: [n], scalars: x0).requiringGradient()
        (z * a + z * b + z * a).sum().backward()
        let three = (0..<n).map { i in (Self.chain(1, a0[i]) + Self.chain(1, b0[i])) + Self.chain(1, a0[i]) }
        #expect(Self.sameBits(z.grad!.scalars, three))
    }

    /// The shared seed is never written: a rule multiplying it, a gradient that is the
    /// seed itself (the loss is the leaf), and updates of that gradient leave the next
    /// passes seeded with 1.
    @Test func theSharedSeedStaysOne() {
        let x = Tensor<Float>(2).requiringGradient()
        for _ in 0..<3 { (x * 3).backward() }
        #expect(x.grad!.scalar == 9)
        let leaf = Tensor<Float>(shape: [1], scalars: [5]).requiringGradient()
        leaf.backward()
        var g = leaf.grad!
        withoutGradient { g *= 7 }
        #expect(g.scalar == 7 && leaf.grad!.scalar == 1)
        let t = Tensor<Double>(shape: [1, 1], scalars: [4]).requiringGradient()
        let u = Tensor<Double>(0.5).requiringGradient()
        (t.squared() * 2).sum().backward()
        (u * 4).backward()
        #expect(t.grad!.scalars == [16] && u.grad!.scalar == 4)
        (x * 3).backward()
        #expect(x.grad!.scalar == 12)
    }
}

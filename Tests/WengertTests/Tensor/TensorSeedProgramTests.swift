import Testing
@testable import Wengert

/// The seed tutorials' figures, and recordings that stay on their own threads.
@Suite("Tensor seed programs", .tags(.tensor))
struct TensorSeedProgramTests {
    /// `wengert-examples legendre`, duplicated: PyTorch prints
    /// y = -6.2e-09 + -2.2085 * P3(1.2e-10 + 0.2555 x).
    @Test func legendreThroughCustomFunction() {
        let p3 = CustomFunction<Float>(
            forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
            backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })
        let xs = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 2000)
        let y = sin(xs)
        var p: [Tensor<Float>] = [0, -1, 0, 0.3].map { Tensor<Float>($0).requiringGradient() }
        for _ in 0..<2000 {
            let loss = (p[0] + p[1] * p3(p[2] + p[3] * xs) - y).squared().sum()
            loss.backward()
            withoutGradient {
                for i in 0..<4 {
                    p[i] -= 5e-6 * p[i].grad!
                    p[i].zeroGradient()
                }
            }
        }
        #expect(abs(p[0].scalar) < 1e-6 && abs(p[2].scalar) < 1e-6)
        #expect(abs(p[1].scalar - (-2.2085)) < 1e-3)
        #expect(abs(p[3].scalar - 0.2555) < 1e-3)
    }

    /// A Float MLP (matmul, bias broadcast, tanh, cross-entropy, Adam) learns XOR.
    @Test func floatNetworkLearnsXor() {
        let (first, last, entries) = onFreshThread {
            let inputs = Tensor<Float>(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
            let labels = [0, 1, 1, 0]
            var p = [
                Tensor<Float>(randomNormal: [2, 8], seed: 11), Tensor(zeros: [8]),
                Tensor<Float>(randomNormal: [8, 2], seed: 12), Tensor(zeros: [2]),
            ].map { $0.requiringGradient() }
            let optimizer = Adam<Float>(learningRate: 0.05)
            var first: Float = 0, last: Float = 0
            for step in 0..<300 {
                let logits = matmul(tanh(matmul(inputs, p[0]) + p[1]), p[2]) + p[3]
                let loss = softmaxCrossEntropy(logits: logits, labels: labels)
                if step == 0 { first = loss.scalar }
                last = loss.scalar
                for t in p { t.zeroGradient() }
                loss.backward()
                optimizer.update(&p)
            }
            return (first, last, Tensor<Float>.recordedEntryCount)
        }
        #expect(first > 0.5 && last < 0.05, "loss \(first) -> \(last)")
        #expect(entries == 0)
    }

    /// Each thread records into its own recording; concurrent training loops neither
    /// see nor corrupt each other's entries.
    @Test func concurrentLoopsUseSeparateRecordings() async {
        let results = await withTaskGroup(of: Double.self) { group in
            for k in 1...4 {
                group.addTask {
                    var w = Tensor<Double>([0]).requiringGradient()
                    for _ in 0..<500 {
                        let loss = (w - Double(k)).squared().sum()
                        loss.backward()
                        withoutGradient { w -= 0.1 * w.grad! }
                        w.zeroGradient()
                    }
                    return w.scalar - Double(k)
                }
            }
            var errors: [Double] = []
            for await e in group { errors.append(e) }
            return errors
        }
        #expect(results.count == 4 && results.allSatisfy { abs($0) < 1e-9 })
    }
}

#if canImport(Glibc)
import Glibc

/// A thread that records and exits hands its state back (the pthread key destructor
/// runs the release) without disturbing anything else.
@Test(.tags(.tensor)) func threadExitReleasesItsRecordings() {
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { _ in
        let x = Tensor<Double>([1, 2]).requiringGradient()
        (x * x).sum().backward()
        let y = x * 3  // a live recording at exit
        return y.scalars[0] == 3 ? nil : UnsafeMutableRawPointer(bitPattern: 1)
    }, nil)
    #expect(created == 0)
    var result: UnsafeMutableRawPointer?
    #expect(pthread_join(thread, &result) == 0)
    #expect(result == nil)
}
#endif

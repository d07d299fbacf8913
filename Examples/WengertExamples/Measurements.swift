import Wengert

#if canImport(Glibc)
import Glibc
#endif

// Timings for the report: `wengert-examples measure` (build with -c release).

@inline(never) func opaque<T>(_ x: T) -> T { x }

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func time(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    body()  // warm-up
    var best = Double.infinity
    for _ in 0..<3 { best = Swift.min(best, seconds(clock.measure(body))) }
    return best
}

func peakResidentKilobytes() -> Int {
    #if canImport(Glibc)
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") { return Int(text.split(separator: " ")[1]) ?? -1 }
    }
    #endif
    return -1
}

func linearRegressionSteps(_ steps: Int) -> Float {
    let tc = Tensor<Float>([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
    let tun = 0.1 * Tensor<Float>([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
    var params = Tensor<Float>([1, 0]).requiringGradient()
    var last: Float = 0
    for _ in 0..<steps {
        params.zeroGradient()
        let loss = (params[0] * tun + params[1] - tc).squared().mean()
        loss.backward()
        withoutGradient { params -= 1e-2 * params.grad! }
        last = loss.scalar
    }
    return last
}

func runMeasurements() {
    if CommandLine.arguments.dropFirst(2).first == "memory" { return runMemoryMeasurement() }
    // 1. Recording overhead per operation: a chain of 1000 tracked multiplies of
    //    one-element tensors, minus the same chain untracked.
    let one = Tensor<Float>([1.0001])
    let ops = 1000
    let tracked = time {
        var y = opaque(Tensor<Float>([1])).requiringGradient()
        for _ in 0..<ops { y = y * one }
        _ = opaque(y.scalar)
    }
    let plain = time {
        var y = opaque(Tensor<Float>([1]))
        for _ in 0..<ops { y = y * one }
        _ = opaque(y.scalar)
    }
    print("record: \(fmt(tracked / Double(ops) * 1e9, 1)) ns per tracked op, \(fmt(plain / Double(ops) * 1e9, 1)) ns untracked, overhead \(fmt((tracked - plain) / Double(ops) * 1e9, 1)) ns")
    let backwardChain = time {
        var y = opaque(Tensor<Float>([1])).requiringGradient()
        for _ in 0..<ops { y = y * one }
        y.backward()
    }
    if CommandLine.arguments.dropFirst(2).first == "record" {
        // Profiling aid: `perf record wengert-examples measure record`.
        var y = Tensor<Float>([1]).requiringGradient()
        for i in 0..<2_000_000 {
            y = y * one
            if i % 1000 == 0 { y = y.detached().requiringGradient() }
        }
        print(y.scalar)
        return
    }
    print("record + backward: \(fmt(backwardChain / Double(ops) * 1e9, 1)) ns per op")

    // 2. Elementwise bandwidth: a + b on 4M Floats (12 bytes moved per element) vs memcpy.
    let n = 1 << 22
    let a = Tensor<Float>(repeating: 1, shape: [n]), b = Tensor<Float>(repeating: 2, shape: [n])
    let add = time { _ = opaque(opaque(a) + opaque(b)) }
    var destination = [Float](repeating: 0, count: n)
    let source = [Float](repeating: 3, count: n)
    let copy = time {
        destination.withUnsafeMutableBytes { d in
            source.withUnsafeBytes { s in CPUBackend().copyBytes(d.baseAddress!, s.baseAddress!, count: s.count) }
        }
    }
    print("a + b (4M Float): \(fmt(Double(12 * n) / add / 1e9, 1)) GB/s; memcpy: \(fmt(Double(8 * n) / copy / 1e9, 1)) GB/s")

    // 3. The seed loops.
    let clock = ContinuousClock()
    let lr = seconds(clock.measure { _ = opaque(linearRegressionSteps(5000)) })
    print("linear-regression 5000 epochs: \(fmt(lr * 1e3, 1)) ms")
    let sc = seconds(clock.measure { sinCubicAutograd(Float.self) })
    print("sin-cubic autograd 2000 steps (Float): \(fmt(sc * 1e3, 1)) ms")

    // 4. One MLP training step, 784-256-10, batch 64, Float.
    let x = Tensor<Float>(randomNormal: [64, 784], seed: 1)
    let labels = (0..<64).map { $0 % 10 }
    var p = [
        Tensor<Float>(randomNormal: [784, 256], standardDeviation: 0.05, seed: 2), Tensor(zeros: [256]),
        Tensor<Float>(randomNormal: [256, 10], standardDeviation: 0.05, seed: 3), Tensor(zeros: [10]),
    ].map { $0.requiringGradient() }
    let optimizer = Adam<Float>()
    let step = time {
        for _ in 0..<10 {
            let logits = matmul(relu(matmul(x, p[0]) + p[1]), p[2]) + p[3]
            let loss = softmaxCrossEntropy(logits: logits, labels: labels)
            for t in p { t.zeroGradient() }
            loss.backward()
            optimizer.update(&p)
        }
    }
    print("MLP 784-256-10 batch 64 step: \(fmt(step / 10 * 1e3, 3)) ms")
    let flops = 2.0 * 512 * 512 * 512
    let m = Tensor<Float>(randomNormal: [512, 512], seed: 4)
    let gemm = time { _ = opaque(matmul(opaque(m), m)) }
    print("matmul 512x512 Float: \(fmt(flops / gemm / 1e9, 1)) GFLOP/s")

    print("peak RSS: run `wengert-examples measure memory` (a fresh process)")
}

/// Peak resident memory after 1e3 and then 1e5 more linear-regression training steps,
/// in a process that does nothing else.
func runMemoryMeasurement() {
    _ = linearRegressionSteps(1000)
    let after3 = peakResidentKilobytes()
    _ = linearRegressionSteps(100_000)
    let after5 = peakResidentKilobytes()
    _ = linearRegressionSteps(100_000)
    let after10 = peakResidentKilobytes()
    print("peak RSS after 1e3 steps: \(after3) kB; after 1e5 more: \(after5) kB; after 1e5 more: \(after10) kB")
}

func sinCubicAutograd<S: TensorScalar>(_: S.Type) {
    let x = Tensor<S>(linspace: -S.pi, S.pi, count: 2000)
    let y = sin(x)
    var p = (0..<4).map { Tensor<S>(S($0) * 0.1).requiringGradient() }
    for _ in 0..<2000 {
        let loss = (p[0] + p[1] * x + p[2] * pow(x, n: 2) + p[3] * pow(x, n: 3) - y).squared().sum()
        loss.backward()
        withoutGradient {
            for i in 0..<4 {
                p[i] -= 1e-6 * p[i].grad!
                p[i].zeroGradient()
            }
        }
    }
}

import Testing
@testable import Wengert
@testable import WengertExamples

/// Tensors whose scalars live on the OpenCL device: every operation and backward rule
/// runs there through the backend, and gives the CPU's numbers. Without an OpenCL
/// platform each test prints why it was skipped (CI installs PoCL: .ci/run).
@Suite("Tensors on an OpenCL device", .enabled(if: openCLAvailable, openCLSkipReason))
struct TensorOnDeviceTests {
    /// The device column of the operation table: values and partials of every operation
    /// at the table's sample points, on the device against the CPU.
    @Test("every operation's value and backward on the device agree with the CPU's",
          arguments: ScalarOperation.allCases)
    func operationTableOnTheDevice(_ op: ScalarOperation) throws {
        let gpu = try #require(Device.openCL)
        guard gpu.supportsDouble else {
            Issue.record("the OpenCL device has no fp64; the table runs in Double")
            return
        }
        let points = op.samplePoints
        let cpu = tensorPartials(op, points)
        let device = tensorPartials(op, points, on: gpu)
        #expect(agree(device.value, cpu.value, relative: 1e-12), "\(op) value: \(firstDisagreement(device.value, cpu.value, relative: 1e-12))")
        #expect(agree(device.x, cpu.x, relative: 1e-12), "\(op) ∂x: \(firstDisagreement(device.x, cpu.x, relative: 1e-12))")
        #expect(agree(device.y, cpu.y, relative: 1e-12), "\(op) ∂y: \(firstDisagreement(device.y, cpu.y, relative: 1e-12))")
    }

    /// The public API's devices snippet, with the leaf that makes `backward()` meaningful.
    @Test func apiSnippetRunsOnTheDeviceAndMatchesTheCPU() throws {
        let gpu = try #require(Device.openCL)
        let a = Tensor<Float>(randomNormal: [64, 64], seed: 1).moved(to: gpu).requiringGradient()
        let b = matmul(a, a).sum()
        b.backward()
        #expect(b.device == gpu)
        let grad = try #require(a.grad)
        #expect(grad.device == gpu)
        let c = Tensor<Float>(randomNormal: [64, 64], seed: 1).requiringGradient()
        let d = matmul(c, c).sum()
        d.backward()
        #expect(agree(b.scalars, d.scalars, relative: 1e-4))
        #expect(agree(grad.scalars, c.grad!.scalars, relative: 1e-4), "\(firstDisagreement(grad.scalars, c.grad!.scalars, relative: 1e-4))")
    }

    /// A lazy expression on the device runs its steps as the device's tensor operations,
    /// forward and backward, and gives the CPU's fused numbers.
    @Test func lazyExpressionOnTheDeviceMatchesTheFusedCPU() throws {
        let gpu = try #require(Device.openCL)
        func program(_ device: Device) -> (value: [Float], grads: [Float]) {
            let x = Tensor<Float>(shape: [3, 4], scalars: testScalars(12, seed: 5), on: device).requiringGradient()
            let w = Tensor<Float>(shape: [], scalars: [0.7], on: device).requiringGradient()
            let row = Tensor<Float>(shape: [1, 4], scalars: testScalars(4, seed: 6), on: device)
            let e = tanh(x.lazy * w.lazy + row.lazy) * sigmoid(x.lazy) - sqrt(x.lazy.squared() + LazyTensor(1))
            let out = e.mean()
            out.backward()
            #expect(out.device == device && x.grad!.device == device)
            return (out.scalars + e.evaluated().scalars, x.grad!.scalars + w.grad!.scalars)
        }
        let cpu = program(.cpu), device = program(gpu)
        #expect(agree(device.value, cpu.value, relative: 1e-5), "\(firstDisagreement(device.value, cpu.value, relative: 1e-5))")
        #expect(agree(device.grads, cpu.grads, relative: 1e-4), "\(firstDisagreement(device.grads, cpu.grads, relative: 1e-4))")
    }

    /// Shapes, reductions, indexing, selection and broadcasting, forward and backward.
    @Test func shapeReductionAndIndexingRulesOnTheDevice() throws {
        let gpu = try #require(Device.openCL)
        func program(_ device: Device) -> (value: [Float], grad: [Float]) {
            let x = Tensor<Float>(shape: [3, 4], scalars: testScalars(12, seed: 3), on: device).requiringGradient()
            let row = Tensor<Float>(shape: [1, 4], scalars: testScalars(4, seed: 4), on: device)
            let y = (x * row + 1).transposed()                        // broadcast, transpose
            let z = Tensor(concatenating: [y.slice(along: 0, range: 1..<3), y[0].reshaped(to: [1, 3])], alongAxis: 0)
            let picked = z.gathering(along: 1, indices: [2, 0, 2])      // repeated index
            let mask = picked .> Tensor(0)
            let chosen = picked.replacing(with: -picked, where: mask)
            let out = chosen.max(alongAxes: 1).sum() + softmax(z).mean() + z.min() * 2 + relu(z).mean(alongAxes: 0).sum()
            out.backward()
            return (out.scalars, x.grad!.scalars)
        }
        let cpu = program(.cpu), device = program(gpu)
        #expect(agree(device.value, cpu.value, relative: 1e-5))
        #expect(agree(device.grad, cpu.grad, relative: 1e-5, absolute: 1e-6), "\(firstDisagreement(device.grad, cpu.grad, relative: 1e-5, absolute: 1e-6))")
    }

    /// The mlp example trains on the device and prints the CPU's figures.
    @Test func mlpExampleOnTheDeviceGivesTheCPUsFigures() throws {
        let gpu = try #require(Device.openCL)
        let cpu = mlp(steps: 60, log: { _ in })
        let device = mlp(steps: 60, on: gpu, log: { _ in })
        #expect(cpu.count == device.count)
        for (c, d) in zip(cpu, device) {
            #expect(Swift.abs(c.loss - d.loss) <= 1e-4 * Swift.max(1, Swift.abs(c.loss)), "step \(c.step): \(c.loss) vs \(d.loss)")
            #expect(c.accuracy == d.accuracy, "step \(c.step): \(c.accuracy)% vs \(d.accuracy)%")
        }
    }

    /// The seed loops on the device: linear regression by autograd with a no-gradient
    /// update, and the sin cubic fit with SGD.
    @Test func seedLoopsOnTheDeviceGiveTheCPUsFigures() throws {
        let gpu = try #require(Device.openCL)
        func linear(_ device: Device) -> [Float] {
            let tc = Tensor<Float>(shape: [11], scalars: [0.5, 14, 15, 28, 11, 8, 3, -4, 6, 13, 21], on: device)
            let tu = Tensor<Float>(shape: [11], scalars: [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4], on: device)
            let tun = 0.1 * tu
            var params = Tensor<Float>([1, 0]).moved(to: device).requiringGradient()
            for _ in 0..<200 {
                params.zeroGradient()
                let loss = (params[0] * tun + params[1] - tc).squared().mean()
                loss.backward()
                withoutGradient { params -= 1e-2 * params.grad! }
            }
            return params.scalars
        }
        func cubic(_ device: Device) -> [Float] {
            let x = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 200).moved(to: device)
            let y = sin(x)
            var coefficients = Tensor<Float>(zeros: [4], on: device).requiringGradient()
            let optimizer = SGD<Float>(learningRate: 1e-6)
            for _ in 0..<50 {
                let prediction = coefficients[0] + coefficients[1] * x + coefficients[2] * x.squared() + coefficients[3] * pow(x, 3)
                let loss = (prediction - y).squared().sum()
                coefficients.zeroGradient()
                loss.backward()
                optimizer.update(&coefficients)
            }
            return coefficients.scalars
        }
        #expect(agree(linear(gpu), linear(.cpu), relative: 1e-4))
        #expect(agree(cubic(gpu), cubic(.cpu), relative: 1e-4, absolute: 1e-8))
    }

    /// The random tensor programs of the verification suite, on the device against the
    /// CPU: values and every leaf's gradient (shared subexpressions, NaN conventions).
    @Test func randomTensorProgramsOnTheDeviceAgreeWithTheCPU() throws {
        let gpu = try #require(Device.openCL)
        guard gpu.supportsDouble else {
            Issue.record("the OpenCL device has no fp64; the programs run in Double")
            return
        }
        var failures: [String] = []
        for seed in 1...150 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            func run(_ device: Device) -> (value: Double, grads: [Double]) {
                let leaves = p.inputs.map { Tensor<Double>([$0]).moved(to: device).requiringGradient() }
                let out = evaluateOnTensors(p, leaves)
                out.sum().backward()
                return (out.scalars[0], leaves.map { $0.grad?.scalars[0] ?? 0 })
            }
            let cpu = run(.cpu), device = run(gpu)
            if !agree([device.value], [cpu.value], relative: 1e-12)
                || zip(device.grads, cpu.grads).contains(where: { !matchesConvention($0, $1, tolerance: 1e-10) })
            {
                failures.append("seed \(seed): \(device) vs \(cpu)\n\(p)")
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    /// `gradientCheck` of a tensor function whose inputs live on the device: the
    /// backward pass there against central differences evaluated there.
    @Test func gradientCheckRunsOnTheDevice() throws {
        let gpu = try #require(Device.openCL)
        guard gpu.supportsDouble else {
            Issue.record("the OpenCL device has no fp64; the check runs in Double")
            return
        }
        let w = Tensor<Double>(shape: [3, 2], scalars: testScalars(6, seed: 11), on: gpu)
        let x = Tensor<Double>(shape: [4, 3], scalars: testScalars(12, seed: 12), on: gpu)
        let report = gradientCheck(of: { t in (tanh(matmul(t[1], t[0])) * exp(t[1].sum(alongAxes: 1, keepingDimensions: true))).mean() }, at: [w, x])
        #expect(report.passed, "\(report)")
    }

    /// The ODE solvers read states on the host: a device state stops, saying to move it.
    @Test func odeSolversStopOnADeviceState() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = odeint(y0: Tensor<Float>([1]).moved(to: Device.openCL!), times: [0, 1]) { y, _, _ in -y }
        }
        #expect(standardError(of: result).contains("the ODE solvers run on the CPU; y0 is on openCL:"))
    }

    /// In a steady training loop the device's arena hands back cached buffers: after the
    /// first steps no buffer comes from clCreateBuffer (nor host memory from malloc), over
    /// 1,000 steps of the mlp example's network. Each device runs in its own process, so
    /// that no other test shares the arenas while they are counted.
    @Test func steadyTrainingAllocatesNoBuffersOnTheCPU() async {
        await #expect(processExitsWith: .success) { try expectSteadyTrainingAllocatesNothing(on: .cpu) }
    }

    @Test func steadyTrainingAllocatesNoBuffersOnTheDevice() async {
        await #expect(processExitsWith: .success) { try expectSteadyTrainingAllocatesNothing(on: #require(Device.openCL)) }
    }
}

/// Trains the mlp example's network for 10 steps, then 1,000 more, and stops the process
/// (failing its exit test) if the device's arena called the system allocator in those.
func expectSteadyTrainingAllocatesNothing(on device: Device) throws {
    let arena = try device.makeBackend().arena
    var model = TwoLayerNetwork().moved(to: device)
    let optimizer = Adam<Float>(learningRate: 0.01)
    let inputs = Tensor<Float>(randomNormal: [64, 2], seed: 5).moved(to: device)
    let labels = (0..<64).map { $0 % 2 }
    func step() {
        let loss = softmaxCrossEntropy(logits: model(inputs), labels: labels)
        model.zeroGradient()
        loss.backward()
        optimizer.update(&model)
    }
    for _ in 0..<10 { step() }
    let before = arena.statistics.systemAllocations
    for _ in 0..<1000 { step() }
    let after = arena.statistics.systemAllocations
    precondition(after == before, "\(device): \(after - before) system allocations in 1,000 steady steps")
}

extension Device {
    /// Whether the device computes in Double (the CPU always does).
    var supportsDouble: Bool { openCLProperties?.supportsDouble ?? (kind == .cpu) }
}

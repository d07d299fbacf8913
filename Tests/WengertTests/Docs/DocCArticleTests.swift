import Foundation
import Testing
@testable import Wengert
@testable import WengertBench

// The DocC articles' code (Sources/Wengert/Wengert.docc), run as written: each test holds
// its article's ```swift blocks verbatim, then checks what the article's comments claim.
// `everySwiftBlockIsInThisFile` reads the articles and this file, so they cannot drift.

@Suite("DocC articles")
struct DocCArticleTests {
    @Test func landingPage() {
        func model<T: DifferentiableScalar>(_ x: [T]) -> T {
            x[0] * x[0] * x[1] + 3 * x[1]
        }

        let x: [Double] = [2, 5]
        let g = gradient(of: model, at: x)              // [20, 7]: reverse mode
        let gf = Forward.gradient(of: model, at: x)     // [20, 7]: forward mode
        let H = hessian(of: model, at: x)               // [[10, 4], [4, 0]]: forward over reverse

        #expect(g == [20, 7] && gf == [20, 7])
        #expect(H == [[10, 4], [4, 0]])
    }

    @Test func modes() {
        func energy<T: DifferentiableScalar>(_ x: [T]) -> T {
            var s: T = 0
            for i in 0..<(x.count - 1) {
                let a = x[i + 1] - x[i] * x[i]
                s += 100 * a * a + (1 - x[i]) * (1 - x[i])
            }
            return s
        }

        let x: [Double] = [0.5, 0.6, 0.7]
        let reverse = gradient(of: energy, at: x)            // one recording, one backward sweep
        let forward = Forward.gradient(of: energy, at: x)    // ⌈n/8⌉ sweeps of 8-lane duals
        let H = hessian(of: energy, at: x)                   // forward over reverse
        let Hv = hessianVectorProduct(of: energy, at: x, along: [1, 0, 0])   // H's first column

        let expected = FiniteDifferences.gradient(of: energy, at: x)
        for i in 0..<3 {
            #expect(Swift.abs(reverse[i] - forward[i]) < 1e-12)
            #expect(Swift.abs(reverse[i] - expected[i]) < 1e-6)
            #expect(Swift.abs(Hv[i] - H[i][0]) < 1e-12)
        }

        let slope = derivative(of: { x in x * x * x }, at: 2.0)                            // 12
        let curvature = derivative(of: { x in derivative(of: { y in y * y * y }, at: x) }, at: 2.0)  // 12
        #expect(slope == 12 && curvature == 12)

        let tape = Tape<Double>()
        let a = tape.variable(3.0), b = tape.variable(4.0)
        let z = a * b + a * a
        let adjoints = tape.gradient(of: z)      // adjoints[a] == 4 + 6, adjoints[b] == 3
        tape.reset()
        #expect(adjoints[a] == 10 && adjoints[b] == 3)
    }

    @Test func tensorsAndTraining() {
        let w = Tensor<Double>([1, 2, 3]).requiringGradient()
        let h = (w * 2).retainingGradient()          // an interior tensor that keeps its gradient
        let loss = (h * h).sum()
        loss.backward()
        let leafGradient = w.grad!.scalars           // [8, 16, 24]
        let interiorGradient = h.grad!.scalars       // [4, 8, 12]
        let name = loss.gradientFunctionName         // "SumBackward"
        #expect(leafGradient == [8, 16, 24] && interiorGradient == [4, 8, 12] && name == "SumBackward")

        struct Regressor: Layer {
            var hidden = Linear<Float>(inputSize: 1, outputSize: 8, seed: 1)
            var output = Linear<Float>(inputSize: 8, outputSize: 1, seed: 2)

            func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
                output(tanh(hidden(x)))
            }
        }

        let inputs = Tensor<Float>(shape: [64, 1], scalars: (0..<64).map { Float($0) / 32 - 1 })
        let targets = inputs * inputs
        var regressor = Regressor()
        let optimizer = Adam<Float>(learningRate: 0.02)
        let before = meanSquaredError(predicted: regressor(inputs), expected: targets).scalar
        for _ in 0..<300 {
            let loss = meanSquaredError(predicted: regressor(inputs), expected: targets)
            regressor.zeroGradient()
            loss.backward()
            optimizer.update(&regressor)
        }
        let after = withoutGradient { meanSquaredError(predicted: regressor(inputs), expected: targets).scalar }
        #expect(after < before / 10, "loss \(before) -> \(after)")
    }

    @Test func secondDerivatives() {
        let x = Tensor<Double>([0.5, -1, 2]).requiringGradient()
        let y = (x * x * x).sum()
        let g = gradients(of: y, withRespectTo: [x], creatingGraph: true)[0]   // 3x², tracked
        let h = gradients(of: g.sum(), withRespectTo: [x])[0]                  // 6x: [3, -6, 12]

        let f = { (x: Tensor<Double>) in (sin(x) * x).sum() }
        let hv = hessianVectorProduct(of: f, at: x, along: Tensor([1, 0, 0]))  // H's first column
        let H = hessian(of: f, at: x)                                          // shape [3, 3]
        let J = Reverse.jacobian(of: { x in x.squared() }, at: x)             // diag(2x), by rows
        #expect(g.requiresGradient && h.scalars == [3, -6, 12])
        #expect(H.shape == [3, 3] && hv.scalars == [H.scalars[0], H.scalars[3], H.scalars[6]])
        #expect(J.scalars == [1, 0, 0, 0, -2, 0, 0, 0, 4])
    }

    @Test func fusingAnElementwiseChain() {
        let w = Tensor<Float>(randomNormal: [100_000], seed: 1).requiringGradient()
        let x = Tensor<Float>(randomNormal: [100_000], seed: 2)
        let loss = (sin(w.lazy) * x.lazy + exp(w.lazy * LazyTensor(0.5))).mean()   // one entry
        loss.backward()                                  // one fused pass backward
        let sameAsEager = (sin(w) * x + exp(w * 0.5)).mean()   // equal up to rounding
        #expect(loss.gradientFunctionName == "FusedBackward")
        #expect(Swift.abs(loss.scalar - sameAsEager.scalar) <= 1e-5 * Swift.max(1, Swift.abs(sameAsEager.scalar)))
        let fusedGradient = w.grad!.scalars
        w.zeroGradient()
        sameAsEager.backward()
        #expect(zip(fusedGradient, w.grad!.scalars).allSatisfy { Swift.abs($0 - $1) <= 1e-6 * Swift.max(1, Swift.abs($1)) })
    }

    @Test func neuralODEs() throws {
        let rate = Tensor<Double>([-0.5]).requiringGradient()
        let y0 = Tensor<Double>([2.0])
        let ys = odeint(y0: y0, times: [0, 0.5, 1], parameters: [rate]) { y, t, p in y * p[0] }
        let y1 = ys[2]                       // y(1) = 2 e^(-0.5)
        y1.sum().backward()                  // rate.grad = dy(1)/d rate = 2 e^(-0.5)

        #expect(ys.shape == [3, 1])
        #expect(Swift.abs(y1.scalars[0] - 2 * Foundation.exp(-0.5)) < 1e-6)
        let g = try #require(rate.grad).scalars[0]
        #expect(Swift.abs(g - 2 * Foundation.exp(-0.5)) < 1e-4)
    }

    @Test func devices() {
        let x = Tensor<Float>([1, 2, 3])
        let here = x.device                          // Device.cpu
        let gpu = Device.openCL ?? .cpu              // the CPU where there is no OpenCL device
        let w = Tensor<Float>(randomNormal: [3, 3], seed: 1).moved(to: gpu).requiringGradient()
        let loss = matmul(x.reshaped(to: [1, 3]).moved(to: gpu), w).squared().sum()
        loss.backward()                              // runs on gpu; w.grad lives there too
        let value = loss.scalar                      // reading a value downloads it

        #expect(here == .cpu)
        if gpu == .cpu { print("Devices article: ran on the CPU: \(Device.openCLUnavailableReason ?? "no OpenCL device")") }
        #expect(w.grad?.device == gpu && loss.device == gpu)
        let cpu = matmul(x.reshaped(to: [1, 3]), Tensor<Float>(randomNormal: [3, 3], seed: 1)).squared().sum().scalar
        #expect(Swift.abs(value - cpu) <= 1e-4 * Swift.abs(cpu))
    }

    @Test func gradientChecks() throws {
        let report = gradientCheck(of: { x in x[0] * x[0] * x[1] + 3 * x[1] }, at: [1.5, -2.0])
        let passed = report.passed                                      // true
        let cube = CustomFunction<Double>(forward: { x in x * x * x },
                                          backward: { x, upstream in upstream * 2 * x * x })   // wrong: 3x²
        let caught = !gradientCheck(of: { x in cube(x).sum() }, at: Tensor<Double>([0.5, -1.5])).passed
        #expect(passed && caught)

        do {
            try withAnomalyDetection {
                let x = Tensor<Double>([1, 2, 3]).requiringGradient()
                log(x - 5).sum().backward()
            }
        } catch let anomaly as Anomaly {
            print(anomaly)
            // Wengert anomaly in the forward pass: log, applied to an input of shape [3], produced
            // the non-finite value nan at element 0 (values there: -4.0); operations before it gave finite values.
        }

        // The same again, to check the printed sentence.
        let anomaly = #expect(throws: Anomaly.self) {
            try withAnomalyDetection { log(Tensor<Double>([1, 2, 3]).requiringGradient() - 5).sum().backward() }
        }
        #expect(anomaly?.description == "Wengert anomaly in the forward pass: log, applied to an input of shape [3], "
            + "produced the non-finite value nan at element 0 (values there: -4.0); operations before it gave finite values.")
    }

    /// Performance.md's commands are shell, not Swift: each must be accepted by the harness.
    @Test func performanceCommandsParse() throws {
        let commands = try Self.codeBlocks(in: "Performance.md", language: "sh").flatMap { $0 }
        #expect(commands.count >= 7)
        for command in commands {
            let prefix = "swift run -c release wengert-bench"
            #expect(command.hasPrefix(prefix), "\(command)")
            let arguments = command.dropFirst(prefix.count).split(separator: " ").map(String.init)
            #expect(throws: Never.self, "\(command)") { _ = try Options(arguments: arguments) }
        }
    }

    @Test func everySwiftBlockIsInThisFile() throws {
        let here = try Self.trimmedLines(String(contentsOfFile: #filePath, encoding: .utf8)).joined(separator: "\n")
        let articles = try FileManager.default.contentsOfDirectory(atPath: Self.catalog.path).filter { $0.hasSuffix(".md") }
        #expect(articles.count == 7, "\(articles)")
        var blocks = 0
        for article in articles {
            for block in try Self.codeBlocks(in: article, language: "swift") {
                blocks += 1
                #expect(here.contains(block.joined(separator: "\n")), "\(article): a swift block is not in DocCArticleTests:\n\(block.joined(separator: "\n"))")
            }
        }
        #expect(blocks >= 10)
    }

    static let catalog = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Wengert/Wengert.docc")

    /// Lines without their leading and trailing blanks, empty ones dropped: indentation
    /// differs between an article and a test body.
    static func trimmedLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The fenced blocks of `language` in the article, each as trimmed lines.
    static func codeBlocks(in article: String, language: String) throws -> [[String]] {
        let text = try String(contentsOf: catalog.appendingPathComponent(article), encoding: .utf8)
        var blocks: [[String]] = [], current: [String]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```" + language) { current = []; continue }
            if current != nil, line.hasPrefix("```") { blocks.append(trimmedLines(current!.joined(separator: "\n"))); current = nil; continue }
            current?.append(String(line))
        }
        return blocks
    }
}

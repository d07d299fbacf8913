import Testing
import Wengert
@testable import WengertBench

/// `wengert-bench --neural-ode`, in a tiny configuration: both modes in both precisions,
/// gradients that agree, the evaluations the modes imply, and the memory table.
@Suite("wengert-bench --neural-ode", .tags(.ode))
struct NeuralODEBenchTests {
    @Test func theReportRunsBothModesAndTheyAgree() throws {
        let options = try Options(arguments: ["--neural-ode", "--quick"])
        #expect(options.neuralODE && options.quick)
        // The memory table runs this executable in child processes: not from a test.
        let (text, agreed) = NeuralODEBenchmark.report(iterations: 1, scales: [])
        #expect(agreed, "\(text)")
        #expect(text.contains("| adjoint | Float |") && text.contains("| backpropagation | Double |"))
        let memory = try Options(arguments: ["--neural-ode-memory", "10", "backpropagation"])
        #expect(memory.neuralODEMemoryScale == 10 && !memory.neuralODEMemoryAdjoint)
        #expect(throws: UsageError.self) { try Options(arguments: ["--neural-ode-memory", "0", "adjoint"]) }
        let (bytes, steps) = NeuralODEBenchmark.peakMemoryOfThisProcess(scale: 1, gradient: .adjoint)
        #expect((bytes ?? 1) > 0 && steps >= 1)
    }

    @Test func evaluationCountsOfTheTwoModes() {
        let benchmark = NeuralODEBenchmark()
        let adjoint = benchmark.iteration(Double.self, gradient: .adjoint)()
        let tape = benchmark.iteration(Double.self, gradient: .backpropagation)()
        // Same forward solve; the adjoint adds its backward solve, backpropagation nothing.
        #expect(adjoint.1 == tape.1 && (adjoint.1 - 2) % 6 == 0)
        #expect(adjoint.2 > adjoint.1 && tape.2 == tape.1)
        #expect(abs(adjoint.0 - tape.0) < 1e-12)
        #expect(largestDifference(adjoint.3, tape.3) < 1e-6)
    }
}

import Testing
@testable import Wengert

/// The kernels' own guard: a tensor whose scalar count is not its shape's product (which
/// only an internal error could make now that custom rules are checked) stops before a
/// loop reads past its buffer. Built from internals, hence `@testable`.
@Suite("Tensor kernel safety", .tags(.tensor))
struct TensorKernelSafetyTests {
    @Test func broadcastingRefusesAShortBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let short = Tensor<Float>(uncheckedStorage: [1, 2], shape: [4096])
            _ = short + Tensor<Float>(ones: [2, 4096])
        }
        #expect(standardError(of: result).contains("was handed a tensor of shape [4096] holding 2 scalars"))
    }

    @Test func summingACotangentRefusesAShortBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let short = Tensor<Float>(uncheckedStorage: [1, 2], shape: [2, 4096])
            _ = TensorKernels.sum(short, toShape: [4096])
        }
        #expect(standardError(of: result).contains("holding 2 scalars"))
    }

    @Test func transposeAndMatmulRefuseAShortBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let short = Tensor<Float>(uncheckedStorage: [1, 2], shape: [64, 64])
            _ = matmul(short, Tensor<Float>(ones: [64, 2]))
        }
        #expect(standardError(of: result).contains("matmul was handed a tensor of shape [64, 64] holding 2 scalars"))
    }
}

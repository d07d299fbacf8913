import Testing
import Wengert

/// Shape errors suggest the likely fix (issue 14).
@Suite("Tensor shape advice", .tags(.tensor))
struct TensorShapeAdviceTests {
    @Test func matmulSuggestsTransposing() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>(zeros: [2, 3]), Tensor<Float>(zeros: [4, 3]))
        }
        #expect(stderrText(result).contains("inner dimensions 3 and 4 differ"))
        #expect(stderrText(result).contains("Did you mean matmul(a, b.transposed()) ([2, 3] x [3, 4])?"))
    }

    @Test func columnAgainstMatrixSuggestsUnsqueezing() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [3]) + Tensor<Float>(zeros: [3, 4])
        }
        #expect(stderrText(result).contains("shapes [3] and [3, 4] do not broadcast in +."))
        #expect(stderrText(result).contains("Did you mean the left operand as [3, 1], with unsqueezed(axis: -1)"))
    }

    @Test func sameScalarsSuggestReshaping() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 3]) * Tensor<Float>(zeros: [3, 2])
        }
        #expect(stderrText(result).contains("Both hold 6 scalars: did you mean one reshaped(to:) the other's shape?"))
    }
}

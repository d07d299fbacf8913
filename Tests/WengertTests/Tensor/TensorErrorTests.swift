import Testing
@testable import Wengert

/// Programmer errors stop with a precise message (exit tests; run in debug builds).
@Suite("Tensor errors", .tags(.tensor))
struct TensorErrorTests {
    @Test func shapesThatDoNotBroadcast() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 3]) + Tensor<Float>(zeros: [4])
        }
        #expect(standardError(of: result).contains("shapes [2, 3] and [4] do not broadcast in +"))
    }

    @Test func matmulInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>(zeros: [2, 3]), Tensor<Float>(zeros: [4, 5]))
        }
        #expect(standardError(of: result).contains("matmul of shapes [2, 3] and [4, 5]: inner dimensions 3 and 4 differ"))
    }

    @Test func backwardOnNonScalarWithoutSeed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor<Float>(ones: [3]).requiringGradient().squared().backward()
        }
        #expect(standardError(of: result).contains("backward() needs a tensor with one scalar, got shape [3]"))
    }

    @Test func indexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>([1, 2, 3])[3]
        }
        #expect(standardError(of: result).contains("index 3 is out of range for axis 0 of size 3"))
    }

    @Test func scalarCountNotMatchingShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3])
        }
        #expect(standardError(of: result).contains("shape [2, 2] holds 4 scalars but 3 were given"))
    }

    @Test func mutatingALeafOutsideWithoutGradient() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var w = Tensor<Float>([1]).requiringGradient()
            w -= Tensor<Float>([1])
        }
        #expect(standardError(of: result).contains("-= on a leaf tensor that requires a gradient"))
    }

    @Test func secondBackwardOverAFreedRecording() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let y = (Tensor<Float>([2]).requiringGradient() * 3).sum()
            y.backward()
            y.backward()
        }
        #expect(standardError(of: result).contains("already freed; pass retainingGraph: true"))
    }

    @Test func failedOperationLeavesTheRecordingIntact() {
        // A shape check happens before anything is recorded, so a rejected operation
        // (which traps) cannot leave a half-made entry; the recording stays usable.
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let y = (x * 2).sum()
        let before = y.recordingLiveEntryCount
        #expect(before >= 3)  // leaf, multiply, sum (and whatever shares the recording)
        let z = y * 2
        #expect(z.recordingLiveEntryCount == before + 1)
        y.backward()
        #expect(x.grad!.scalars == [2, 2])
    }
}

/// The captured standard error of an exit test, or "" when it did not run.
func standardError(of result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}

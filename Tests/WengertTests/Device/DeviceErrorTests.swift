import Testing
@testable import Wengert

/// Programmer errors at the device seam stop with a precise message (exit tests, debug).
@Suite("Device errors")
struct DeviceErrorTests {
    /// A device that does not exist (or no OpenCL at all) stops the constructor with the
    /// device's own error, naming the device, instead of computing elsewhere.
    @Test func tensorsOnAMissingDeviceStopWithTheDevicesError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(shape: [1], scalars: [1], on: Device(kind: .openCL(99)))
        }
        #expect(standardError(of: result).contains("upload failed on openCL:99"))
        let zeros = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2], on: Device(kind: .openCL(99)))
        }
        #expect(standardError(of: zeros).contains("fill failed on openCL:99"))
    }

    /// The copy is not recorded, so moving a tensor that requires a gradient would cut
    /// the gradient off: it stops and says to move first.
    @Test func movingATrackedTensorStopsWithAMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>([1, 2]).requiringGradient().moved(to: Device(kind: .openCL(0)))
        }
        #expect(standardError(of: result).contains("Move the tensor first, then call requiringGradient()"))
        #expect(Tensor<Float>([1, 2]).moved(to: .cpu) == Tensor<Float>([1, 2]))
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func mixingDevicesKeepsItsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let other = Tensor<Float>(uncheckedStorage: [1], shape: [1], device: Device(kind: .openCL(0)))
            _ = other + Tensor<Float>([1])
        }
        #expect(standardError(of: result).contains("+ mixes tensors on devices openCL:0 and cpu"))
    }

    @Test func gatherIndexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let cpu = CPUBackend()
            let x = try cpu.view([1, 2, 3, 4] as [Float], shape: [2, 2])
            try cpu.gather(x, axis: 0, indices: [1, 2], into: try cpu.empty(Float.self, shape: [2, 2]))
        }
        #expect(standardError(of: result).contains("gather index 2 (position 1) is out of range 0..<2 for axis 0 of shape [2, 2]"))
    }

    @Test func backendMatmulShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let cpu = CPUBackend()
            try cpu.matmul(try cpu.empty(Float.self, shape: [2, 3]), try cpu.empty(Float.self, shape: [4, 5]),
                           into: try cpu.empty(Float.self, shape: [2, 5]), accumulate: false)
        }
        #expect(standardError(of: result).contains("backend matmul of shapes [2, 3] and [4, 5] into [2, 5]"))
    }

    @Test func viewsPastTheEndOfABuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let cpu = CPUBackend()
            _ = BufferView<Float>(try cpu.allocate(Float.self, count: 4), .contiguous([5]))
        }
        #expect(standardError(of: result).contains("reaches scalar 5 of a buffer of 4"))
        let broadcast = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = StridedLayout.contiguous([3]).expanded(to: [2, 4])
        }
        #expect(standardError(of: broadcast).contains("shape [3] does not broadcast to [2, 4] in expand"))
    }

    @Test func operandsMustHaveTheOutputShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let cpu = CPUBackend()
            try cpu.binary(.add, try cpu.empty(Float.self, shape: [3]), try cpu.empty(Float.self, shape: [2, 3]),
                           into: try cpu.empty(Float.self, shape: [2, 3]))
        }
        #expect(standardError(of: result).contains("needs operands of the output's shape [2, 3], got [3]"))
    }
}

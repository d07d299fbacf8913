import Testing
@testable import Wengert

/// Where a tensor's buffer keeps its scalars: small host buffers inside the buffer
/// object (one allocation, no arena), larger ones in arena blocks, views in another
/// buffer's memory, which they keep alive.
@Suite("Device buffers")
struct DeviceBufferTests {
    /// How far `buffer`'s scalars lie from the start of the buffer object.
    static func offsetFromObject(_ buffer: DeviceBuffer) -> Int {
        Int(bitPattern: buffer.block) - Int(bitPattern: Unmanaged.passUnretained(buffer).toOpaque())
    }

    @Test func smallHostTensorsHoldTheirScalarsInTheBufferObject() {
        let scalars: [Float] = (0..<11).map(Float.init)
        let t = Tensor(shape: [11], scalars: scalars)
        let offset = Self.offsetFromObject(t.storage)
        #expect(offset == 64 && MemoryLayout<DeviceBuffer.Header>.size == 48, "scalars \(offset) bytes from the object")
        #expect(Int(bitPattern: t.storage.block) % 16 == 0, "inline scalars must be 16-byte aligned")
        #expect(t.storage.byteCount == 44 && t.storage.header.pointee.sizeClass == 0)
        #expect(t.scalars == scalars)
        // The largest inline size, and one scalar past it: an arena block of its class.
        let largest = Tensor<Double>(zeros: [DeviceBuffer.inlineByteLimit / 8])
        #expect(largest.storage.header.pointee.sizeClass == 0)
        let arenaBacked = Tensor<Double>(zeros: [DeviceBuffer.inlineByteLimit / 8 + 1])
        #expect(arenaBacked.storage.header.pointee.sizeClass == BufferArena.sizeClass(DeviceBuffer.inlineByteLimit + 8))
        #expect(arenaBacked.scalars == Array(repeating: 0, count: DeviceBuffer.inlineByteLimit / 8 + 1))
    }

    @Test func aViewOfInlineScalarsKeepsThemAliveAfterTheTensorDies() {
        var view: Tensor<Float>
        do {
            let t = Tensor<Float>(shape: [8, 2], scalars: (0..<16).map(Float.init))
            view = t.slice(along: 0, range: 2..<5)
            #expect(view.storage.owner === t.storage, "a slice of rows should be a view, not a copy")
        }
        // Freed memory would be taken by these and overwritten.
        let others = (0..<64).map { Tensor<Float>(repeating: -1, shape: [16]) + Tensor(Float($0)) }
        #expect(view.scalars == (4..<10).map(Float.init))
        #expect(others.count == 64)
        // A view of a view names the buffer that holds the bytes.
        let inner = view.slice(along: 0, range: 1..<3)
        #expect(inner.storage.owner === view.storage.owner && inner.scalars == (6..<10).map(Float.init))
    }

    @Test func aSmallTensorOutlivesTheThreadThatMadeIt() {
        let (constant, interior) = onFreshThread { () -> (Tensor<Double>, Tensor<Double>) in
            let x = Tensor<Double>(shape: [3], scalars: [1, 2, 3]).requiringGradient()
            return (Tensor(shape: [3], scalars: [4, 5, 6]), x * 2)
        }
        // Made and dropped on another thread: read, combined and differentiated here.
        #expect(constant.scalars == [4, 5, 6] && !constant.requiresGradient)
        let y = (interior * constant).sum()
        #expect(y.scalar == 64)
        y.backward()
        #expect(interior.gradientFunctionName == "MultiplyBackward")
    }

    @Test func anInlineBufferIsUpdatedInPlaceOnlyWhenUnshared() {
        var w = Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4]).requiringGradient()
        (w * w).sum().backward()
        let copy = w
        let optimizer = SGD<Float>(learningRate: 0.5)
        optimizer.update(&w)
        #expect(w.scalars == [0, 0, 0, 0])
        #expect(copy.scalars == [1, 2, 3, 4], "the step must not write a buffer another value shares")
    }
}

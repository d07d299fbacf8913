// Tensor operations on a device other than the CPU. Each builds strided views of its
// operands' buffers (broadcasting is a stride of 0, a transpose a permuted layout, so
// nothing is copied to line operands up), takes its output from the device's arena and
// calls the device's `Backend`. Nothing returns to the host until the user reads values.
// A device failure (out of memory, a lost device) inside an operation that cannot throw
// stops with the device's own message, naming the operation.

/// The backend code that runs a Swift closure kernel on a device.
@usableFromInline
enum TensorBackendCode {
    case binary(BinaryOperation)
    case compare(ComparisonOperation)
}

extension TensorKernels {
    /// `body` with `device`'s backend; a thrown `DeviceError` stops, naming `operation`.
    @inlinable
    static func onDevice<R>(_ device: Device, _ operation: StaticString, _ body: (any Backend) throws -> R) -> R {
        do { return try body(device.makeBackend()) } catch { wengertTensorDeviceFailure(device, "\(operation)", error) }
    }

    /// A new, unfilled tensor of `shape` in `backend`'s arena.
    @inlinable
    static func deviceOutput<S>(_ backend: any Backend, _ shape: some RandomAccessCollection<Int>) throws -> Tensor<S> {
        Tensor(buffer: try backend.allocate(S.self, count: TensorShape.count(shape)), shape: TensorDimensions(shape), device: backend.device)
    }

    /// A two-operand closure kernel by its backend `code`; stops when it has none.
    @inlinable
    static func onDevice<S>(
        _ code: TensorBackendCode?, _ a: Tensor<S>, _ b: Tensor<S>, shape: TensorDimensions, _ operation: StaticString
    ) -> Tensor<S> {
        let device = device(a, b)
        guard let code else { wengertTensorNoDeviceKernel(device, "\(operation)") }
        requireConsistent(a, operation: operation)
        requireConsistent(b, operation: operation)
        // A 0-d CPU constant (checked by broadcastShape) is uploaded: one scalar.
        let a = a.placement == device ? a : Tensor(uncheckedStorage: a.scalars, shape: [], device: device)
        let b = b.placement == device ? b : Tensor(uncheckedStorage: b.scalars, shape: [], device: device)
        return onDevice(device, operation) { backend in
            let out: Tensor<S> = try deviceOutput(backend, shape)
            let va = BufferView<S>(a.storage, StridedLayout.contiguous(a.dimensions).expanded(to: shape.array))
            let vb = BufferView<S>(b.storage, StridedLayout.contiguous(b.dimensions).expanded(to: shape.array))
            switch code {
            case .binary(let op): try backend.binary(op, va, vb, into: out.contiguousView)
            case .compare(let op): try backend.compare(op, va, vb, into: out.contiguousView)
            }
            return out
        }
    }

    /// op(x) elementwise.
    @inlinable
    static func onDevice<S>(unary op: UnaryOperation, _ x: Tensor<S>) -> Tensor<S> {
        requireConsistent(x, operation: "unary")
        return onDevice(x.placement, "unary") { backend in
            let out: Tensor<S> = try deviceOutput(backend, x.dimensions)
            try backend.unary(op, x.contiguousView, into: out.contiguousView)
            return out
        }
    }

    /// `x` reduced by `op` over `axes`, kept with extent 1.
    @inlinable
    static func onDevice<S>(reduce op: ReductionOperation, _ x: Tensor<S>, axes: [Int]) -> Tensor<S> {
        var shape = x.dimensions
        for axis in axes { shape[axis] = 1 }
        return onDevice(x.placement, "reduction") { backend in
            let out: Tensor<S> = try deviceOutput(backend, shape)
            let kept = x.dimensions.indices.filter { !axes.contains($0) }.map { x.dimensions[$0] }
            try backend.reduce(op, x.contiguousView, axes: axes, into: BufferView(out.storage, .contiguous(kept)))
            return out
        }
    }

    /// The scalars `view` walks, packed into a new contiguous tensor of its shape
    /// (expand, permute and slice are layouts over the same buffer).
    @inlinable
    static func onDevice<S>(copy view: BufferView<S>, _ device: Device) -> Tensor<S> {
        onDevice(device, "copy") { backend in
            let out: Tensor<S> = try deviceOutput(backend, view.layout.shape)
            try backend.copy(view, into: out.contiguousView)
            return out
        }
    }

    /// The batched product of `TensorKernels.matmul`, one backend product per batch
    /// element at the batch offsets `sa` and `sb`; a transposed operand is a permuted
    /// layout, read in place.
    @inlinable
    static func onDevice<S>(
        matmul a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool, transposeB: Bool, batch: [Int], sa: [Int], sb: [Int],
        m: Int, n: Int, k: Int
    ) -> Tensor<S> {
        let lda = a.dimensions[a.rank - 1], ldb = b.dimensions[b.rank - 1]
        return onDevice(a.placement, "matmul") { backend in
            let out: Tensor<S> = try deviceOutput(backend, batch + [m, n])
            var failure: (any Error)?
            TensorShape.forEachRow(shape: batch + [1], stridesA: sa + [0], stridesB: sb + [0]) { o, oa, ob, _, _, _ in
                if failure != nil { return }
                let va = BufferView<S>(a.storage, StridedLayout(shape: [m, k], strides: transposeA ? [1, lda] : [lda, 1], offset: oa))
                let vb = BufferView<S>(b.storage, StridedLayout(shape: [k, n], strides: transposeB ? [1, ldb] : [ldb, 1], offset: ob))
                let vo = BufferView<S>(out.storage, .contiguous([m, n], offset: o * m * n))
                do { try backend.matmul(va, vb, into: vo, accumulate: false) } catch { failure = error }
            }
            if let failure { throw failure }
            return out
        }
    }
}

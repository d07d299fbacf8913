// The OpenCL backend's operations: each sets its kernel's arguments and enqueues it,
// under the device lock (a kernel object's arguments are shared between threads).

extension OpenCLBackend {
    /// Runs `body(kernel)` with the lock held, then enqueues the kernel over `global`
    /// work items (in groups of `local`, or the driver's choice).
    func launch<S: TensorScalar>(
        _ name: String, _: S.Type, global: [Int], local: [Int]? = nil, _ body: (OpaquePointer) throws -> Void
    ) throws {
        if global.contains(0) { return }
        try context.locked {
            let kernel = try context.kernel(name, source: .kernels, scalar: scalarName(S.self))
            try body(kernel)
            var globalSize = global
            if let local {
                var localSize = local
                try context.check(
                    context.api.pointee.EnqueueNDRangeKernel!(
                        context.queue, kernel, UInt32(global.count), nil, &globalSize, &localSize, 0, nil, nil),
                    "clEnqueueNDRangeKernel(\(name))")
            } else {
                try context.check(
                    context.api.pointee.EnqueueNDRangeKernel!(
                        context.queue, kernel, UInt32(global.count), nil, &globalSize, nil, 0, nil, nil),
                    "clEnqueueNDRangeKernel(\(name))")
            }
        }
    }

    /// Sets argument `index` to a plain value.
    func argument<T: BitwiseCopyable>(_ kernel: OpaquePointer, _ index: Int, _ value: T) throws {
        try withUnsafeBytes(of: value) { bytes in
            try context.check(
                context.api.pointee.SetKernelArg!(kernel, UInt32(index), bytes.count, bytes.baseAddress),
                "clSetKernelArg(\(index))")
        }
    }

    /// Sets argument `index` to a buffer.
    func argument(_ kernel: OpaquePointer, _ index: Int, buffer: DeviceBuffer) throws {
        var memory: OpaquePointer? = OpaquePointer(buffer.block)
        try context.check(
            context.api.pointee.SetKernelArg!(kernel, UInt32(index), MemoryLayout<OpaquePointer?>.size, &memory),
            "clSetKernelArg(\(index))")
    }

    /// Sets argument `index` to a `geometry` struct (by value).
    func argument(_ kernel: OpaquePointer, _ index: Int, geometry: [Int32]) throws {
        try geometry.withUnsafeBytes { bytes in
            try context.check(
                context.api.pointee.SetKernelArg!(kernel, UInt32(index), bytes.count, bytes.baseAddress),
                "clSetKernelArg(\(index))")
        }
    }

    /// Sets argument `index` to `bytes` of local memory.
    func argument(_ kernel: OpaquePointer, _ index: Int, localBytes: Int) throws {
        try context.check(context.api.pointee.SetKernelArg!(kernel, UInt32(index), localBytes, nil), "clSetKernelArg(\(index))")
    }

    /// A scalar argument of type S (float or double on the device).
    func argument<S: TensorScalar>(_ kernel: OpaquePointer, _ index: Int, scalar: S) throws {
        if S.self == Double.self { try argument(kernel, index, Double(scalar)) } else { try argument(kernel, index, Float(scalar)) }
    }

    public func fill<S: TensorScalar>(_ out: BufferView<S>, with value: S) throws {
        try check(S.self, count: out.layout.count)
        let g = try openCLGeometry(out.layout.shape, [out.layout])
        try launch("fill", S.self, global: [out.layout.count]) { k in
            try argument(k, 0, geometry: g)
            try argument(k, 1, buffer: out.buffer)
            try argument(k, 2, scalar: value)
        }
    }

    public func random<S: TensorScalar>(_ out: BufferView<S>, distribution: RandomDistribution<S>, seed: UInt64) throws {
        if !out.layout.isContiguous { fatalError("Wengert: random needs a contiguous output view.") }
        let n = out.layout.count
        try check(S.self, count: out.layout.offset + n)
        // The kernel writes from the buffer's start; an offset view goes through a copy.
        let target = out.layout.offset == 0 ? out : try empty(S.self, shape: out.layout.shape)
        let (name, p, q): (String, S, S) =
            switch distribution {
            case .uniform(let lower, let upper): ("random_uniform", lower, upper)
            case .normal(let mean, let deviation): ("random_normal", mean, deviation)
            }
        try launch(name, S.self, global: [n]) { k in
            try argument(k, 0, Int32(n))
            try argument(k, 1, buffer: target.buffer)
            try argument(k, 2, seed)
            try argument(k, 3, scalar: p)
            try argument(k, 4, scalar: q)
        }
        if target.buffer !== out.buffer { try copy(target, into: out) }
    }

    public func unary<S: TensorScalar>(_ op: UnaryOperation, _ x: BufferView<S>, into out: BufferView<S>) throws {
        wengertCheckShapes("unary \(op)", out.layout.shape, x)
        try check(S.self, count: out.layout.count)
        let g = try openCLGeometry(out.layout.shape, [out.layout, x.layout])
        try launch("unary", S.self, global: [out.layout.count]) { k in
            try argument(k, 0, op.rawValue)
            try argument(k, 1, geometry: g)
            try argument(k, 2, buffer: out.buffer)
            try argument(k, 3, buffer: x.buffer)
        }
    }

    public func binary<S: TensorScalar>(
        _ op: BinaryOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        try twoOperands("binary", op.rawValue, a, b, out)
    }

    public func compare<S: TensorScalar>(
        _ op: ComparisonOperation, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        try twoOperands("compare", op.rawValue, a, b, out)
    }

    func twoOperands<S: TensorScalar>(
        _ name: String, _ op: Int32, _ a: BufferView<S>, _ b: BufferView<S>, _ out: BufferView<S>
    ) throws {
        wengertCheckShapes(name, out.layout.shape, a, b)
        try check(S.self, count: out.layout.count)
        let g = try openCLGeometry(out.layout.shape, [out.layout, a.layout, b.layout])
        try launch(name, S.self, global: [out.layout.count]) { k in
            try argument(k, 0, op)
            try argument(k, 1, geometry: g)
            try argument(k, 2, buffer: out.buffer)
            try argument(k, 3, buffer: a.buffer)
            try argument(k, 4, buffer: b.buffer)
        }
    }

    public func select<S: TensorScalar>(
        _ condition: BufferView<S>, _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>
    ) throws {
        wengertCheckShapes("select", out.layout.shape, condition, a, b)
        try check(S.self, count: out.layout.count)
        let g = try openCLGeometry(out.layout.shape, [out.layout, condition.layout, a.layout, b.layout])
        try launch("select_where", S.self, global: [out.layout.count]) { k in
            try argument(k, 0, geometry: g)
            try argument(k, 1, buffer: out.buffer)
            try argument(k, 2, buffer: condition.buffer)
            try argument(k, 3, buffer: a.buffer)
            try argument(k, 4, buffer: b.buffer)
        }
    }

    public func reduce<S: TensorScalar>(
        _ op: ReductionOperation, _ x: BufferView<S>, axes: [Int], into out: BufferView<S>
    ) throws {
        let split = wengertReductionSplit(x.layout, axes: axes, out: out.layout, "reduce \(op)")
        try check(S.self, count: x.layout.count)
        let outputs = split.kept.count
        let keptOut = StridedLayout(shape: split.kept.shape, strides: split.outStrides, offset: out.layout.offset)
        let kept = try openCLGeometry(split.kept.shape, [keptOut, split.kept], coalescing: false)
        let reduced = try openCLGeometry(split.reduced.shape, [split.reduced, split.reduced])
        // A power-of-two group, no larger than the reduction needs or the device allows.
        let limit = Swift.min(256, context.properties.maxWorkGroupSize)
        var group = 1
        while group * 2 <= limit && group < split.reduced.count { group *= 2 }
        try launch("reduce_axes", S.self, global: [outputs * group], local: [group]) { k in
            try argument(k, 0, op.rawValue)
            try argument(k, 1, geometry: kept)
            try argument(k, 2, geometry: reduced)
            try argument(k, 3, buffer: out.buffer)
            try argument(k, 4, buffer: x.buffer)
            try argument(k, 5, localBytes: group * MemoryLayout<S>.stride)
        }
    }

    public func gather<S: TensorScalar>(_ x: BufferView<S>, axis: Int, indices: [Int], into out: BufferView<S>) throws {
        wengertCheckGather(x.layout, axis: axis, indices: indices, out: out.layout)
        try check(S.self, count: out.layout.count)
        if out.layout.count == 0 { return }
        let narrow = indices.map { Int32($0) }
        let indexBuffer = try arena.allocate(narrow.count * 4)
        try narrow.withUnsafeBytes { bytes in
            try context.locked {
                try context.check(
                    context.api.pointee.EnqueueWriteBuffer!(
                        context.queue, OpaquePointer(indexBuffer.block), 1, 0, bytes.count, bytes.baseAddress, 0, nil, nil),
                    "clEnqueueWriteBuffer")
            }
        }
        let g = try openCLGeometry(out.layout.shape, [out.layout, x.layout], coalescing: false)
        try launch("gather", S.self, global: [out.layout.count]) { k in
            try argument(k, 0, Int32(axis))
            try argument(k, 1, geometry: g)
            try argument(k, 2, buffer: out.buffer)
            try argument(k, 3, buffer: x.buffer)
            try argument(k, 4, buffer: indexBuffer)
        }
    }

    public func matmul<S: TensorScalar>(
        _ a: BufferView<S>, _ b: BufferView<S>, into out: BufferView<S>, accumulate: Bool
    ) throws {
        let (m, n, k) = wengertCheckMatmul(a.layout, b.layout, out.layout)
        try check(S.self, count: Swift.max(a.layout.extent, b.layout.extent, out.layout.extent))
        if m == 0 || n == 0 { return }
        // GPUs get the tiled kernel (local memory, 4x4 register blocks); CPU runtimes
        // the barrier-free one they can vectorise across work items.
        let tiled = matmulKernel == .tiled || (matmulKernel == nil && context.properties.kind != .cpu)
        let name = tiled ? "matmul" : "matmul_rows"
        let global = tiled ? [(n + 63) / 64 * 16, (m + 63) / 64 * 16] : [n, (m + 7) / 8]
        try launch(name, S.self, global: global, local: tiled ? [16, 16] : nil) { kernel in
            try argument(kernel, 0, Int32(m))
            try argument(kernel, 1, Int32(n))
            try argument(kernel, 2, Int32(k))
            try argument(kernel, 3, buffer: a.buffer)
            try argument(kernel, 4, Int32(a.layout.offset))
            try argument(kernel, 5, Int32(a.layout.strides[0]))
            try argument(kernel, 6, Int32(a.layout.strides[1]))
            try argument(kernel, 7, buffer: b.buffer)
            try argument(kernel, 8, Int32(b.layout.offset))
            try argument(kernel, 9, Int32(b.layout.strides[0]))
            try argument(kernel, 10, Int32(b.layout.strides[1]))
            try argument(kernel, 11, buffer: out.buffer)
            try argument(kernel, 12, Int32(out.layout.offset))
            try argument(kernel, 13, Int32(accumulate ? 1 : 0))
        }
    }
}

/// The kernels' `geometry` struct: rank, count, shape[8], offset[4], stride[4][8] as
/// 32-bit integers (184 bytes, the layout OpenCL C gives the struct). Axes of extent 1
/// are dropped and, when `coalescing`, neighbouring axes that every layout walks as one
/// are merged, so most tensors index with rank 1 or 2. Throws for more than 8 axes left.
func openCLGeometry(_ shape: [Int], _ layouts: [StridedLayout], coalescing: Bool = true) throws -> [Int32] {
    var axes: [(extent: Int, strides: [Int])] = []
    for axis in shape.indices where !(coalescing && shape[axis] == 1) {
        let strides = layouts.map { $0.strides[axis] }
        if coalescing, let last = axes.last,
           zip(last.strides, strides).allSatisfy({ $0 == $1 * shape[axis] }) {
            axes[axes.count - 1] = (last.extent * shape[axis], strides)
        } else {
            axes.append((shape[axis], strides))
        }
    }
    if axes.count > 8 {
        fatalError("Wengert: the OpenCL kernels index at most 8 axes that cannot be merged; this view has \(axes.count) (shape \(shape)).")
    }
    var g = [Int32](repeating: 0, count: 2 + 8 + 4 + 32)
    g[0] = Int32(axes.count)
    g[1] = Int32(clamping: shape.reduce(1, *))
    for (d, axis) in axes.enumerated() {
        g[2 + d] = Int32(axis.extent)
        for (operand, stride) in axis.strides.enumerated() { g[14 + operand * 8 + d] = Int32(stride) }
    }
    for (operand, layout) in layouts.enumerated() { g[10 + operand] = Int32(layout.offset) }
    return g
}

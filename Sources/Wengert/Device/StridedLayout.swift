// How a backend operation walks a buffer: a shape, a stride per axis (in scalars; 0 for
// an axis that is broadcast) and an offset. Expand, permute and slice are new layouts
// over the same buffer, so a backend needs one strided copy kernel for all three.

/// The shape, strides and offset of a view into a buffer, in scalars.
public struct StridedLayout: Hashable, Sendable {
    /// The extent of each axis.
    public var shape: [Int]
    /// The step in scalars along each axis (0 repeats the same scalars: broadcasting).
    public var strides: [Int]
    /// The position of the first scalar.
    public var offset: Int

    /// A layout from its parts; stops when `shape` and `strides` differ in length or an
    /// extent is negative.
    public init(shape: [Int], strides: [Int], offset: Int = 0) {
        if shape.count != strides.count || shape.contains(where: { $0 < 0 }) || offset < 0 {
            fatalError("Wengert: invalid layout: shape \(shape), strides \(strides), offset \(offset).")
        }
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// Row-major contiguous scalars of `shape`.
    public static func contiguous(_ shape: [Int], offset: Int = 0) -> StridedLayout {
        StridedLayout(shape: shape, strides: TensorShape.strides(shape), offset: offset)
    }

    /// The number of positions the layout visits.
    public var count: Int { shape.reduce(1, *) }

    /// Whether the layout visits `offset ..< offset + count` in order.
    public var isContiguous: Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// One past the largest position visited (the buffer must hold at least this many
    /// scalars); `offset` when the layout is empty.
    public var extent: Int {
        if count == 0 { return offset }
        return offset + 1 + zip(shape, strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
    }

    /// This contiguous layout broadcast to `target` (NumPy rules: axes aligned from the
    /// right, extent-1 and missing axes get stride 0). Stops when it does not broadcast.
    public func expanded(to target: [Int]) -> StridedLayout {
        if target.count < shape.count { wengertLayoutMismatch(shape, target, "expand") }
        let lead = target.count - shape.count
        var newStrides = [Int](repeating: 0, count: target.count)
        for axis in shape.indices {
            if shape[axis] == target[lead + axis] {
                newStrides[lead + axis] = shape[axis] == 1 ? 0 : strides[axis]
            } else if shape[axis] == 1 {
                newStrides[lead + axis] = 0
            } else {
                wengertLayoutMismatch(shape, target, "expand")
            }
        }
        return StridedLayout(shape: target, strides: newStrides, offset: offset)
    }

    /// The axes reordered: axis `i` of the result is axis `order[i]` of this layout.
    /// Stops unless `order` is a permutation of the axes.
    public func permuted(_ order: [Int]) -> StridedLayout {
        if order.sorted() != Array(shape.indices) {
            fatalError("Wengert: permute order \(order) is not a permutation of the \(shape.count) axes of shape \(shape).")
        }
        return StridedLayout(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
    }

    /// `range` of `axis`. Stops when the axis or the range is out of bounds.
    public func sliced(axis: Int, _ range: Range<Int>) -> StridedLayout {
        if axis < 0 || axis >= shape.count || range.lowerBound < 0 || range.upperBound > shape[axis] {
            fatalError("Wengert: slice \(range) of axis \(axis) is out of bounds for shape \(shape).")
        }
        var result = self
        result.shape[axis] = range.count
        result.offset += range.lowerBound * strides[axis]
        return result
    }
}

@inline(never) @usableFromInline
func wengertLayoutMismatch(_ shape: [Int], _ target: [Int], _ operation: String) -> Never {
    fatalError("Wengert: shape \(shape) does not broadcast to \(target) in \(operation).")
}

/// A buffer seen through a layout, holding scalars of type `Scalar`.
public struct BufferView<Scalar: TensorScalar>: @unchecked Sendable {
    /// The memory.
    public var buffer: DeviceBuffer
    /// How the operation walks it.
    public var layout: StridedLayout

    /// A view; stops when the layout reaches past the end of the buffer.
    public init(_ buffer: DeviceBuffer, _ layout: StridedLayout) {
        if layout.extent * MemoryLayout<Scalar>.stride > buffer.byteCount {
            fatalError("Wengert: layout \(layout.shape) strides \(layout.strides) offset \(layout.offset) reaches scalar \(layout.extent) of a buffer of \(buffer.byteCount / MemoryLayout<Scalar>.stride).")
        }
        self.buffer = buffer
        self.layout = layout
    }

    /// The whole buffer as contiguous scalars of `shape`.
    public init(_ buffer: DeviceBuffer, shape: [Int]) {
        self.init(buffer, .contiguous(shape))
    }
}

// Shape changes, slicing, gathering and concatenation. Reshapes share storage (O(1));
// the others copy: runs of rows on the CPU (indexing a parameter is on the hot path of
// small models), the backend's strided copy, gather and concatenate kernels elsewhere.

extension Tensor {
    /// The same scalars with a new shape; one axis may be -1 (inferred). Stops with both
    /// shapes when the counts differ.
    /// - Complexity: O(1) and one recorded entry.
    @inlinable public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        let hole = newShape.firstIndex(of: -1)
        for (axis, d) in newShape.enumerated() where d < 0 && axis != hole {
            wengertTensorInvalid(
                "cannot reshape \(dimensions) to \(newShape): extent \(d) at axis \(axis) is negative "
                    + "(only one axis may be -1, to be inferred).")
        }
        if let hole {
            target[hole] = 1
            let known = TensorShape.count(target)
            if known == 0 || scalarCount % known != 0 { wengertTensorReshapeMismatch(dimensions, newShape) }
            target[hole] = scalarCount / known
        }
        if TensorShape.count(target) != scalarCount { wengertTensorReshapeMismatch(dimensions, newShape) }
        var out = untracked
        out.dimensions = TensorDimensions(target)
        return Tensor.recorded(out, .reshape, self)
    }

    /// The tensor with all axes of extent 1 removed.
    @inlinable public func squeezed() -> Tensor { reshaped(to: dimensions.filter { $0 != 1 }) }

    /// The tensor with `axis` (of extent 1) removed. Stops if its extent is not 1.
    @inlinable public func squeezed(axis: Int) -> Tensor {
        let a = TensorShape.normalize(axis: axis, rank: rank, operation: "squeezed")
        if dimensions[a] != 1 { wengertTensorInvalid("squeezed(axis: \(axis)) of shape \(dimensions): extent is not 1.") }
        var extents = shape
        extents.remove(at: a)
        return reshaped(to: extents)
    }

    /// The tensor with a new axis of extent 1 at `axis` (in 0...rank; negative counts from the end).
    @inlinable public func unsqueezed(axis: Int) -> Tensor {
        let a = TensorShape.normalize(axis: axis, rank: rank + 1, operation: "unsqueezed")
        var extents = shape
        extents.insert(1, at: a)
        return reshaped(to: extents)
    }

    /// The tensor with its last two axes swapped (a matrix transpose; PyTorch's `.mT`).
    /// A 1-D or 0-d tensor is returned unchanged.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func transposed() -> Tensor {
        if rank < 2 { return self }
        var permutation = Array(0..<rank)
        permutation.swapAt(rank - 1, rank - 2)
        return transposed(permutation: permutation)
    }

    /// The tensor with its axes permuted: result axis i is axis `permutation[i]`.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func transposed(permutation: [Int]) -> Tensor {
        if permutation.sorted() != Array(0..<rank) {
            wengertTensorInvalid("transposed(permutation: \(permutation)) is not a permutation of the axes of shape \(dimensions).")
        }
        return Tensor.recorded(TensorKernels.permute(self, permutation), .transpose, self, arguments: permutation)
    }

    /// Positions `range` along `axis`. Stops with the range and extent when out of bounds.
    /// - Complexity: O(size of the result) and one recorded entry.
    @inlinable public func slice(along axis: Int, range: Range<Int>) -> Tensor {
        let a = TensorShape.normalize(axis: axis, rank: rank, operation: "slice")
        if range.lowerBound < 0 || range.upperBound > dimensions[a] {
            wengertTensorRangeOutOfBounds(range, axis: a, size: dimensions[a])
        }
        return Tensor.recorded(sliceValue(axis: a, range: range), .slice, self, arguments: [a, range.lowerBound, range.upperBound])
    }

    /// The scalars at positions `range` along axis `a` (both checked by the caller), as
    /// an untracked tensor.
    @inlinable func sliceValue(axis a: Int, range: Range<Int>) -> Tensor {
        let shape = dimensions.replacing(axis: a, with: range.count)
        TensorKernels.requireConsistent(self, operation: "slice")
        if placement.kind == .cpu { return TensorKernels.copyRuns(self, axis: a, runs: CollectionOfOne(range)) }
        return TensorKernels.onDevice(placement, "slice") { backend in
            let out: Tensor = try TensorKernels.deviceOutput(backend, shape)
            try backend.copy(BufferView(storage, StridedLayout.contiguous(dimensions).sliced(axis: a, range)), into: out.contiguousView)
            return out
        }
    }

    /// The slice at `index` along axis 0, with that axis removed (`a[0]`). Tracked.
    /// Stops with the index and the extent when out of range.
    /// - Complexity: O(size of the slice) and one recorded entry.
    @inlinable public subscript(index: Int) -> Tensor {
        if rank == 0 { wengertTensorIndexOutOfRange(index, axis: 0, size: 0) }
        if index < 0 || index >= dimensions[0] { wengertTensorIndexOutOfRange(index, axis: 0, size: dimensions[0]) }
        // One slice entry whose result has axis 0 dropped (PyTorch's select), rather
        // than a slice and a reshape: the slice's rule gives the cotangent its axis back,
        // which changes no scalar. The shape is right by construction: no array, no checks.
        let result: Tensor
        if rank == 1 && placement.kind == .cpu {
            // One scalar of a CPU vector (a parameter's `p[i]`): copied into a 0-d tensor
            // of its own. A view of it (`copyRuns`) cost about 300 instructions more: its
            // run's bounds, the parent's retain and, when it dies, release.
            TensorKernels.requireConsistent(self, operation: "slice")
            if isTracked && Tensor.isGradientEnabled && tensorSweepObserver == nil {
                return Tensor.recordedIndex(hostBase[index], of: self, at: index)
            }
            result = Tensor.scalar0d(hostBase[index])
        } else {
            var slice = sliceValue(axis: 0, range: index..<(index + 1))
            slice.dimensions = TensorDimensions(dimensions.dropFirst())
            result = slice
        }
        return Tensor.recorded(result, .slice, self, arguments: [0, index, index + 1])
    }

    /// The positions `range` along axis 0 (`a[1..<3]`). Tracked.
    @inlinable public subscript(range: Range<Int>) -> Tensor {
        if rank == 0 { wengertTensorRangeOutOfBounds(range, axis: 0, size: 0) }
        return slice(along: 0, range: range)
    }

    /// The slices at `indices` along `axis` (PyTorch's index_select): the result has
    /// extent `indices.count` on that axis. Indices may repeat; their gradients add up.
    /// - Complexity: O(size of the result) and one recorded entry.
    @inlinable public func gathering(along axis: Int, indices: [Int]) -> Tensor {
        let a = TensorShape.normalize(axis: axis, rank: rank, operation: "gathering")
        let size = dimensions[a]
        for i in indices where i < 0 || i >= size { wengertTensorIndexOutOfRange(i, axis: a, size: size) }
        var shape = dimensions
        shape[a] = indices.count
        TensorKernels.requireConsistent(self, operation: "gathering")
        let result = placement.kind == .cpu ? TensorKernels.copyRuns(self, axis: a, runs: indices.map { $0..<($0 + 1) }) : TensorKernels.onDevice(placement, "gathering") { backend in
            let out: Tensor = try TensorKernels.deviceOutput(backend, shape)
            try backend.gather(contiguousView, axis: a, indices: indices, into: out.contiguousView)
            return out
        }
        return Tensor.recorded(result, .gather, self, arguments: [a] + indices)
    }

    /// The tensors joined along `axis`; all other extents must agree.
    /// - Complexity: O(total size) and one recorded entry.
    @inlinable public init(concatenating tensors: [Tensor], alongAxis axis: Int = 0) {
        guard let first = tensors.first else { wengertTensorInvalid("concatenating needs at least one tensor.") }
        let a = TensorShape.normalize(axis: axis, rank: first.rank, operation: "concatenating")
        for t in tensors {
            var x = t.dimensions, y = first.dimensions
            if x.count == y.count { x[a] = 0; y[a] = 0 }
            if x != y { wengertTensorShapeMismatch(first.dimensions, t.dimensions, operation: "concatenating") }
            if t.placement != first.placement { wengertTensorDeviceMismatch(first.placement, t.placement, operation: "concatenating") }
        }
        var shape = first.dimensions
        shape[a] = tensors.reduce(0) { $0 + $1.dimensions[a] }
        for t in tensors { TensorKernels.requireConsistent(t, operation: "concatenating") }
        let result: Tensor
        if first.placement.kind == .cpu {
            let inner = TensorShape.count(first.dimensions[(a + 1)...])
            let outer = TensorShape.count(first.dimensions[..<a])
            result = Tensor.host(shape: shape, count: TensorShape.count(shape)) { out in
                var position = 0
                for o in 0..<outer {
                    for t in tensors {
                        let run = t.dimensions[a] * inner
                        (out + position).update(from: t.hostBase + o * run, count: run)
                        position += run
                    }
                }
            }
        } else {
            result = TensorKernels.onDevice(first.placement, "concatenating") { backend in
                let out: Tensor = try TensorKernels.deviceOutput(backend, shape)
                try backend.concatenate(tensors.map(\.contiguousView), axis: a, into: out.contiguousView)
                return out
            }
        }
        self = Tensor.recorded(result, .concatenate, operands: tensors, arguments: [a] + tensors.map { $0.dimensions[a] })
    }
}

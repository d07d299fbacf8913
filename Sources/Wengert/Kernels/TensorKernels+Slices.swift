import CWengert

// The cotangent of a slice, added into its operand's cotangent region by region.
//
// The slice rule's cotangent is the output's cotangent padded with zeros to the operand's
// shape. Built as a tensor (zeros, then a concatenation) and then added to the operand's
// cotangent, that is three full passes over the operand per slice: a model whose
// parameters are one flat tensor cut into matrices pays them for every matrix, on every
// step. Here the sweep keeps each slice's cotangent until it reaches the operand; then
// slices of the first axis that do not overlap are written in one pass (zeros only in the
// gaps), and anything else is added region by region, in place when the sweep holds the
// operand's cotangent alone (otherwise into a copy, one pass).

extension TensorKernels {
    /// A slice's cotangent waiting for its operand: the scalars of positions
    /// `lower ..< upper` along `axis` of an operand of `shape`, made by entry `operand`
    /// of the recording swept (the sweep's key; one array of these rather than a second
    /// one of keys, which cost an allocation per sweep).
    ///
    /// The cotangent is held as its buffer and device and rebuilt untracked (a
    /// first-order sweep's cotangents are), not as a `Tensor<S>`: this compiler copied a
    /// generic struct holding one through its value witnesses, about 100 instructions
    /// and a retain each time an element was read out of the array. Its extents are the
    /// operand's with `axis` cut to the range (an index, `a[i]`, dropped that axis from
    /// its result; the cotangent gets it back), so they are not stored: the element was
    /// 144 bytes with them (112 now), copied whole where it was appended and read.
    @usableFromInline
    struct SliceCotangent {
        @usableFromInline let buffer: DeviceBuffer
        @usableFromInline let device: Device
        @usableFromInline let shape: TensorDimensions
        @usableFromInline let axis: Int
        @usableFromInline let lower: Int
        @usableFromInline let upper: Int
        @usableFromInline let operand: Int

        /// `g`'s buffer taken over (the sweep's cotangent, which it reads no more): a move,
        /// where reading `g.storage` of a borrowed `g` was a retain here and a release of
        /// `g` after.
        @inlinable init<S>(
            taking g: consuming Tensor<S>, shape: TensorDimensions, axis: Int, lower: Int, upper: Int, operand: Int
        ) {
            device = g.placement
            buffer = (consume g).storage
            self.shape = shape
            self.axis = axis
            self.lower = lower
            self.upper = upper
            self.operand = operand
        }

        /// The cotangent's extents: the operand's with `axis` cut to `lower ..< upper`.
        @inlinable var extents: TensorDimensions { shape.replacing(axis: axis, with: upper - lower) }

        /// The cotangent, untracked.
        @inlinable func g<S>(_: S.Type) -> Tensor<S> { Tensor(buffer: buffer, shape: extents, device: device) }

        /// The scalars before the region in a flat view of the operand, when the region is
        /// one contiguous run (no axis before `axis` longer than 1); else nil. Counted
        /// in place: an array of the inner extents cost an allocation per slice per step.
        @inlinable @inline(__always) var flatRange: Range<Int>? {
            for k in 0..<axis where shape[k] != 1 { return nil }
            var inner = 1
            for k in (axis + 1)..<shape.count { inner &*= shape[k] }
            return (lower * inner)..<(upper * inner)
        }
    }

    /// Adds the cotangents `parts` (in the order the sweep met them, all of one operand)
    /// into the operand's cotangent `total` (nil when nothing else has reached it). Equal
    /// to adding each padded part in turn, to the bit (but for the sign of a zero sum).
    /// - Complexity: one pass over the operand when `total` is nil and the parts are
    ///   contiguous runs that do not overlap; else as ``accumulateSlice(_:into:shape:axis:lower:)`` each.
    @inlinable static func accumulateSlices<S>(_ parts: [SliceCotangent], into total: inout Tensor<S>?) {
        // `switch` rather than `== nil`, which copied the optional tensor (Tensor.recorded).
        switch total {
        case .some: break
        case .none:
            if let written = disjointSlices(parts, S.self) {
                total = written
                return
            }
        }
        for part in parts { accumulateSlice(part.g(S.self), into: &total, shape: part.shape, axis: part.axis, lower: part.lower) }
    }

    /// The operand's cotangent made of `parts` alone, in one pass (zeros only in the
    /// gaps), when they are CPU runs of one operand that do not overlap; else nil.
    /// The parts are read in place through the array's buffer: `for part in parts` copied
    /// each one out (an outlined copy and destroy, a retain and a release), and reading
    /// one through the array's subscript (`parts[k].flatRange`) copied the element whole.
    @inlinable static func disjointSlices<S>(_ parts: [SliceCotangent], _: S.Type) -> Tensor<S>? {
        parts.withUnsafeBufferPointer { parts in
            let shape = parts[0].shape, bytes = MemoryLayout<S>.stride
            for k in parts.indices where parts[k].shape != shape || parts[k].device.kind != .cpu { return nil }
            // The result's buffer first, so that the closure below returns only whether the
            // runs fit (a tensor returned from it as an optional was copied through its value
            // witnesses); the rare parts that overlap waste it.
            let count = TensorShape.count(shape)
            let out = Tensor<S>.host(shape: shape, count: count) { _ in }
            let po = out.hostBase
            // The runs in increasing order, as positions into `parts`, in memory on the stack
            // (the sweep meets a flat parameter's slices in reverse order of use, a handful
            // of them, every step): an insertion sort, then a check that no two overlap.
            let written = withUnsafeTemporaryAllocation(
                of: (lower: Int, upper: Int, part: Int).self, capacity: parts.count
            ) { runs in
                for k in parts.indices {
                    guard let range = parts[k].flatRange else { return false }
                    // A run is the whole region (no axis before `axis` longer than 1), so
                    // its length is the scalars the cotangent must hold: the check that
                    // its buffer agrees with its extents, without counting them (a
                    // part that is no run is checked by `accumulateSlice`).
                    if _slowPath(parts[k].buffer.byteCount != range.count &* bytes) {
                        let scalars = parts[k].buffer.byteCount / bytes
                        wengertTensorInconsistent(parts[k].extents, count: scalars, operation: "backward (slice)")
                    }
                    var at = k
                    while at > 0 && runs[at - 1].lower > range.lowerBound {
                        runs[at] = runs[at - 1]
                        at -= 1
                    }
                    runs[at] = (range.lowerBound, range.upperBound, k)
                }
                for k in 1..<Swift.max(runs.count, 1) where runs[k - 1].upper > runs[k].lower { return false }
                var at = 0
                for k in runs.indices {
                    let (lower, upper) = (runs[k].lower, runs[k].upper)
                    if lower > at { wengert_zero_bytes(po + at, (lower - at) * bytes) }
                    let source = parts[runs[k].part].buffer.block.assumingMemoryBound(to: S.self)
                    // A parameter's scalar (`p[i]`) is one store; `update`, and a loop, which
                    // the optimiser turns into one, called memmove.
                    if upper - lower == 1 {
                        po[lower] = source[0]
                    } else if upper > lower {
                        (po + lower).update(from: source, count: upper - lower)
                    }
                    at = upper
                }
                if count > at { wengert_zero_bytes(po + at, (count - at) * bytes) }
                return true
            }
            return written ? out : nil
        }
    }

    /// Adds `g`, the cotangent of positions `lower ..< lower + g.shape[axis]` along `axis`
    /// of an operand of `shape`, into that operand's cotangent `total` (nil when nothing
    /// has reached it yet). Equal to `total + padded(g)` to the bit, except that a -0 of
    /// `total` outside the region stays -0. CPU tensors only; the caller has checked `g`
    /// against `shape`.
    /// - Complexity: O(size of `g`) when `total` is held only here, else O(size of `shape`).
    @inlinable static func accumulateSlice<S>(_ g: Tensor<S>, into total: inout Tensor<S>?, shape: TensorDimensions, axis: Int, lower: Int) {
        requireCPU(g.placement)
        requireConsistent(g, operation: "backward (slice)")
        let inner = TensorShape.count(shape[(axis + 1)...])
        let outer = TensorShape.count(shape[..<axis])
        let size = shape[axis], extent = g.dimensions[axis]
        let count = TensorShape.count(shape)
        let pg = g.hostBase
        // One outer index: `before` scalars, the region of `run`, `after` scalars.
        let before = lower * inner, run = extent * inner, after = (size - lower - extent) * inner
        if var old = total, old.dimensions == shape, old.placement.kind == .cpu {
            total = nil
            // The sweep holds the only reference, and the buffer is no view into another
            // tensor's: no other tensor sees it change.
            if isKnownUniquelyReferenced(&old.storage) && old.storage.owner == nil {
                let po = old.hostBase
                if run > 0 {
                    for o in 0..<outer {
                        let at = o * size * inner + before
                        S._binaryKernel(TensorArithmetic.add.rawValue, po + at, 1, pg + o * run, 1, po + at, run)
                    }
                }
                total = old
                return
            }
            let pold = old.hostBase
            total = withExtendedLifetime(old) {
                Tensor.host(shape: shape, count: count) { po in
                    for o in 0..<outer {
                        let base = o * size * inner
                        if before > 0 { (po + base).update(from: pold + base, count: before) }
                        if run > 0 {
                            S._binaryKernel(
                                TensorArithmetic.add.rawValue, pold + base + before, 1, pg + o * run, 1, po + base + before, run)
                        }
                        if after > 0 { (po + base + before + run).update(from: pold + base + before + run, count: after) }
                    }
                }
            }
            return
        }
        let padded = Tensor<S>.host(shape: shape, count: count) { po in
            let bytes = MemoryLayout<S>.stride
            for o in 0..<outer {
                let base = o * size * inner
                if before > 0 { wengert_zero_bytes(po + base, before * bytes) }
                if run > 0 { (po + base + before).update(from: pg + o * run, count: run) }
                if after > 0 { wengert_zero_bytes(po + base + before + run, after * bytes) }
            }
        }
        total = total.map { $0 + padded } ?? padded
    }
}

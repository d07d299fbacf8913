import CWengert

// The cotangent of a slice, added into its operand's cotangent region by region.
//
// The slice rule's cotangent is the output's cotangent padded with zeros to the operand's
// shape. Built as a tensor (zeros, then a concatenation) and then added to the operand's
// cotangent, that is three full passes over the operand per slice: a model whose
// parameters are one flat tensor cut into matrices pays them for every matrix, on every
// step. Here the first slice to reach an operand writes its cotangent and zeros in one
// pass, and every later one adds into its own region only, in place when the sweep holds
// the operand's cotangent alone (otherwise into a copy, one pass).

extension TensorKernels {
    /// Adds `g`, the cotangent of positions `lower ..< lower + g.shape[axis]` along `axis`
    /// of an operand of `shape`, into that operand's cotangent `total` (nil when nothing
    /// has reached it yet). Equal to `total + padded(g)` to the bit, except that a -0 of
    /// `total` outside the region stays -0. CPU tensors only; the caller has checked `g`
    /// against `shape`.
    /// - Complexity: O(size of `g`) when `total` is held only here, else O(size of `shape`).
    @inlinable static func accumulateSlice<S>(_ g: Tensor<S>, into total: inout Tensor<S>?, shape: [Int], axis: Int, lower: Int) {
        requireCPU(g.placement)
        requireConsistent(g, operation: "backward (slice)")
        let inner = TensorShape.count(Array(shape[(axis + 1)...]))
        let outer = TensorShape.count(Array(shape[..<axis]))
        let size = shape[axis], extent = g.dimensions[axis]
        let count = TensorShape.count(shape)
        let pg = g.hostBase
        // One outer index: `before` scalars, the region of `run`, `after` scalars.
        let before = lower * inner, run = extent * inner, after = (size - lower - extent) * inner
        if var old = total, old.dimensions == shape, old.placement.kind == .cpu {
            total = nil
            // The sweep holds the only reference: no other tensor sees the buffer change.
            if isKnownUniquelyReferenced(&old.storage) {
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

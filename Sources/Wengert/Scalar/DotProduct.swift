// Dot products of scalars in any mode: one running sum of products, in order. On a tape
// the whole sum is recorded in one pass (`Var.sumOfProducts`), one `multiplyAdd` entry
// per term, instead of one call per term with its operand checks.

extension DifferentiableScalar {
    /// The running sum `s = multiplyAdd(x[j], y[j], s)` from s = z, one term at a time.
    @inlinable
    public static func sumOfProducts(_ x: UnsafeBufferPointer<Self>, _ y: UnsafeBufferPointer<Self>,
                                     adding z: Self) -> Self {
        var s = z
        for j in 0..<x.count { s = multiplyAdd(x[j], y[j], s) }
        return s
    }
}

/// x[0] · y[0] + x[1] · y[1] + … + x[n-1] · y[n-1], added in that order: the first product,
/// then `multiplyAdd` for each further term, so the value has the bits of that loop
/// (two roundings per term, no fused multiply-add). 0 when both are empty.
///
/// ```swift
/// let s = dot(a, b)                      // any DifferentiableScalar: Double, Dual, Var, ...
/// let r = dot(row, v[0..<k])             // slices too
/// ```
///
/// On a tape it records the product and one entry per further term, as the loop does,
/// in one pass over the operands (a few instructions per term rather than a call and
/// its checks each). Derivatives: y[j] in x[j], x[j] in y[j].
///
/// - Complexity: O(n); no allocation for arrays, slices and other contiguous collections
///   (others are copied once).
/// - Precondition: x and y have the same count; otherwise it stops with a message
///   naming both counts.
@inlinable @inline(__always)
public func dot<T: DifferentiableScalar, X: Collection<T>, Y: Collection<T>>(_ x: X, _ y: Y) -> T {
    // Always inlined: left to the inliner, this wrapper stayed a function of its own on
    // `Var` (the first product's recording made it look large), about 70 instructions
    // a call around the out-of-line run it calls anyway (callgrind, ADBench GMM).
    withContiguousOperands(x, y) { a, b in
        let n = a.count
        guard n > 0, let x0 = a.baseAddress, let y0 = b.baseAddress else { return 0 }
        return T.sumOfProducts(UnsafeBufferPointer(start: x0 + 1, count: n - 1),
                               UnsafeBufferPointer(start: y0 + 1, count: n - 1), adding: x0[0] * y0[0])
    }
}

/// z + x[0] · y[0] + x[1] · y[1] + …, added in that order: `s = multiplyAdd(x[j], y[j], s)`
/// from s = z, so the value has that loop's bits. It continues a sum begun elsewhere, as
/// in `t = dot(row, v, adding: d * w)`; z itself when both are empty.
///
/// On a tape, when z is the entry recorded last (as a running sum is), each term is one
/// `multiplyAdd` entry, recorded in one pass over the operands; otherwise the first term
/// records a product and a sum, as `multiplyAdd` does. Derivatives: y[j] in x[j], x[j]
/// in y[j], 1 in z.
///
/// - Complexity: O(n); no allocation for arrays, slices and other contiguous collections
///   (others are copied once).
/// - Precondition: x and y have the same count; otherwise it stops with a message
///   naming both counts.
@inlinable
public func dot<T: DifferentiableScalar, X: Collection<T>, Y: Collection<T>>(_ x: X, _ y: Y, adding z: T) -> T {
    withContiguousOperands(x, y) { a, b in T.sumOfProducts(a, b, adding: z) }
}

/// Runs `body` on contiguous views of x and y, checked to have the same count.
@inlinable @inline(__always)
func withContiguousOperands<T, X: Collection<T>, Y: Collection<T>, R>(
    _ x: X, _ y: Y, _ body: (UnsafeBufferPointer<T>, UnsafeBufferPointer<T>) -> R
) -> R {
    func second(_ a: UnsafeBufferPointer<T>) -> R {
        if a.count != y.count { dotCountMismatch(a.count, y.count) }
        if let r = y.withContiguousStorageIfAvailable({ body(a, $0) }) { return r }
        return Array(y).withUnsafeBufferPointer { body(a, $0) }
    }
    if let r = x.withContiguousStorageIfAvailable(second) { return r }
    return Array(x).withUnsafeBufferPointer(second)
}

@usableFromInline @inline(never)
func dotCountMismatch(_ x: Int, _ y: Int) -> Never {
    fatalError("Wengert: dot needs operands of the same length; got \(x) and \(y) elements.")
}

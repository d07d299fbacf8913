// A running sum of products recorded in one pass (`dot`, Scalar/DotProduct.swift). Each
// term becomes the `multiplyAdd` entry that `s = multiplyAdd(x[j], y[j], s)` records,
// bit for bit, except that the terms whose sum only the next term uses are marked
// `multiplyAddInterior`, which replay and anomaly detection treat as `multiplyAdd` and
// the sweep runs as one loop over the terms (Tape+Sweep.swift). What goes is
// the per-term overhead of the scalar call: the operands' tape and epoch checks fold into
// one test per term, the capacity is reserved once for the run, and the header's count
// and flag are written once at its end (callgrind: about 51 instructions per entry
// through the scalar call in the ADBench GMM, against about 20 here).

extension Var {
    /// The running sum `s = multiplyAdd(x[j], y[j], s)` from s = z, recorded as that
    /// loop records it: while s is the latest entry and both operands are current
    /// variables of its tape, each term is one `multiplyAdd` entry written directly;
    /// any other term (a constant operand, s not the latest entry) goes through
    /// `multiplyAdd` itself, which also stops with its message on a stale or foreign Var.
    ///
    /// - Complexity: O(n); one entry per term (two for a term that falls back).
    @inlinable @inline(never)
    public static func sumOfProducts(_ x: UnsafeBufferPointer<Var>, _ y: UnsafeBufferPointer<Var>,
                                     adding z: Var) -> Var {
        let n = x.count
        if n == 0 { return z }
        // The common case first, with no call on its path (so no registers saved around
        // one): z is the latest entry and the run fits in the capacity already there.
        // Anything else, and whatever a run leaves, goes to the general loop below.
        // Out of line: inlined into the GMM's objective, the run's loop lost registers
        // (31 instructions per term instead of 28) and the recording saved nothing.
        if z.slot != 0 {
            let h = checkedHeader(z)
            let count = Int(h.pointee.count)
            if Int(z.slot) &+ 1 == count && Int(h.pointee.capacity) &- count >= n {
                var s = z
                let j = appendRun(h, x, y, from: 0, after: &s)
                if j == n { return s }
                return sumOfProductsRest(x, y, from: j, adding: s)
            }
        }
        return sumOfProductsRest(x, y, from: 0, adding: z)
    }

    /// `sumOfProducts` from term `start` on: runs where z is the latest entry (growing
    /// the tape first), `multiplyAdd` for the other terms.
    @inlinable @inline(never)
    static func sumOfProductsRest(_ x: UnsafeBufferPointer<Var>, _ y: UnsafeBufferPointer<Var>,
                                  from start: Int, adding z: Var) -> Var {
        let n = x.count
        var s = z
        var j = start
        while j < n {
            if s.slot != 0 {
                let h = checkedHeader(s)
                if s.slot &+ 1 == h.pointee.count {
                    // Room for the whole run at once; `grow` stops at the entry limit or
                    // memory budget with its message, as appending one by one would.
                    while Int(h.pointee.capacity) &- Int(h.pointee.count) < n &- j {
                        TapeHeader.grow(h, entryStride: MemoryLayout<TapeEntry<T>>.stride,
                                        scalarStride: MemoryLayout<T>.stride)
                    }
                    j = appendRun(h, x, y, from: j, after: &s)
                    if j == n { break }
                }
            }
            s = multiplyAdd(x[j], y[j], s)
            j &+= 1
        }
        return s
    }

    /// Appends `multiplyAdd` entries for terms j, j+1, … after s (the latest entry of
    /// `h`'s current recording) until the operands run out or a term's operands are not
    /// both current variables of this tape; updates s and returns the first term left.
    /// The caller has made room for all the terms from `start` on.
    @inlinable @inline(__always)
    static func appendRun(_ h: UnsafeMutablePointer<TapeHeader>, _ x: UnsafeBufferPointer<Var>,
                          _ y: UnsafeBufferPointer<Var>, from start: Int, after s: inout Var) -> Int {
        let n = x.count
        let epoch = h.pointee.epoch
        let first = Int(h.pointee.count)
        let entries = h.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        let opcodes = h.pointee.opcodes.unsafelyUnwrapped
        let xs = x.baseAddress.unsafelyUnwrapped, ys = y.baseAddress.unsafelyUnwrapped
        // Term j is entry j + shift: one index for the operands and the tape.
        let shift = first &- start
        let tape = UInt(bitPattern: h)
        var value = s.value
        var j = start
        while j < n {
            let a = xs[j], b = ys[j]
            // A constant (no header), another tape or an older recording: leave the term
            // to `multiplyAdd`, which records or reports it. One test for the four checks;
            // a recorded variable never has the null slot, so its header says enough.
            let other = (UInt(bitPattern: a.header) ^ tape) | (UInt(bitPattern: b.header) ^ tape)
                | UInt((a.epoch ^ epoch) | (b.epoch ^ epoch))
            if other != 0 { break }
            value = a.value * b.value + value
            entries[j &+ shift] = TapeEntry(lhsSlot: a.slot, rhsSlot: b.slot, lhsPartial: b.value, rhsPartial: a.value)
            // Interior until shown otherwise below: the next term uses it as its z only.
            opcodes[j &+ shift] = ReverseOpcode.multiplyAddInterior.rawValue
            j &+= 1
        }
        if j > start {
            let i = j &+ shift
            // The last entry is the result, which anything may use. The first is interior
            // only if its x and y are older than its z (`dot([s], [s], adding: s)`).
            opcodes[i &- 1] = ReverseOpcode.multiplyAdd.rawValue
            if entries[first].lhsSlot == s.slot || entries[first].rhsSlot == s.slot {
                opcodes[first] = ReverseOpcode.multiplyAdd.rawValue
            }
            h.pointee.count = UInt32(truncatingIfNeeded: i)
            h.pointee.hasMultiplyAdd = true
            s = Var(value: value, slot: UInt32(truncatingIfNeeded: i &- 1), epoch: epoch, header: h)
        }
        return j
    }
}

// A reverse-mode variable: a value plus the address of the tape entry that computed
// it (Griewank & Walther's "active variable"; Adept's `adouble`). It is a plain
// 24-byte value for `Double`: no reference counting, no closure, no allocation per
// operation. The tape is found through an unmanaged pointer to its header, which is
// never freed (TapeHeader.swift), and misuse is caught by comparing epochs.

import CWengert

/// A number recorded on a `Tape`: its value and its slot in the recording.
///
/// Arithmetic and the elementary functions on `Var`s compute the value and append one
/// entry (two operand slots, two partials) to the tape the operands belong to. Reverse
/// mode then sweeps the entries backwards once to get the derivative of one result
/// with respect to every input:
///
/// ```swift
/// let tape = Tape<Double>()
/// let a = tape.variable(3.0), b = tape.variable(4.0)
/// let z = a * b + sin(a)
/// let adjoints = tape.gradient(of: z)
/// adjoints[a]   // 4 + cos 3
/// adjoints[b]   // 3
/// ```
///
/// Literals and `Var(2.5)` are constants: they have the null slot 0, belong to no
/// tape, and an operation whose operands are all constants records nothing.
/// Equality, hashing and ordering look at `value` only; a comparison between recorded
/// variables is kept as a branch guard so that `Tape.replay(at:)` can tell when new
/// inputs would take the other branch.
///
/// A `Var` is valid until its tape is reset or destroyed. Using it afterwards, or
/// combining `Var`s of two different tapes, stops with a message saying so.
///
/// - Complexity: each operation costs the plain operation, its partials, and one
///   append of 8 + 2 × `MemoryLayout<T>.size` bytes (24 for `Double`) plus one opcode
///   byte; a constant operand adds one `T` to the constant stream (except for
///   `x * c`, whose partial is the constant).
@frozen
public struct Var<T: DifferentiableScalar> {
    /// The primal value.
    public let value: T
    /// The entry that computed this value; 0 for constants.
    public let slot: UInt32
    @usableFromInline let epoch: UInt32
    @usableFromInline let header: UnsafeMutablePointer<TapeHeader>?

    @inlinable @inline(__always)
    init(value: T, slot: UInt32, epoch: UInt32, header: UnsafeMutablePointer<TapeHeader>?) {
        self.value = value
        self.slot = slot
        self.epoch = epoch
        self.header = header
    }

    /// A constant: it belongs to no tape and has derivative 0.
    @inlinable @inline(__always)
    public init(constant value: T) {
        self.init(value: value, slot: 0, epoch: 0, header: nil)
    }

    /// Whether this is a constant (recorded on no tape).
    @inlinable public var isConstant: Bool { slot == 0 }
}

extension Var {
    /// The header of a recorded variable, checked to be of the current recording.
    @inlinable @inline(__always)
    static func checkedHeader(_ x: Var) -> UnsafeMutablePointer<TapeHeader> {
        let h = x.header.unsafelyUnwrapped
        if _slowPath(x.epoch != h.pointee.epoch) { staleVariable(slot: x.slot) }
        return h
    }

    /// The header shared by two recorded variables, checked.
    @inlinable @inline(__always)
    static func checkedHeader(_ x: Var, _ y: Var) -> UnsafeMutablePointer<TapeHeader> {
        let h = x.header.unsafelyUnwrapped
        // Operands of one recording agree on header and epoch, so one comparison with
        // the header's epoch checks both: 6 instructions where comparing each operand's
        // epoch with it took 7 (3 of Rosenbrock's 8 entries a term have two operands).
        if _slowPath(h != y.header.unsafelyUnwrapped || x.epoch != y.epoch) { mismatchedOperands(x, y) }
        if _slowPath(x.epoch != h.pointee.epoch) { staleVariable(slot: x.slot) }
        return h
    }

    /// Appends one entry and its opcode; returns the new variable.
    @inlinable @inline(__always)
    static func append(_ h: UnsafeMutablePointer<TapeHeader>, _ value: T, _ op: ReverseOpcode,
                       _ lhs: UInt32, _ lhsPartial: T, _ rhs: UInt32, _ rhsPartial: T) -> Var {
        // Read before the stores below (which the compiler must assume may alias the
        // header), so that it reuses the epoch the operand check just loaded.
        let epoch = h.pointee.epoch
        let i = h.pointee.count
        if _slowPath(i == h.pointee.capacity) {
            TapeHeader.grow(h, entryStride: MemoryLayout<TapeEntry<T>>.stride, scalarStride: MemoryLayout<T>.stride)
        }
        let target = h.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self) + Int(i)
        // Asks for the line 2 KiB ahead (about 85 entries for `Double`), so that it is
        // on its way before the stores reach it (a line no other core holds arrives
        // owned): Rosenbrock's recording 5-10 % faster from n = 1e3 (a tape in L2) to
        // 1e6 (in memory). A hint: past the end of the buffer it fetches nothing of use
        // and never faults.
        wengert_prefetch(target, 2048)
        target.pointee = TapeEntry(lhsSlot: lhs, rhsSlot: rhs, lhsPartial: lhsPartial, rhsPartial: rhsPartial)
        h.pointee.opcodes.unsafelyUnwrapped[Int(i)] = op.rawValue
        h.pointee.count = i &+ 1
        return Var(value: value, slot: i, epoch: epoch, header: h)
    }

    /// Appends a one-operand entry. Its unused right operand is the entry's own slot
    /// with partial 0, not the null slot: the sweep has read that adjoint before it
    /// adds 0 to it, so unary entries do not all chain through one memory cell (which
    /// serialised the sweep on the store-to-load latency of slot 0).
    @inlinable @inline(__always)
    static func appendUnary(_ h: UnsafeMutablePointer<TapeHeader>, _ value: T, _ op: ReverseOpcode,
                            _ x: UInt32, _ partial: T) -> Var {
        append(h, value, op, x, partial, h.pointee.count, 0)
    }

    /// Appends an entry without operands (an input or a constant). It names its own slot
    /// on both sides with partials 0, as a unary entry does on its right: naming the
    /// null slot made the sweep add 0 to slot 0 once per input, a chain of dependent
    /// updates of one memory cell (a sixth of a Rosenbrock sweep at n = 1000).
    @inlinable @inline(__always)
    static func appendLeaf(_ h: UnsafeMutablePointer<TapeHeader>, _ value: T, _ op: ReverseOpcode) -> Var {
        let own = h.pointee.count
        return append(h, value, op, own, 0, own, 0)
    }

    /// Records `op` applied to `x`, with constant `c` (pushed on the constant stream
    /// when `hasConstant`, unless the entry's partial keeps it: `multiplyConstant`);
    /// folds to a constant when `x` is one.
    @inlinable @inline(__always)
    static func recordUnary(_ op: ReverseOpcode, _ x: Var, constant c: T = 0, hasConstant: Bool = false) -> Var {
        let r = ReverseRule<T>.unary(op, x.value, c)
        if x.slot == 0 { return Var(constant: r.value) }
        let h = checkedHeader(x)
        if hasConstant && op.readsConstant { h.pointee.constants.append(c) }
        return appendUnary(h, r.value, op, x.slot, r.partial)
    }

    /// Records the binary `op` on two variables, either of which may be a constant:
    /// a constant operand becomes an entry of its own (opcode `constant`) so that the
    /// entry keeps two operand slots; see `Var+Arithmetic.swift` for the cheaper
    /// one-operand forms that `+ - * /` use.
    @inlinable @inline(__always)
    static func recordBinary(_ op: ReverseOpcode, _ x: Var, _ y: Var) -> Var {
        let r = ReverseRule<T>.binary(op, x.value, y.value)
        if x.slot == 0 && y.slot == 0 { return Var(constant: r.value) }
        let h: UnsafeMutablePointer<TapeHeader>
        var xs = x.slot, ys = y.slot
        if xs == 0 {
            h = checkedHeader(y)
            xs = recordConstant(h, x.value)
        } else if ys == 0 {
            h = checkedHeader(x)
            ys = recordConstant(h, y.value)
        } else {
            h = checkedHeader(x, y)
        }
        return append(h, r.value, op, xs, r.lhs, ys, r.rhs)
    }

    /// Records a constant as an operand-free entry whose value replay reads back from
    /// the constant stream.
    @inlinable
    static func recordConstant(_ h: UnsafeMutablePointer<TapeHeader>, _ c: T) -> UInt32 {
        h.pointee.constants.append(c)
        return appendLeaf(h, c, .constant).slot
    }
}


extension Var: CustomStringConvertible {
    /// The value, and the slot for recorded variables: "2.5 (slot 3)".
    public var description: String { slot == 0 ? "\(value)" : "\(value) (slot \(slot))" }
}

// MARK: - Misuse

@usableFromInline @inline(never)
func staleVariable(slot: UInt32) -> Never {
    fatalError("""
        Wengert: a Var (slot \(slot)) was used after its tape was reset or destroyed. \
        Its slot now means nothing; record the computation again from new tape.variable(_:) \
        inputs after reset(), and do not keep Vars across resets.
        """)
}

/// Stops for two recorded operands that differ in header or epoch: of two tapes, or
/// one of them stale (the header's epoch matches at most one).
@usableFromInline @inline(never)
func mismatchedOperands<T>(_ x: Var<T>, _ y: Var<T>) -> Never {
    let h = x.header.unsafelyUnwrapped
    if h != y.header.unsafelyUnwrapped { mixedTapes(x.slot, y.slot) }
    staleVariable(slot: x.epoch != h.pointee.epoch ? x.slot : y.slot)
}

@usableFromInline @inline(never)
func mixedTapes(_ lhs: UInt32, _ rhs: UInt32) -> Never {
    fatalError("""
        Wengert: an operation combined Vars of two different tapes (slots \(lhs) and \(rhs)). \
        All variables of one computation must come from the same Tape; lift values from \
        another computation with Var(constant: x.value) or record them on one tape.
        """)
}

@usableFromInline @inline(never)
func tapeFull(limit: Int) -> Never {
    fatalError("""
        Wengert: the tape is full: it reached its limit of \(limit) entries (slots are \
        32-bit, so the limit is at most 4294967295). Split the computation, or \
        differentiate a smaller piece at a time, instead of recording it in one tape.
        """)
}

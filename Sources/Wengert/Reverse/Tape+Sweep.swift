// The backward sweep: one loop over the entries in reverse, adding each entry's
// adjoint times its partials into its operands' adjoints. Operands always precede
// their result, so one pass suffices (Griewank & Walther, "Evaluating Derivatives",
// §3.2, for the bound: a gradient costs a small constant times the function).

import CWengert

extension Tape {
    /// The adjoint buffer, grown to at least `count` elements and zeroed on `0..<count`,
    /// for a sweep whose caller may read any slot.
    @inlinable
    func zeroedAdjoints(count: Int) -> UnsafeMutablePointer<T> {
        if count > adjointCapacity { growAdjoints(count) }
        let adj = adjointStorage.unsafelyUnwrapped
        adj.update(repeating: 0, count: count)
        adjointDirtyCount = Swift.max(adjointDirtyCount, count)
        return adj
    }

    /// The adjoint buffer, grown to at least `count` elements and zero on `0..<count`,
    /// for `inputSweep`: zeroed only where an earlier use left it dirty.
    @inlinable
    func clearAdjoints(count: Int) -> UnsafeMutablePointer<T> {
        if count > adjointCapacity { growAdjoints(count) }
        let adj = adjointStorage.unsafelyUnwrapped
        if adjointDirtyCount > 0 {
            adj.update(repeating: 0, count: Swift.min(adjointDirtyCount, adjointCapacity))
            adjointDirtyCount = 0
        }
        return adj
    }

    /// The sweep for callers that read only the adjoints of the inputs, slots
    /// 1...`inputs` (the convenience functions record them first): it stops above them
    /// (their entries pass nothing on) and zeroes each adjoint it has used, so that after
    /// `takeInputAdjoints` the buffer is zero again and the next sweep needs no
    /// O(entries) clearing pass. `adj` is `clearAdjoints`' buffer with the seeds set.
    /// `skippingZeros` passes over entries with a zero adjoint, for a sweep that meets
    /// mostly zeros (a Jacobian row); a gradient's sweep, which meets few, runs faster
    /// without the test.
    ///
    /// - Complexity: O(top − inputs).
    @inlinable
    func inputSweep(_ adj: UnsafeMutablePointer<T>, from top: UInt32, inputs n: Int, skippingZeros: Bool = false) {
        if _slowPath(header.pointee.epochHasWrapped) { TapeHeader.validateOperands(header, T.self, upTo: Int(top)) }
        if _slowPath(tapeMonitorIsInstalled), let monitor = installedTapeMonitor() {
            adjointDirtyCount = Int(header.pointee.count)
            return monitor.tape(self, sweep: adj, from: top)
        }
        let prefetching = Self.prefetches(from: Int(top), to: n)
        let on = SweepFlagOn.self, off = SweepFlagOff.self
        switch (header.pointee.hasMultiplyAdd, skippingZeros) {
        case (true, false): sweepLoop(adj, from: top, floor: n, on, on, off, prefetching: prefetching)
        case (false, false): sweepLoop(adj, from: top, floor: n, off, on, off, prefetching: prefetching)
        case (true, true): sweepLoop(adj, from: top, floor: n, on, on, on, prefetching: prefetching)
        case (false, true): sweepLoop(adj, from: top, floor: n, off, on, on, prefetching: prefetching)
        }
    }

    /// The inputs' adjoints after `inputSweep`, which it then clears (with slot 0).
    @inlinable
    func takeInputAdjoints(_ adj: UnsafeMutablePointer<T>, into out: UnsafeMutableBufferPointer<T>) {
        for i in 0..<out.count { out[i] = adj[i &+ 1] }
        adj.update(repeating: 0, count: out.count &+ 1)
    }

    /// Sized by the recording's entries, not the tape's capacity (which may be nearly
    /// twice as large): a 300-million-entry recording needs 300 million adjoints.
    @usableFromInline
    func growAdjoints(_ count: Int) {
        adjointStorage?.deallocate()
        let capacity = Swift.max(count, Swift.min(2 * adjointCapacity, Int(header.pointee.capacity)))
        adjointStorage = .allocate(capacity: capacity)
        adjointStorage.unsafelyUnwrapped.initialize(repeating: 0, count: capacity)
        adjointCapacity = capacity
        adjointDirtyCount = 0
    }

    /// Propagates the adjoints in `adj` from slot `top` down to slot 1. An entry with a
    /// zero adjoint passes nothing, so an infinite partial never turns 0 into NaN, and a
    /// zero partial passes nothing even from an infinite or NaN adjoint (ARCHITECTURE.md).
    ///
    /// - Complexity: O(top), two multiply-adds per entry.
    @inlinable
    func sweep(_ adj: UnsafeMutablePointer<T>, from top: UInt32) {
        if _slowPath(header.pointee.epochHasWrapped) { TapeHeader.validateOperands(header, T.self, upTo: Int(top)) }
        if _slowPath(tapeMonitorIsInstalled), let monitor = installedTapeMonitor() {
            return monitor.tape(self, sweep: adj, from: top)
        }
        plainSweep(adj, from: top)
    }

    /// The sweep itself, without the monitor hook.
    @inlinable
    func plainSweep(_ adj: UnsafeMutablePointer<T>, from top: UInt32) {
        // Reading each entry's opcode costs about 3 instructions per entry (9% of a
        // Rosenbrock sweep, callgrind), so recordings without `multiplyAdd` skip it.
        let prefetching = Self.prefetches(from: Int(top), to: 0)
        if header.pointee.hasMultiplyAdd {
            sweepLoop(adj, from: top, floor: 0, SweepFlagOn.self, SweepFlagOff.self, SweepFlagOff.self, prefetching: prefetching)
        } else {
            sweepLoop(adj, from: top, floor: 0, SweepFlagOff.self, SweepFlagOff.self, SweepFlagOff.self, prefetching: prefetching)
        }
    }

    /// The loop of `plainSweep` and `inputSweep`, over slots `top` down to `floor + 1`:
    /// with `readingOpcodes`, a `multiplyAdd` entry also passes its adjoint to the entry
    /// before it, and the interior of a `dot` run is one loop over its terms; with
    /// `clearing`, each slot's adjoint is zeroed once used (instead of kept) and the
    /// carry left for slot `floor` is added to it at the end; with `skipping`, an entry
    /// whose adjoint is zero is passed over (for sweeps that meet mostly zeros). The
    /// choices are type parameters, not `Bool` arguments, so that each caller gets a
    /// loop with its choices compiled in even where the optimiser declines to inline
    /// this function (it did, despite `@inline(__always)`, once the loop grew by a few
    /// lines: the Rosenbrock sweep then ran 49 % more instructions, testing both flags
    /// per entry). `prefetching` (`prefetches(from:to:)`) picks, once per sweep, the
    /// loop that prefetches its entries.
    @inlinable @inline(__always)
    func sweepLoop<ReadingOpcodes: SweepFlag, Clearing: SweepFlag, Skipping: SweepFlag>(
        _ adj: UnsafeMutablePointer<T>, from top: UInt32, floor: Int,
        _ r: ReadingOpcodes.Type, _ c: Clearing.Type, _ z: Skipping.Type, prefetching: Bool
    ) {
        if prefetching {
            sweepLoop(adj, from: top, floor: floor, r, c, z, SweepFlagOn.self)
        } else {
            sweepLoop(adj, from: top, floor: floor, r, c, z, SweepFlagOff.self)
        }
    }

    /// Whether a sweep over slots `top` down to `floor + 1` prefetches its entries:
    /// when its entries and adjoints pass 24 MiB (most of the development machine's
    /// 32 MiB L3, shared). Beyond the caches the hardware's prefetch of the backward
    /// stream falls behind: Rosenbrock n = 1e5 and 1e6 (29 and 290 MiB) swept about
    /// 10 % faster with the hint. Within them it only costs: the GMM (404,000
    /// entries, 13 MiB) 7 % slower, and a Rosenbrock-shaped loop at 90,000 entries 5-10 %
    /// (docs/measurements.md, "The sweep's tests and its prefetch").
    @inlinable @inline(__always)
    static func prefetches(from top: Int, to floor: Int) -> Bool {
        (top &- floor) &* (MemoryLayout<TapeEntry<T>>.stride &+ MemoryLayout<T>.stride) >= 24 << 20
    }

    /// `sweepLoop` with the prefetch choice made: with `Prefetching`, each step asks for
    /// the entry 256 slots further down (6 KiB ahead for `Double`).
    @inlinable @inline(__always)
    func sweepLoop<ReadingOpcodes: SweepFlag, Clearing: SweepFlag, Skipping: SweepFlag, Prefetching: SweepFlag>(
        _ adj: UnsafeMutablePointer<T>, from top: UInt32, floor: Int,
        _: ReadingOpcodes.Type, _: Clearing.Type, _: Skipping.Type, _: Prefetching.Type
    ) {
        let readingOpcodes = ReadingOpcodes.isOn, clearing = Clearing.isOn
        let entries = header.pointee.entries.unsafelyUnwrapped.assumingMemoryBound(to: TapeEntry<T>.self)
        let opcodes = header.pointee.opcodes.unsafelyUnwrapped
        // A contribution to the next slot down (the commonest operand) is carried in a
        // register instead of going through memory, which would put a store-to-load
        // forwarding delay on the sweep's critical path (about 10% faster on Rosenbrock).
        var i = Int(top)
        var carry: T = 0
        while i > floor {
            if Prefetching.isOn {
                wengert_prefetch(entries, (i &- 256) &* MemoryLayout<TapeEntry<T>>.stride)
            }
            var a = adj[i]
            if clearing {
                // Adding a zero carry changes nothing but the sign of a zero adjoint, which
                // passes nothing either way: no test, one branch fewer per entry.
                adj[i] = 0
                a += carry
                carry = 0
            } else if !isExactlyZero(carry) {
                a += carry
                adj[i] = a
                carry = 0
            }
            // A zero adjoint passes nothing. For `Double` and `Float` that needs no test
            // of its own: 0 · p is ±0 for a finite partial p, and adding ±0 changes no
            // adjoint (none holds −0: each starts at +0 and only has values added to
            // it, the seed of `gradient(of:seed:)` aside, which is never added to), so
            // only 0 · ±∞ and 0 · NaN, which are NaN, need catching, and the test of the
            // products below catches them. Without the branch on a, Rosenbrock's
            // replayed gradient (n = 1e4) ran about 5 % faster. A `Dual`'s product can
            // hide a NaN in its derivative behind a finite value, so it keeps the test.
            // So does a sweep that `Skipping` marks as meeting mostly zero adjoints (a
            // Jacobian row: each output depends on a small part of the recording), where
            // skipping an entry saves its products and its stores: without it the
            // `jacobian-wide` rows (m = 1000) took 4.3 ms instead of 1.7.
            if (Skipping.isOn || !(T.self == Double.self || T.self == Float.self)) && isExactlyZero(a) {
                i &-= 1
                continue
            }
            if readingOpcodes && opcodes[i &- 1] == ReverseOpcode.multiplyAddInterior.rawValue
                && isFiniteAndNonzero(a) {
                // The last term of a `dot` run (or, after an infinite adjoint, one of
                // its interior terms) and the interior below it: entries whose adjoint
                // is exactly this one (each is used only as the next one's z, and
                // 0 + a = a), whose operands are older than the run, so none is
                // `below` or `i` and the carry left for the run's first entry is a.
                // One loop over the terms without the tests below; the same additions
                // in the same order as entry by entry (x[j] == y[j] gives (adj + l) + r
                // either way). The interior's own adjoints stay 0 where the general
                // path would have kept a: no Var names them. Taking the last term here
                // too, rather than through the general path, saves about 30
                // instructions a run (callgrind, ADBench GMM); two terms a turn, one
                // opcode test each, about 2 a term. The carry is 0 here; added to,
                // as the general path does, rather than assigned (a zero part of a
                // `Dual` keeps the general path's sign).
                carry += a
                var k = i
                repeat {
                    let t = entries[k]
                    adj[Int(t.lhsSlot)] += t.lhsPartial * a
                    adj[Int(t.rhsSlot)] += t.rhsPartial * a
                    if opcodes[k &- 1] != ReverseOpcode.multiplyAddInterior.rawValue {
                        k &-= 1
                        break
                    }
                    let u = entries[k &- 1]
                    adj[Int(u.lhsSlot)] += u.lhsPartial * a
                    adj[Int(u.rhsSlot)] += u.rhsPartial * a
                    k &-= 2
                } while opcodes[k] == ReverseOpcode.multiplyAddInterior.rawValue
                i = k
                continue
            }
            let e = entries[i]
            let lhs = Int(e.lhsSlot), rhs = Int(e.rhsSlot)
            var l = e.lhsPartial * a, r = e.rhsPartial * a
            // A zero partial passes nothing, even from an infinite or NaN adjoint, as
            // forward mode's max, abs, relu and constants pass nothing (0 · ∞ = 0), and
            // a zero adjoint passes nothing, even through an infinite or NaN partial.
            // Each such product is NaN, so one unordered comparison of l with r (2
            // instructions) finds every case, where the adjoint's finiteness test took 4.
            if _slowPath(isUnordered(l, r)) {
                if isExactlyZero(a) {
                    l = 0
                    r = 0
                } else {
                    if l.doubleValue.isNaN && isExactlyZero(e.lhsPartial) { l = 0 }
                    if r.doubleValue.isNaN && isExactlyZero(e.rhsPartial) { r = 0 }
                }
            }
            // x · y + z passes its adjoint to z, the entry before it, with partial 1.
            if readingOpcodes && ReverseOpcode.isMultiplyAdd(opcodes[i]) { carry += a }
            // Two operands first, with one test: the combined test `lhs == rhs && lhs
            // != i - 1` cost 7 instructions of about 40 per entry (callgrind, ADBench GMM).
            let below = i &- 1
            if _fastPath(lhs != rhs) {
                if lhs == below { carry += l } else { adj[lhs] += l }
                // A one-operand entry names its own slot on the right with partial 0
                // (`Var.appendUnary`): nothing to pass on.
                if rhs == below { carry += r } else if rhs != i { adj[rhs] += r }
            } else if lhs != below {
                // x * x (or a leaf, own slot twice with partials 0): one load and one
                // store, not a store-to-load forward between two updates of one cell
                // (same additions in the same order).
                adj[lhs] = adj[lhs] + l + r
            } else {
                carry += l
                carry += r
            }
            i &-= 1
        }
        if clearing && floor > 0 && !isExactlyZero(carry) { adj[floor] += carry }
    }

    /// The derivatives of `output` with respect to every variable of this recording.
    ///
    /// `output` must be a variable of this tape's current recording (or a constant, whose
    /// adjoints are all zero). After `replay(at:)` the sweep uses the replayed partials.
    ///
    /// - Parameters:
    ///   - output: the variable to differentiate.
    ///   - seed: the adjoint of `output` (1 for a gradient); must be finite.
    /// - Complexity: O(entries up to `output`); allocates the returned adjoints.
    @inlinable
    public func gradient(of output: Var<T>, seed: T = 1) -> Adjoints<T> {
        check(output, "output")
        checkSeed(seed)
        let n = Int(header.pointee.count)
        let adj = zeroedAdjoints(count: n)
        if output.slot != 0 {
            adj[Int(output.slot)] = seed
            sweep(adj, from: output.slot)
        }
        return Adjoints(Array(UnsafeBufferPointer(start: adj, count: n)), header: header,
                        epoch: header.pointee.epoch)
    }

    @inlinable @inline(__always)
    func checkSeed(_ seed: T) {
        if !seed.doubleValue.isFinite { nonFiniteSeed(seed.doubleValue) }
    }
}

/// Whether `a` is finite and not ±0: for `Double` and `Float` one comparison of its
/// bits without the sign, less 1, as an unsigned number (0 wraps to the largest; ∞ and
/// NaN lie at or above the bound), where the two tests took two comparisons.
@inlinable @inline(__always)
func isFiniteAndNonzero<T: DifferentiableScalar>(_ a: T) -> Bool {
    if T.self == Double.self {
        let bits = unsafeBitCast(a, to: Double.self).bitPattern & 0x7FFF_FFFF_FFFF_FFFF
        return bits &- 1 < Double.infinity.bitPattern &- 1
    }
    if T.self == Float.self {
        let bits = unsafeBitCast(a, to: Float.self).bitPattern & 0x7FFF_FFFF
        return bits &- 1 < Float.infinity.bitPattern &- 1
    }
    return !isExactlyZero(a) && a.doubleValue.isFinite
}

/// Whether x or y is NaN, written so that it compiles to one unordered comparison of
/// the two (`x.isNaN || y.isNaN` gave two, each with its branch).
@inlinable @inline(__always)
func isUnordered<T: DifferentiableScalar>(_ x: T, _ y: T) -> Bool {
    let u = x.doubleValue, v = y.doubleValue
    return !(u <= v || u > v)
}

/// A choice made when the sweep's loop is compiled (`Tape.sweepLoop`).
@usableFromInline
protocol SweepFlag {
    static var isOn: Bool { get }
}

/// The choice taken.
@usableFromInline
enum SweepFlagOn: SweepFlag {
    @inlinable static var isOn: Bool { true }
}

/// The choice not taken.
@usableFromInline
enum SweepFlagOff: SweepFlag {
    @inlinable static var isOn: Bool { false }
}

/// The adjoints of one sweep: ∂output/∂x for every variable x of the recording.
///
/// Subscript by the `Var`s of the recording (`adjoints[a]`); a constant has adjoint 0.
/// Adjoints are exact for inputs and intermediate results alike, an infinite one
/// included (a zero partial passes nothing, and a one-operand entry passes nothing to
/// the own slot it names on its right; see `Var.appendUnary`).
public struct Adjoints<T: DifferentiableScalar> {
    @usableFromInline let storage: [T]
    @usableFromInline let header: UnsafeMutablePointer<TapeHeader>
    @usableFromInline let epoch: UInt32

    @inlinable
    init(_ storage: [T], header: UnsafeMutablePointer<TapeHeader>, epoch: UInt32) {
        self.storage = storage
        self.header = header
        self.epoch = epoch
    }

    /// ∂output/∂x. Traps if `x` belongs to another tape or another recording.
    ///
    /// - Complexity: O(1).
    @inlinable
    public subscript(x: Var<T>) -> T {
        if x.slot == 0 { return 0 }
        if x.header != header { foreignVariable(x.slot, "Var whose adjoint was asked for", ownTape: false) }
        if x.epoch != epoch { adjointsOfAnotherRecording(x.slot) }
        return storage[Int(x.slot)]
    }

    /// ∂output/∂xᵢ for each xᵢ, in order.
    ///
    /// - Complexity: O(n).
    @inlinable
    public subscript(xs: [Var<T>]) -> [T] { xs.map { self[$0] } }
}

/// Whether every component of `x` is zero: the value for plain numbers, the value and
/// the derivative for duals (whose `==` compares values only, and whose adjoint with a
/// zero value may still carry a second-order term). Specialises to one comparison.
@inlinable @inline(__always)
func isExactlyZero<T: DifferentiableScalar>(_ x: T) -> Bool {
    if T.self == Double.self { return unsafeBitCast(x, to: Double.self) == 0 }
    if T.self == Float.self { return unsafeBitCast(x, to: Float.self) == 0 }
    if T.self == Dual<Double>.self {
        let d = unsafeBitCast(x, to: Dual<Double>.self)
        return d.value == 0 && d.derivative == 0
    }
    if T.self == Dual<Float>.self {
        let d = unsafeBitCast(x, to: Dual<Float>.self)
        return d.value == 0 && d.derivative == 0
    }
    if let z = x as? any ExactZeroTestable { return z.isExactlyZero }
    return x == 0
}

/// Scalars whose `==` ignores part of their content and that can say exactly when
/// they are zero.
@usableFromInline
protocol ExactZeroTestable {
    var isExactlyZero: Bool { get }
}

extension Dual: ExactZeroTestable {
    @usableFromInline var isExactlyZero: Bool { Wengert.isExactlyZero(value) && Wengert.isExactlyZero(derivative) }
}

/// The `Var` and the `Adjoints` come from two recordings of one tape; either may be the
/// newer, so the message does not call either the earlier one.
@usableFromInline @inline(never)
func adjointsOfAnotherRecording(_ slot: UInt32) -> Never {
    fatalError("""
        Wengert: the Var whose adjoint was asked for (slot \(slot)) and these Adjoints come \
        from different recordings of the same tape (reset() ran between them). Ask the \
        Adjoints of the recording that made the Var: call gradient(of:) again after recording.
        """)
}

@usableFromInline @inline(never)
func nonFiniteSeed(_ seed: Double) -> Never {
    fatalError("""
        Wengert: the seed (cotangent) of a reverse sweep must be finite; got \(seed). \
        Check the vector passed as along: or seed: for NaN or infinity.
        """)
}

// The Wengert tape (Wengert 1964; Hogan 2014, "Fast reverse-mode automatic
// differentiation using expression templates in C++", for the flat-array layout; Stan
// Math's arena for keeping the memory across gradients). Recording appends fixed-size
// entries to one contiguous array that doubles when full and keeps its capacity across
// `reset()`, so a steady-state gradient allocates nothing on the tape side.

/// A recording of scalar operations, differentiated in reverse mode.
///
/// Create inputs with `variable(_:)`, compute with them as with numbers, and call
/// `gradient(of:)` on the result:
///
/// ```swift
/// let tape = Tape<Double>()
/// let a = tape.variable(3.0), b = tape.variable(4.0)
/// let z = a * b + sin(a)
/// let adjoints = tape.gradient(of: z)      // adjoints[a] = 4 + cos 3, adjoints[b] = 3
/// tape.reset()                             // keeps its memory for the next recording
/// ```
///
/// A tape belongs to one thread at a time (it is not `Sendable`); different tapes on
/// different threads never interfere. The convenience functions (`gradient(of:at:)`,
/// `Reverse.jacobian(of:at:)`, …) take a tape from a per-thread pool.
///
/// - Complexity: recording costs O(1) amortised per operation; memory is
///   `MemoryLayout<T>.stride × 2 + 9` bytes per entry (25 for `Double`: 24 for the
///   entry, 1 for the opcode replay needs), plus one `T` per constant operand other
///   than a factor (`x * c` keeps c as its partial).
///
/// See <doc:Modes>.
public final class Tape<T: DifferentiableScalar> {
    @usableFromInline let header: UnsafeMutablePointer<TapeHeader>
    // The mutable properties below are `@exclusivity(unchecked)`: a tape belongs to one
    // thread at a time and no method holds an access to one across a call that could
    // reach another, while the checks cost a runtime call (about 78 instructions) per
    // access in code inlined into other modules: a quarter of the fixed cost of a small
    // `gradient(of:at:)` (callgrind).
    /// Adjoint buffer reused by every sweep; `adjointCapacity` elements.
    @exclusivity(unchecked) @usableFromInline var adjointStorage: UnsafeMutablePointer<T>?
    @exclusivity(unchecked) @usableFromInline var adjointCapacity: Int = 0
    /// Leading adjoints that may be non-zero: 0 after an input sweep has cleared behind
    /// itself (Tape+Sweep.swift), so the next one need not zero the buffer.
    @exclusivity(unchecked) @usableFromInline var adjointDirtyCount: Int = 0
    /// Values recomputed by replay; `valueCapacity` elements.
    @exclusivity(unchecked) @usableFromInline var valueStorage: UnsafeMutablePointer<T>?
    @exclusivity(unchecked) @usableFromInline var valueCapacity: Int = 0
    /// Whether `valueStorage` holds the values of the current recording (after a replay).
    @exclusivity(unchecked) @usableFromInline var hasReplayedValues = false
    /// Input variables reused by the convenience functions, so that steady state
    /// allocates only the result (unless the caller's function kept the last ones).
    @exclusivity(unchecked) @usableFromInline var inputScratch: [Var<T>] = []
    /// The batched order of the latest recording replayed with `.vectorized`
    /// (Reverse/ReplaySchedule.swift), built at its first such replay.
    @exclusivity(unchecked) @usableFromInline var replaySchedule: ReplaySchedule?
    /// The branch guards of the latest `Double` or `Float` recording replayed, grouped
    /// for replay's C check (Reverse/ReplayGuards.swift), built at its first replay.
    @exclusivity(unchecked) @usableFromInline var replayGuards: ReplayGuards<T>?

    /// How `replay(at:)` evaluates the elementary functions: `.exact` (the default), bit
    /// for bit as a fresh recording, or `.vectorized`, in batches through the vector
    /// kernels, to within their ulp bounds (see `ReplayElementaryFunctions`).
    @exclusivity(unchecked) public var replayElementaryFunctions: ReplayElementaryFunctions = .exact

    /// An empty tape.
    ///
    /// - Parameters:
    ///   - capacity: entries to reserve up front (the tape grows by doubling anyway).
    ///   - entryLimit: the most entries one recording may hold, at most 2³² - 1 (slots
    ///     are 32-bit). Recording past it stops with a message rather than wrapping.
    ///   - memoryBudget: the most bytes a recording may use for its entries, their
    ///     opcodes and the adjoints a sweep needs (`bytesPerEntry + MemoryLayout<T>.stride`
    ///     per entry; the constant stream, branch guards, replay's value buffer and the
    ///     vectorised replay's schedule, 8 bytes per entry, are not counted), or nil for
    ///     no budget. Recording that would pass it stops with a message naming the number
    ///     of entries and bytes reached, instead of running the machine out of memory.
    /// - Complexity: O(capacity) to reserve.
    public init(capacity: Int = 0, entryLimit: Int = Int(UInt32.max), memoryBudget: Int? = nil) {
        guard _isPOD(T.self) else {
            fatalError("Wengert: Tape<\(T.self)> needs a trivially copyable scalar type (Float, Double, Dual of them).")
        }
        guard entryLimit >= 2 && entryLimit <= Int(UInt32.max) else {
            fatalError("Wengert: Tape entryLimit must be in 2...\(UInt32.max); got \(entryLimit).")
        }
        if let memoryBudget, memoryBudget < 1024 * (Tape.bytesPerEntry + MemoryLayout<T>.stride) {
            fatalError("""
                Wengert: Tape memoryBudget must allow at least 1024 entries \
                (\(1024 * (Tape.bytesPerEntry + MemoryLayout<T>.stride)) bytes); got \(memoryBudget).
                """)
        }
        header = TapeHeader.make(limit: UInt32(entryLimit))
        header.pointee.byteBudget = memoryBudget ?? Int.max
        while Int(header.pointee.capacity) < Swift.min(Swift.max(capacity, 1), entryLimit) {
            TapeHeader.grow(header, entryStride: MemoryLayout<TapeEntry<T>>.stride, scalarStride: MemoryLayout<T>.stride)
        }
        appendNullSlot()
    }

    deinit {
        adjointStorage?.deallocate()
        valueStorage?.deallocate()
        TapeHeader.recycle(header)
    }

    /// Entry 0: the operand of nothing, which inputs and constant entries name.
    @inlinable
    func appendNullSlot() {
        _ = Var<T>.appendLeaf(header, 0, .null)
    }

    /// A new input variable with the given value.
    ///
    /// - Complexity: O(1); one entry.
    @inlinable
    public func variable(_ value: T) -> Var<T> {
        if _slowPath(tapeMonitorIsInstalled) { installedTapeMonitor()?.tape(self, recordedInput: value) }
        return appendInput(value)
    }

    /// `variable(_:)` without telling a monitor: for callers that looked for one already.
    @inlinable @inline(__always)
    func appendInput(_ value: T) -> Var<T> {
        header.pointee.inputCount += 1
        return Var.appendLeaf(header, value, .input)
    }

    /// New input variables, one per value, in order.
    ///
    /// - Complexity: O(n); n entries.
    @inlinable
    public func variables(_ values: [T]) -> [Var<T>] {
        values.withUnsafeBufferPointer { source in
            [Var<T>](unsafeUninitializedCapacity: source.count) { buffer, initialized in
                for k in 0..<source.count { buffer.initializeElement(at: k, to: variable(source[k])) }
                initialized = source.count
            }
        }
    }

    /// Forgets the recording and keeps the memory. Every `Var` of the old recording
    /// becomes invalid: using one afterwards stops with a message. (The 32-bit epoch
    /// that tells recordings apart wraps after 2³² − 1 resets; from then on each sweep
    /// and replay of this tape checks its entries' operands first: see TapeHeader.swift.)
    ///
    /// - Complexity: O(1).
    @inlinable
    public func reset() {
        let h = header
        TapeHeader.advanceEpoch(h)
        h.pointee.count = 0
        h.pointee.constants.count = 0
        h.pointee.guards.count = 0
        h.pointee.customCount = 0
        h.pointee.hasMultiplyAdd = false
        h.pointee.inputCount = 0
        hasReplayedValues = false
        appendNullSlot()
    }

    /// Entries recorded, inputs included, the null slot excluded.
    public var entryCount: Int { Int(header.pointee.count) - 1 }
    /// Input variables recorded.
    public var inputCount: Int { header.pointee.inputCount }
    /// Comparisons recorded as branch guards (checked by replay).
    public var branchGuardCount: Int { header.pointee.guards.count }
    /// Entries recorded by custom rules (a recording with any cannot be replayed).
    public var customRuleCount: Int { header.pointee.customCount }
    /// Bytes per entry: the entry itself plus its opcode byte.
    public static var bytesPerEntry: Int { MemoryLayout<TapeEntry<T>>.stride + 1 }

    /// Bytes the current recording occupies: entries, opcodes, constants and guards.
    public var recordedByteCount: Int {
        Int(header.pointee.count) * Tape.bytesPerEntry
            + header.pointee.constants.count * MemoryLayout<T>.stride
            + header.pointee.guards.count * MemoryLayout<BranchGuard<T>>.stride
    }

    /// Bytes the tape holds, reserved capacity and the sweep and replay buffers included.
    public var reservedByteCount: Int {
        Int(header.pointee.capacity) * Tape.bytesPerEntry
            + header.pointee.constants.capacity * MemoryLayout<T>.stride
            + header.pointee.guards.capacity * MemoryLayout<BranchGuard<T>>.stride
            + (adjointCapacity + valueCapacity) * MemoryLayout<T>.stride
    }

    /// Whether `x` is a variable of this tape's current recording.
    @inlinable
    public func owns(_ x: Var<T>) -> Bool {
        x.slot != 0 && x.header == header && x.epoch == header.pointee.epoch && x.slot < header.pointee.count
    }

    /// Traps unless `x` is a constant or a current variable of this tape.
    @inlinable @inline(__always)
    func check(_ x: Var<T>, _ role: StaticString) {
        if x.slot != 0 && !owns(x) { foreignVariable(x.slot, role, ownTape: x.header == header) }
    }
}

@usableFromInline @inline(never)
func foreignVariable(_ slot: UInt32, _ role: StaticString, ownTape: Bool) -> Never {
    if ownTape {
        fatalError("""
            Wengert: the \(role) (slot \(slot)) is from an earlier recording of this tape, \
            made before reset(). Use the Vars of the current recording.
            """)
    }
    fatalError("""
        Wengert: the \(role) (slot \(slot)) was recorded on a different tape. Differentiate \
        it with the tape that recorded it.
        """)
}

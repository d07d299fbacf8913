// The tensor recording: a flat list of entries, one per differentiable operation (op
// code, operand entry ids, saved tensors, integer arguments), swept backwards by one loop
// that applies the rule table of TensorPullbacks.swift. It is the tape of Hogan (2014)
// lifted from scalars to tensors; no closure or object is made per operation.
//
// A recording belongs to the computation, like PyTorch's grad_fn graph, not to a thread
// (ARCHITECTURE.md, "Tensor recordings"): an operation appends to the recording of its
// interior operands; one whose tracked operands are all leaves starts in the calling
// thread's current recording; two live recordings that meet are joined into one
// (TensorRecording+Joining.swift). `backward()` frees the entries its result depends on
// and nothing else (TensorRecording+Sweep.swift). Tensors hold their recording strongly;
// a recording that no tensor refers to is dropped, or reused by its thread.

import CWengert
import Synchronization

/// The operations that a recording knows, each with one backward rule.
@usableFromInline
enum TensorOperation: UInt8, Sendable {
    case leaf
    case add, subtract, multiply, divide, negate, power, atan2, hypot, minimum, maximum
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, expm1, log, log1p, log2, log10
    case sqrt, cbrt, abs, erf, sigmoid, softplus, relu, squared
    case sum, maximumAlongAxes, minimumAlongAxes, reshape, transpose, slice, gather, concatenate
    case select, matmul, custom
    case mean
    /// A LazyTensor's fused elementwise program (FusedProgram.swift), its steps in the
    /// arguments and its inputs saved, then the steps' values when the forward pass kept them.
    case fused
    // Recorded only by backward rules run on a recording (`creatingGraph`): each is the
    // differentiable form of a step that a first-order rule takes with a raw kernel.
    /// `x` repeated along broadcast axes (the inverse of summing a cotangent back).
    case expand
    /// The gather rule: slices added into a zero tensor at indices along an axis.
    case scatter
    /// g · p with the chain rule's convention (0 where either is 0).
    case chain
    /// A custom function's cotangent, recorded so that a second derivative reaching a
    /// custom function without a differentiable backward stops with its name.
    case customBackward

    /// PyTorch-style `grad_fn` name: "MultiplyBackward"; `squared()` is PyTorch's `x ** 2`,
    /// so it reads "PowBackward" as the seeds print it.
    @usableFromInline var backwardName: String {
        if self == .squared { return "PowBackward" }
        let raw = "\(self)"
        return raw.prefix(1).uppercased() + raw.dropFirst() + "Backward"
    }
}

/// A tensor's place in the autograd machinery: a leaf, made by `requiringGradient()`,
/// whose gradient accumulates in its box; or the result of entry `index` of a
/// recording (or, once that recording was joined into another, of the entry it moved
/// to: see `TensorRecording.resolved`).
///
/// One reference to a native base class and an index, not generic over the scalar
/// type: an optional enum of two generic class payloads (and an optional struct holding
/// `AnyObject`) was copied and destroyed through the runtime's value witnesses, about 75
/// instructions each time a tensor value died; an optional of this struct is one
/// nullable native reference that `swift_retain` and `swift_release` take directly. The
/// accessors name the scalar type.
/// Sendable: both referents are (a leaf box by its locks, a recording by its lock).
@usableFromInline
struct TensorTracking: @unchecked Sendable {
    /// The leaf box when `index` is negative, else the recording.
    @usableFromInline let owner: TensorTrackingOwner
    /// The entry in the recording; -1 for a leaf.
    @usableFromInline let index: Int

    @inlinable init(owner: TensorTrackingOwner, index: Int) {
        self.owner = owner
        self.index = index
    }

    /// A leaf's tracking.
    @inlinable static func leaf<S>(_ box: TensorLeaf<S>) -> TensorTracking { TensorTracking(owner: box, index: -1) }

    /// An interior tensor's tracking: entry `index` of `recording`.
    @inlinable static func interior<S>(_ recording: TensorRecording<S>, _ index: Int) -> TensorTracking {
        TensorTracking(owner: recording, index: index)
    }

    /// The leaf's box (of a tensor of `S`), nil for an interior tensor.
    @inlinable func leafBox<S>(_: S.Type) -> TensorLeaf<S>? {
        index < 0 ? unsafeDowncast(owner, to: TensorLeaf<S>.self) : nil
    }

    /// The recording of an interior tensor of `S` (with `index` its entry), nil for a leaf.
    @inlinable func recording<S>(_: S.Type) -> TensorRecording<S>? {
        index >= 0 ? unsafeDowncast(owner, to: TensorRecording<S>.self) : nil
    }
}

/// The common base class of the objects a ``TensorTracking`` refers to (leaf boxes and
/// recordings), so that it holds a native reference of a known class rather than
/// `AnyObject`. It has no state.
@usableFromInline
class TensorTrackingOwner: @unchecked Sendable {
    @inlinable init() {}

    /// The owner that constants hold in place of none (Tensor.trackingOwner): one
    /// shared, statically initialised object, which the runtime makes immortal, so that
    /// retaining and releasing it writes no count (docs/measurements.md; an optional
    /// owner instead cost value-witness copies of every `Tensor?`). Every tensor an
    /// operation makes starts with it, so it is read from a per-thread slot
    /// (`threadCachedGlobal`).
    @inlinable static var constant: TensorTrackingOwner {
        threadCachedGlobal(WENGERT_SLOT_CONSTANT_OWNER) { sharedConstant }.takeUnretainedValue()
    }

    /// The shared constant owner, which lives as long as the process.
    @usableFromInline static let sharedConstant = TensorTrackingOwner()
}

/// One recorded operation. Operands, saved tensors and arguments live in the
/// recording's flat arrays; an entry names its ranges there.
@usableFromInline
struct TensorEntry: Sendable {
    @usableFromInline var operation: TensorOperation
    /// Set by the backward pass that freed the entry's saved tensors (for leaves, that
    /// reached it; a leaf has nothing to free and stays usable).
    @usableFromInline var isFreed = false
    @usableFromInline var operandStart: Int32
    @usableFromInline var operandCount: Int32
    @usableFromInline var savedStart: Int32
    @usableFromInline var savedCount: Int32
    @usableFromInline var argumentStart: Int32
    @usableFromInline var argumentCount: Int32

    @inlinable init(
        operation: TensorOperation, operandStart: Int, operandCount: Int, savedStart: Int, savedCount: Int,
        argumentStart: Int, argumentCount: Int
    ) {
        self.operation = operation
        self.operandStart = tensorRecordingIndex(operandStart)
        self.operandCount = tensorRecordingIndex(operandCount)
        self.savedStart = tensorRecordingIndex(savedStart)
        self.savedCount = tensorRecordingIndex(savedCount)
        self.argumentStart = tensorRecordingIndex(argumentStart)
        self.argumentCount = tensorRecordingIndex(argumentCount)
    }
}

/// `index` as the 32-bit index an entry stores; stops with a message past 2³¹ - 1, as
/// the scalar tape does, rather than wrap to a wrong operand.
@inlinable @inline(__always)
func tensorRecordingIndex(_ index: Int) -> Int32 {
    if _slowPath(index > Int(Int32.max)) { wengertTensorRecordingFull(index) }
    return Int32(truncatingIfNeeded: index)
}

@usableFromInline @inline(never)
func wengertTensorRecordingFull(_ index: Int) -> Never {
    fatalError(
        "Wengert: a tensor recording grew past 2^31 - 1 entries, operands or saved tensors (\(index)); "
            + "call backward() or drop the tensors of finished computations so recordings are freed.")
}

/// One operand of an entry: the entry that made it and its shape. One list of these
/// rather than two parallel ones, so that recording an operand is one append.
@usableFromInline
struct TensorOperandRecord: Sendable {
    /// The operand's shape (for unbroadcasting gradients): an inline value, so appending
    /// and clearing records touch no reference counts.
    @usableFromInline var shape: TensorDimensions
    /// The entry of this recording that made the operand; -1 for an untracked operand.
    @usableFromInline var entry: Int32

    @inlinable init(entry: Int32, shape: TensorDimensions) {
        self.entry = entry
        self.shape = shape
    }
}

/// A recording of tensor operations, in execution order.
///
/// Shared by every tensor it made, and so possibly by tasks on several threads. Sendable
/// by its lock, not by assertion: every stored `var` is read and written only between
/// `lock()` and `unlock()` (a spin lock held for bookkeeping only, never while a kernel
/// or a backward rule runs), except that `mergedInto` and `mergeOffset` are written once,
/// before `stub` is set with release ordering, and read only after `stub` was seen set;
/// and a backward pass reads, unlocked, the storage it retained under the lock, which no
/// one changes below its counts while it is shared (TensorRecordingStorage.swift).
@usableFromInline
final class TensorRecording<Scalar: TensorScalar>: TensorTrackingOwner, @unchecked Sendable {
    /// The recorded lists (TensorRecordingStorage.swift), replaced by a copy before any
    /// change that a running sweep's snapshot of them could see. `@exclusivity(unchecked)`
    /// here and below: the lock serialises access, and the dynamic checks on class
    /// storage cost more than the rest of recording an entry.
    /// - `entries`: one per recorded operation.
    /// - `operands`: the operands of all entries, concatenated.
    /// - `saved`: tensors saved for backward rules, concatenated, without their tracking
    ///   (a saved tensor must not keep its own recording alive).
    /// - `savedEntries`: parallel to `saved`, the entry of this recording that made each
    ///   saved tensor (an operand's entry, or the saving entry itself for its output), -1
    ///   for a constant. A backward that creates a graph gives the saved tensors their
    ///   tracking back from it, so that the rules' results are differentiable in the inputs.
    /// - `arguments`: integer arguments (axes, ranges, indices), concatenated.
    /// - `leaves`: the leaf boxes referred to by `.leaf` entries.
    /// - `customFunctions`: the custom functions referred to by `.custom` entries.
    @exclusivity(unchecked) @usableFromInline var storage = TensorRecordingStorage<Scalar>()
    /// Gradient boxes of interior tensors that asked to keep their gradient
    /// (`retainingGradient()`), by entry id; they outlive the entries' saved tensors.
    @exclusivity(unchecked) @usableFromInline var retainedGradients: [Int: TensorLeaf<Scalar>] = [:]
    /// How many entries a backward pass has freed.
    @exclusivity(unchecked) @usableFromInline var freedCount = 0
    /// The recording this one was joined into; its entry k is entry k + `mergeOffset` there.
    @exclusivity(unchecked) @usableFromInline var mergedInto: TensorRecording?
    @exclusivity(unchecked) @usableFromInline var mergeOffset = 0
    /// Set (release) once this recording was joined into `mergedInto` and emptied.
    @usableFromInline let stub = Atomic<Bool>(false)
    /// The spin lock's word (CWengert's `wengert_spin_lock`).
    @usableFromInline let lockWord: UnsafeMutablePointer<Int32>

    @inlinable override init() {
        lockWord = .allocate(capacity: 1)
        lockWord.initialize(to: 0)
    }

    deinit { lockWord.deallocate() }

    @inlinable @inline(__always) func lock() { wengert_spin_lock(lockWord) }
    @inlinable @inline(__always) func unlock() { wengert_spin_unlock(lockWord) }

    /// Whether this recording was joined into another (read under the lock).
    @inlinable var isStub: Bool { stub.load(ordering: .relaxed) }

    /// The entries that a backward pass could still sweep (not freed), under the lock.
    @inlinable var liveCount: Int { storage.entries.count - freedCount }

    /// The recorded entries, for reading under the lock (`storage`'s).
    @inlinable var entries: TensorRecordingBuffer<TensorEntry> { storage.entries }

    /// Makes room in the full lists when `full`: grown in place when this recording owns
    /// its storage alone, else copied (a snapshot reads the old one). Appends go
    /// `makeRoom(if: storage.x.isFull); storage.x.appendUnchecked(…)`, reading `storage`
    /// afresh: a local holding it (strong, or `unowned(unsafe)`) cost a retain and a
    /// release per append, and `makeRoom` may replace it.
    @inlinable @inline(__always) func makeRoom(if full: Bool) {
        if _slowPath(full) { makeRoom() }
    }

    @usableFromInline @inline(never) func makeRoom() {
        if isKnownUniquelyReferenced(&storage) {
            storage.growFullLists()
        } else {
            storage = TensorRecordingStorage(copying: storage, growing: true)
        }
    }

    /// The storage, this recording's alone: copied first if a snapshot shares it. Every
    /// change to elements already recorded goes through it.
    @inlinable func uniqueStorage() -> TensorRecordingStorage<Scalar> {
        if _slowPath(!isKnownUniquelyReferenced(&storage)) { storage = TensorRecordingStorage(copying: storage, growing: false) }
        return storage
    }

    /// The entry id of a tracked operand in this recording (locked), adding an entry for
    /// a leaf on its first use here.
    /// The tracking comes as a tensor's two fields (`trackingOwner`, `trackingIndex`),
    /// not as a `TensorTracking?` built from them and unwrapped again by the caller.
    @inlinable func entry(owner: TensorTrackingOwner, index: Int) -> Int {
        if index >= 0 {
            let recording = unsafeDowncast(owner, to: TensorRecording.self)
            if recording === self { return index }
            // Joined into this one earlier: follow the forwarding (no other lock taken).
            let (final, moved) = TensorRecording.resolved(recording, index)
            if final !== self { wengertTensorInvalid("internal error: an operand's recording is not the target recording") }
            return moved
        } else {
            let box = unsafeDowncast(owner, to: TensorLeaf<Scalar>.self)
            let cached = box.cachedEntry.load(ordering: .relaxed)
            if cached >= 0, cached < storage.entries.count, storage.entries[cached].operation == .leaf,
                storage.leaves[storage.arguments[Int(storage.entries[cached].argumentStart)]] === box
            {
                return cached
            }
            makeRoom(if: storage.leaves.isFull)
            storage.leaves.appendUnchecked(box)
            let id = appendMarker(.leaf, argument: storage.leaves.count - 1)
            box.cachedEntry.store(id, ordering: .relaxed)
            return id
        }
    }

    @inlinable func appendMarker(_ operation: TensorOperation, argument: Int) -> Int {
        makeRoom(if: storage.entries.isFull || storage.arguments.isFull)
        storage.entries.appendUnchecked(
            TensorEntry(
                operation: operation, operandStart: storage.operands.count, operandCount: 0, savedStart: storage.saved.count,
                savedCount: 0, argumentStart: storage.arguments.count, argumentCount: 1))
        storage.arguments.appendUnchecked(argument)
        return storage.entries.count - 1
    }

    @inlinable func appendOperand(_ input: Tensor<Scalar>) {
        var id: Int32 = -1
        if input.isTracked {
            // The common case, an interior operand of this recording, is `entry`'s first test.
            id = tensorRecordingIndex(entry(owner: input.trackingOwner, index: input.trackingIndex))
        }
        makeRoom(if: storage.operands.isFull)
        storage.operands.appendUnchecked(TensorOperandRecord(entry: id, shape: input.dimensions))
    }

    /// Saves `s` untracked, remembering the entry that made it (-1 for a constant).
    @inlinable func appendSaved(_ s: Tensor<Scalar>) {
        // Room for both lists first: `entry` below may append a leaf's entry.
        makeRoom(if: storage.saved.isFull || storage.savedEntries.isFull)
        storage.saved.appendUnchecked(s.untracked)
        guard s.isTracked else { return storage.savedEntries.appendUnchecked(-1) }
        // The common case, an interior tensor of this recording, is `entry`'s first test.
        let id = tensorRecordingIndex(entry(owner: s.trackingOwner, index: s.trackingIndex))
        makeRoom(if: storage.savedEntries.isFull)
        storage.savedEntries.appendUnchecked(id)
    }

    /// `appendSaved(s)` unless `s` is nil, binding it in place (`if let` would copy it).
    @inlinable func appendSaved(ifAny s: Tensor<Scalar>?) {
        switch s {
        case .some(let s): appendSaved(s)
        case .none: break
        }
    }

    /// Appends one entry with up to two operands and three saved tensors (no
    /// intermediate arrays: this is the per-operation hot path) and returns its id.
    /// `savedOutput` is the position among s0, s1, s2 of the operation's own result (it
    /// is untracked until this entry exists), or -1. The recording must be locked.
    @inlinable func append(
        _ operation: TensorOperation, _ a: Tensor<Scalar>, _ b: Tensor<Scalar>?, saving s0: Tensor<Scalar>?,
        _ s1: Tensor<Scalar>?, _ s2: Tensor<Scalar>?, savedOutput: Int = -1, arguments args: [Int]
    ) -> Int {
        let operandStart = storage.operands.count
        appendOperand(a)
        // `switch` rather than `if let`, which would copy each tensor (Tensor.recorded).
        switch b {
        case .some(let b): appendOperand(b)
        case .none: break
        }
        let savedStart = storage.saved.count
        appendSaved(ifAny: s0)
        appendSaved(ifAny: s1)
        appendSaved(ifAny: s2)
        let id = appendEntry(operation, operandStart: operandStart, savedStart: savedStart, arguments: args)
        // A slot appended above, past what any snapshot reads.
        if savedOutput >= 0 { storage.savedEntries[savedStart + savedOutput] = tensorRecordingIndex(id) }
        return id
    }

    /// Appends one entry with any number of operands (concatenation; saved too when
    /// `savingOperands`, and `extra` after them) and returns its id. The recording must
    /// be locked.
    @inlinable func append(
        _ operation: TensorOperation, operands inputs: [Tensor<Scalar>], arguments args: [Int], savingOperands: Bool = false,
        extra: Tensor<Scalar>? = nil
    ) -> Int {
        let operandStart = storage.operands.count
        for input in inputs { appendOperand(input) }
        let savedStart = storage.saved.count
        if savingOperands { for input in inputs { appendSaved(input) } }
        appendSaved(ifAny: extra)
        return appendEntry(operation, operandStart: operandStart, savedStart: savedStart, arguments: args)
    }

    /// Appends `args` and an entry for the operands and saved tensors appended since
    /// `operandStart` and `savedStart`, and returns its id (locked).
    @inlinable @inline(__always)
    func appendEntry(_ operation: TensorOperation, operandStart: Int, savedStart: Int, arguments args: [Int]) -> Int {
        let argumentStart = storage.arguments.count
        for argument in args {
            makeRoom(if: storage.arguments.isFull)
            storage.arguments.appendUnchecked(argument)
        }
        makeRoom(if: storage.entries.isFull)
        storage.entries.appendUnchecked(
            TensorEntry(
                operation: operation, operandStart: operandStart, operandCount: storage.operands.count - operandStart,
                savedStart: savedStart, savedCount: storage.saved.count - savedStart, argumentStart: argumentStart,
                argumentCount: args.count))
        return storage.entries.count - 1
    }

    /// Appends `function` to the custom functions (locked) and returns its index.
    @inlinable func appendCustomFunction(_ function: CustomFunction<Scalar>) -> Int {
        makeRoom(if: storage.customFunctions.isFull)
        storage.customFunctions.appendUnchecked(function)
        return storage.customFunctions.count - 1
    }

    /// Empties the recording for reuse, keeping its buffers (unless a snapshot still
    /// shares them: then it starts in new ones). Only for a recording that no tensor
    /// refers to (locked).
    @inlinable func reset() {
        if isKnownUniquelyReferenced(&storage) {
            storage.removeAll()
        } else {
            storage = TensorRecordingStorage()
        }
        if !retainedGradients.isEmpty { retainedGradients.removeAll() }
        freedCount = 0
        if mergedInto != nil {
            mergedInto = nil
            mergeOffset = 0
            stub.store(false, ordering: .relaxed)
        }
    }
}

/// Empties `array` keeping its capacity, one `removeLast()` at a time: for elements that
/// hold references, `removeAll(keepingCapacity:)` destroys them through the runtime's
/// generic `swift_arrayDestroy` (a witness call per element, about 200 instructions for
/// two tensors besides their releases), while `removeLast` releases each one inline. An
/// empty array costs one check.
@inlinable @inline(__always)
func removeAllInPlace<Element>(_ array: inout [Element]) {
    while !array.isEmpty { array.removeLast() }
}

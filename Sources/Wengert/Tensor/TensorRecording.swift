// The tensor recording: a flat, per-thread list of entries, one per differentiable
// operation (op code, operand entry ids, saved tensors, integer arguments), swept
// backwards by one loop that applies the rule table of TensorPullbacks.swift. It is the
// tape of Hogan (2014) lifted from scalars to tensors; no closure or object is made
// per operation.
//
// Lifetime: tensors hold their recording strongly; `backward()` frees its saved tensors
// unless asked to retain them, and a recording that no tensor refers to any more is
// cleared (and its buffers reused) at the thread's next recorded operation. A training
// loop therefore runs in flat memory with nothing to release by hand.
//
// Threads: an operation records into its interior operands' recording, or, when its
// tracked operands are all leaves, into the thread's current one. Two tasks that
// interleave recorded computations on one thread (one suspends at an `await` midway)
// therefore share a recording, and the first `backward()` frees it for both: the
// second stops with the "already freed" message. Finish a recorded computation before
// suspending, or pass `retainingGraph: true`. Concurrent computations on different
// threads, the usual data-parallel case, are independent.

import CWengert

/// The operations that a recording knows, each with one backward rule.
@usableFromInline
enum TensorOperation: UInt8, Sendable {
    case leaf, freed
    case add, subtract, multiply, divide, negate, power, atan2, hypot, minimum, maximum
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, expm1, log, log1p, log2, log10
    case sqrt, cbrt, abs, erf, sigmoid, softplus, relu, squared
    case sum, maximumAlongAxes, minimumAlongAxes, reshape, transpose, slice, gather, concatenate
    case select, matmul, custom

    /// PyTorch-style `grad_fn` name: "MultiplyBackward".
    @usableFromInline var backwardName: String {
        let raw = "\(self)"
        return raw.prefix(1).uppercased() + raw.dropFirst() + "Backward"
    }
}

/// A tensor's place in the autograd machinery.
@usableFromInline
enum TensorTracking<Scalar: TensorScalar> {
    /// A leaf: made by `requiringGradient()`; its gradient accumulates in the box.
    case leaf(TensorLeaf<Scalar>)
    /// The result of entry `index` of `recording`.
    case interior(TensorRecording<Scalar>, Int)
}

/// The identity and accumulated gradient of a leaf tensor; shared by its copies.
public final class TensorLeaf<Scalar: TensorScalar> {
    /// The accumulated gradient, nil until the first backward pass reaches the leaf.
    @exclusivity(unchecked) @usableFromInline var grad: Tensor<Scalar>?
    /// The leaf's entry in the recording it was last used in (checked before reuse).
    @usableFromInline var cachedEntry: Int = -1
    @inlinable init() {}
}

/// One recorded operation. Operands, saved tensors and arguments live in the
/// recording's flat arrays; an entry names its ranges there.
@usableFromInline
struct TensorEntry {
    @usableFromInline var operation: TensorOperation
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
        self.operandStart = Int32(truncatingIfNeeded: operandStart)
        self.operandCount = Int32(truncatingIfNeeded: operandCount)
        self.savedStart = Int32(truncatingIfNeeded: savedStart)
        self.savedCount = Int32(truncatingIfNeeded: savedCount)
        self.argumentStart = Int32(truncatingIfNeeded: argumentStart)
        self.argumentCount = Int32(truncatingIfNeeded: argumentCount)
    }
}

/// A recording of tensor operations on one thread, in execution order.
public final class TensorRecording<Scalar: TensorScalar> {
    // The arrays are `@exclusivity(unchecked)`: a recording is used by one computation
    // at a time and never hands out inout access to them, and the dynamic checks on
    // class storage cost more than the rest of recording an entry.
    @exclusivity(unchecked) @usableFromInline var entries: [TensorEntry] = []
    /// Operand entry ids of all entries, concatenated (-1 for an untracked operand).
    @exclusivity(unchecked) @usableFromInline var operands: [Int32] = []
    /// The shape of each operand, parallel to `operands` (for unbroadcasting gradients).
    @exclusivity(unchecked) @usableFromInline var operandShapes: [[Int]] = []
    /// Tensors saved for backward rules, concatenated.
    @exclusivity(unchecked) @usableFromInline var saved: [Tensor<Scalar>] = []
    /// Integer arguments (axes, ranges, indices), concatenated.
    @exclusivity(unchecked) @usableFromInline var arguments: [Int] = []
    /// The leaf boxes referred to by `.leaf` entries.
    @exclusivity(unchecked) @usableFromInline var leaves: [TensorLeaf<Scalar>] = []
    /// The custom functions referred to by `.custom` entries.
    @exclusivity(unchecked) @usableFromInline var customFunctions: [CustomFunction<Scalar>] = []
    /// Gradient boxes of interior tensors that asked to keep their gradient
    /// (`retainingGradient()`), by entry id; they outlive `free()`.
    @exclusivity(unchecked) @usableFromInline var retainedGradients: [Int: TensorLeaf<Scalar>] = [:]
    /// True once a backward pass has freed the entries.
    @usableFromInline var isFreed = false

    @inlinable init() {
        entries.reserveCapacity(64)
    }

    /// The number of entries recorded.
    @inlinable public var count: Int { entries.count }

    /// The live recording of the calling thread, made on first use or after the previous
    /// one was freed by a backward pass. Operations on interior tensors record into their
    /// operands' recording instead, so a computation that resumes on another thread
    /// (after an `await`) carries on in the same recording.
    @inlinable static var current: TensorRecording<Scalar> {
        let state = TensorThreadState.current
        if Scalar._isRecordingUnique(in: state), let unused = Scalar._recording(in: state) {
            // No tensor refers to it: whatever it holds is unreachable, so start over
            // in the same buffers.
            if unused.isFreed || !unused.entries.isEmpty { unused.reset() }
            return unused
        }
        if let live = Scalar._recording(in: state), !live.isFreed { return live }
        let fresh = TensorRecording()
        Scalar._setRecording(fresh, in: state)
        return fresh
    }

    /// The entry id of a tracked operand in this recording, adding an entry for a leaf
    /// on its first use and a `.freed` marker for a tensor of a freed recording.
    @inlinable func entry(for tracking: TensorTracking<Scalar>, shape: [Int]) -> Int {
        switch tracking {
        case .interior(let recording, let index):
            if recording === self { return index }
            if !recording.isFreed {
                wengertTensorInvalid(
                    "an operation combines tensors from two live recordings (made on different threads); "
                        + "detach one of them (detached()) first.")
            }
            return appendMarker(.freed, argument: index)
        case .leaf(let box):
            let cached = box.cachedEntry
            if cached >= 0, cached < entries.count, entries[cached].operation == .leaf,
                leaves[arguments[Int(entries[cached].argumentStart)]] === box
            {
                return cached
            }
            leaves.append(box)
            let id = appendMarker(.leaf, argument: leaves.count - 1)
            box.cachedEntry = id
            return id
        }
    }

    @inlinable func appendMarker(_ operation: TensorOperation, argument: Int) -> Int {
        entries.append(
            TensorEntry(
                operation: operation, operandStart: operands.count, operandCount: 0, savedStart: saved.count,
                savedCount: 0, argumentStart: arguments.count, argumentCount: 1))
        arguments.append(argument)
        return entries.count - 1
    }

    @inlinable func appendOperand(_ input: Tensor<Scalar>) {
        if let tracking = input.tracking {
            operands.append(Int32(truncatingIfNeeded: entry(for: tracking, shape: input.dimensions)))
        } else {
            operands.append(-1)
        }
        operandShapes.append(input.dimensions)
    }

    /// Appends one entry with up to two operands and three saved tensors (no
    /// intermediate arrays: this is the per-operation hot path) and returns its id.
    @inlinable func append(
        _ operation: TensorOperation, _ a: Tensor<Scalar>, _ b: Tensor<Scalar>?, saving s0: Tensor<Scalar>?,
        _ s1: Tensor<Scalar>?, _ s2: Tensor<Scalar>?, arguments args: [Int]
    ) -> Int {
        let operandStart = operands.count
        appendOperand(a)
        if let b { appendOperand(b) }
        let savedStart = saved.count
        if let s0 { saved.append(s0.untracked) }
        if let s1 { saved.append(s1.untracked) }
        if let s2 { saved.append(s2.untracked) }
        let argumentStart = arguments.count
        if !args.isEmpty { arguments.append(contentsOf: args) }
        entries.append(
            TensorEntry(
                operation: operation, operandStart: operandStart, operandCount: operands.count - operandStart,
                savedStart: savedStart, savedCount: saved.count - savedStart, argumentStart: argumentStart,
                argumentCount: args.count))
        return entries.count - 1
    }

    /// Appends one entry with any number of operands (concatenation) and returns its id.
    @inlinable func append(_ operation: TensorOperation, operands inputs: [Tensor<Scalar>], arguments args: [Int]) -> Int {
        let operandStart = operands.count
        for input in inputs { appendOperand(input) }
        let argumentStart = arguments.count
        arguments.append(contentsOf: args)
        entries.append(
            TensorEntry(
                operation: operation, operandStart: operandStart, operandCount: inputs.count, savedStart: saved.count,
                savedCount: 0, argumentStart: argumentStart, argumentCount: args.count))
        return entries.count - 1
    }

    /// Drops the saved tensors, operands and arguments (the bulk of the memory); tensors
    /// that still refer to the recording find it freed, and a backward pass through them
    /// stops with a message. The entries (28 bytes each) stay so that those tensors can
    /// still name the operation that made them.
    @inlinable func free() {
        isFreed = true
        operands.removeAll(keepingCapacity: true)
        operandShapes.removeAll(keepingCapacity: true)
        saved.removeAll(keepingCapacity: true)
        arguments.removeAll(keepingCapacity: true)
        leaves.removeAll(keepingCapacity: true)
        customFunctions.removeAll(keepingCapacity: true)
    }

    /// Empties the recording for reuse, keeping its buffers. Only for a recording that
    /// no tensor refers to.
    @inlinable func reset() {
        free()
        entries.removeAll(keepingCapacity: true)
        retainedGradients.removeAll()
        isFreed = false
    }
}

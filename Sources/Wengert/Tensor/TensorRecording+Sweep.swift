// The backward sweep over a recording, and what it frees.
//
// The sweep takes a snapshot of the recording's storage under the lock (O(1): one
// retain and its pointers) and runs the rules with no lock held, so other computations
// keep recording meanwhile (TensorRecordingStorage.swift says why their appends leave
// the snapshot's reads alone). Afterwards it frees the entries
// it reached, which are exactly those its result depends on: a computation that shares
// the recording but not those entries is untouched.

import CWengert

extension TensorRecording {
    /// What a backward pass reads, taken from the recording under its lock: its storage,
    /// retained so that no append, freeing or reset changes or frees what is read (they
    /// copy the storage first, or write past these counts), and the lists' elements as
    /// they were then, through pointers copied here (the storage's fields may change).
    @usableFromInline
    struct Snapshot {
        @usableFromInline let storage: TensorRecordingStorage<Scalar>
        @usableFromInline let entries: UnsafeMutableBufferPointer<TensorEntry>
        @usableFromInline let operands: UnsafeMutableBufferPointer<TensorOperandRecord>
        @usableFromInline let saved: UnsafeMutableBufferPointer<Tensor<Scalar>>
        @usableFromInline let savedEntries: UnsafeMutableBufferPointer<Int32>
        @usableFromInline let arguments: UnsafeMutableBufferPointer<Int>
        @usableFromInline let leaves: UnsafeMutableBufferPointer<TensorLeaf<Scalar>>
        /// Read in place like the other lists: an array of them, made under the lock for
        /// every backward, was a retain and a release of the empty array's storage when
        /// there were none and a copy of the list when there were.
        @usableFromInline let customFunctions: UnsafeMutableBufferPointer<CustomFunction<Scalar>>
        // The retained gradients, a dictionary, are the sweep's argument, not a field:
        // with it, the snapshot was destroyed through its generic value witness (an
        // outlined function that looks up the type's metadata), about 100 instructions
        // per backward; its caller releases it directly.

        @inlinable init(_ r: TensorRecording) {
            let s = r.storage
            storage = s
            entries = s.entries.elements
            operands = s.operands.elements
            saved = s.saved.elements
            savedEntries = s.savedEntries.elements
            arguments = s.arguments.elements
            leaves = s.leaves.elements
            customFunctions = s.customFunctions.elements
        }
    }

    /// `recording` (resolved through joins), locked, with `index` translated.
    @inlinable
    static func lockedResolved(_ recording: TensorRecording, _ index: Int) -> (TensorRecording, Int) {
        while true {
            let (r, i) = resolved(recording, index)
            r.lock()
            if !r.isStub { return (r, i) }
            r.unlock()
        }
    }

    /// Back-propagates `seed` from entry `index` of `recording`, accumulating into the
    /// leaves it reaches, then frees the entries it reached unless `retainingGraph` or
    /// `creatingGraph` (whose recorded gradients refer to the entries' saved tensors).
    @inlinable
    static func backward(
        from recording: TensorRecording, _ index: Int, seed: Tensor<Scalar>, retainingGraph: Bool, creatingGraph: Bool
    ) {
        let (live, start) = lockedResolved(recording, index)
        if live.entries[start].isFreed && live.entries[start].operation != .leaf {
            live.unlock()
            wengertTensorInvalid(
                "backward through a recording that an earlier backward() already freed; "
                    + "pass retainingGraph: true to the first backward to keep it.")
        }
        // In a scope of its own so that it is released before the freeing writes to the
        // arrays it shares, which would otherwise copy them. (An optional set to nil did
        // the same through the runtime's value witnesses, about 400 instructions.)
        TensorSweepMemory<Scalar>.with(count: start + 1) { memory in
            do {
                let snapshot = Snapshot(live)
                let retainedGradients = live.retainedGradients
                live.unlock()
                snapshot.sweep(
                    from: start, seed: seed, memory: memory, retainedGradients: retainedGradients,
                    creatingGraphIn: creatingGraph ? live : nil)
            }
            if !retainingGraph && !creatingGraph { free(reached: memory.reached, count: start + 1, of: live) }
        }
    }

    /// Frees the entries below `count` that `reached` marks, of `recording` (unlocked),
    /// wherever a join has moved them since: drops their saved tensors, the bulk of the
    /// memory; the entries (28 bytes each) stay so that tensors can still name their
    /// operation. One pass marks them (through one pointer, in storage of this recording's own:
    /// another thread's sweep may still read the old one); a first pass that only
    /// counted them cost about 90 instructions an epoch of the linear regression.
    /// When they were all the entries it had left (one computation in the recording, as
    /// in a training loop), its saved tensors go in one truncation of the arrays, which
    /// keeps their buffers for the next computation: writing a placeholder into each
    /// slot cost two retains, two releases and a uniqueness check per saved tensor. The
    /// entries keep their `savedCount` then, naming slots that are gone: no one reads a
    /// freed entry's (a sweep that reaches one stops first).
    @inlinable
    static func free(reached: UnsafePointer<Bool>, count: Int, of recording: TensorRecording) {
        var (target, offset) = lockedResolved(recording, 0)
        var storage = target.uniqueStorage(), entries = storage.entries.elements
        var freeing = 0
        for k in 0..<count where reached[k] && !entries[k + offset].isFreed {
            entries[k + offset].isFreed = true
            freeing += 1
        }
        if freeing == target.liveCount {
            target.freedCount += freeing
            storage.saved.removeAll()
            storage.savedEntries.removeAll()
            target.unlock()
            return
        }
        // Some entries stay live: empty the slots one by one (the placeholder is made
        // outside the lock, which is held for bookkeeping only; a join meanwhile moves
        // the entries, and `lockedResolved` finds them again). `freedCount` counts them
        // only then, so that a free on another thread meanwhile cannot take them for
        // the last live ones and truncate the slots read here.
        target.unlock()
        let empty = Tensor<Scalar>(uncheckedStorage: [], shape: [0])
        (target, offset) = lockedResolved(recording, 0)
        storage = target.uniqueStorage()
        entries = storage.entries.elements
        // A reached entry freed by an earlier backward is a leaf (the sweep stops at any
        // other), which names no saved tensors.
        for k in 0..<count where reached[k] {
            let start = Int(entries[k + offset].savedStart)
            for slot in start..<(start + Int(entries[k + offset].savedCount)) {
                storage.saved[slot] = empty
                storage.savedEntries[slot] = -1
            }
            entries[k + offset].savedCount = 0
        }
        target.freedCount += freeing
        target.unlock()
    }

    /// The cotangents that `seed` at entry `index` of `recording` gives each of
    /// `inputs` (nil where the output does not depend on it), touching no `grad`; then
    /// frees the entries reached unless `retainingGraph`.
    @inlinable
    static func gradients(
        from recording: TensorRecording, _ index: Int, seed: Tensor<Scalar>, inputs: [Tensor<Scalar>],
        retainingGraph: Bool, creatingGraph: Bool
    ) -> [Tensor<Scalar>?] {
        let (live, start) = lockedResolved(recording, index)
        if live.entries[start].isFreed && live.entries[start].operation != .leaf {
            live.unlock()
            wengertTensorInvalid(
                "gradients(of:withRespectTo:) through a recording that an earlier backward() already freed; "
                    + "pass retainingGraph: true to the first backward to keep it.")
        }
        // Where each input sits in this recording: an interior input at its entry, a
        // leaf at every entry of its box (a join can leave a leaf two).
        var capture: [Int: Int] = [:]
        for (k, input) in inputs.enumerated() {
            guard let tracking = input.tracking else { continue }
            if let r = tracking.recording(Scalar.self) {
                let (final, j) = resolved(r, tracking.index)
                if final === live { capture[j] = k }
            } else if let box = tracking.leafBox(Scalar.self) {
                let s = live.storage
                for (j, entry) in s.entries.elements.enumerated()
                where entry.operation == .leaf && s.leaves[s.arguments[Int(entry.argumentStart)]] === box {
                    capture[j] = k
                }
            }
        }
        var captured = [Tensor<Scalar>?](repeating: nil, count: inputs.count)
        withUnsafeMutablePointer(to: &captured) { captured in
            TensorSweepMemory<Scalar>.with(count: start + 1) { memory in
                do {  // released before the freeing (`backward`)
                    let snapshot = Snapshot(live)
                    let retainedGradients = live.retainedGradients
                    live.unlock()
                    snapshot.sweep(
                        from: start, seed: seed, memory: memory, retainedGradients: retainedGradients, capture: capture,
                        captured: captured, accumulating: false,
                        creatingGraphIn: creatingGraph ? live : nil)
                }
                if !retainingGraph && !creatingGraph { free(reached: memory.reached, count: start + 1, of: live) }
            }
        }
        return captured
    }
}

extension TensorRecording.Snapshot {
    /// The reverse sweep: entries from `start` down to 0, each one's rule turning its
    /// output's cotangent into its operands'. Operands always precede their users, so one
    /// pass suffices. Marks the entries reached in `memory.reached`.
    ///
    /// With `capture`, the cotangent reaching entry i is also added to
    /// `captured.pointee[capture[i]]`; with `accumulating` false, leaves' and retained
    /// gradients are left alone (the functional `gradients(of:withRespectTo:)`).
    /// `captured` is a pointer, not an `inout` array: the optimiser hoisted the array's
    /// uniqueness check out of the loop, and a backward's empty array (the shared empty
    /// buffer, never unique) was copied into a new allocation on every pass.
    ///
    /// With `creatingGraphIn` (the live recording this snapshot was taken of), the
    /// rules run with recording on, on the saved tensors with their tracking restored,
    /// so every cotangent is a recorded function of the inputs (PyTorch's
    /// `create_graph`); otherwise they run unrecorded on plain tensors.
    @inlinable
    func sweep(
        from start: Int, seed: Tensor<Scalar>, memory: TensorSweepMemory<Scalar>,
        retainedGradients: [Int: TensorLeaf<Scalar>], capture: [Int: Int] = Dictionary(),
        captured: UnsafeMutablePointer<[Tensor<Scalar>?]>? = nil, accumulating: Bool = true,
        creatingGraphIn live: TensorRecording? = nil
    ) {
        // The cotangent reaching each entry, initialised where `hasCotangent` says: raw
        // memory rather than `[Tensor?]`, whose optionals this compiler copies and
        // destroys through the runtime's value witnesses (and whose every write checks
        // uniqueness), at a cost comparable to a small operation's rule.
        let cotangents = memory.cotangents, hasCotangent = memory.hasCotangent, hasSlices = memory.hasSlices
        defer {
            for i in 0...start where hasCotangent[i] { (cotangents + i).deinitialize(count: 1) }
        }
        (cotangents + start).initialize(to: seed)
        hasCotangent[start] = true
        // Slice cotangents waiting for their operand's index, in the order met, added in
        // one pass there. One array rather than a dictionary of arrays: a model's slices
        // are usually all of one flat parameter, reached once, and the dictionary cost a
        // hash, a resize and an array per step. Its buffer is the thread's, kept between
        // passes (an allocation per pass otherwise).
        var pendingSlices: [TensorKernels.SliceCotangent] = []
        swap(&pendingSlices, &memory.state.sweepSlices)
        defer {
            removeAllInPlace(&pendingSlices)
            swap(&pendingSlices, &memory.state.sweepSlices)
        }
        let observer = tensorSweepObserver
        let creatingGraph = live != nil
        let depth = wengert_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH)
        if !creatingGraph {
            wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, UnsafeMutableRawPointer(bitPattern: Int(bitPattern: depth) + 1))
        }
        defer { wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, depth) }
        // The rules read the saved tensors, arguments, operands and custom functions of each
        // entry through the snapshot's pointers (it keeps the storage alive); array slices
        // would retain and release an array once per entry.
        do {
            let savedBuffer = UnsafeBufferPointer(saved), argumentBuffer = UnsafeBufferPointer(arguments)
            let operandBuffer = UnsafeBufferPointer(operands), customFunctions = UnsafeBufferPointer(self.customFunctions)
            for index in stride(from: start, through: 0, by: -1) {
                if hasSlices[index] {
                    hasSlices[index] = false
                    var total = hasCotangent[index] ? (cotangents + index).move() : nil
                    // By index: `contains(where:)` copied each element out of the array.
                    var othersWait = false
                    for k in pendingSlices.indices where pendingSlices[k].operand != index {
                        othersWait = true
                        break
                    }
                    if !othersWait {
                        TensorKernels.accumulateSlices(pendingSlices, into: &total)
                        removeAllInPlace(&pendingSlices)
                    } else {
                        var parts: [TensorKernels.SliceCotangent] = [], others = parts
                        for part in pendingSlices {
                            if part.operand == index { parts.append(part) } else { others.append(part) }
                        }
                        pendingSlices = others
                        TensorKernels.accumulateSlices(parts, into: &total)
                    }
                    // Moved into the slot through `switch`: `!= nil` and `if let`
                    // copied and destroyed the optional through its value witnesses.
                    switch consume total {
                    case .some(let sum):
                        (cotangents + index).initialize(to: sum)
                        hasCotangent[index] = true
                    case .none: hasCotangent[index] = false
                    }
                }
                guard hasCotangent[index] else { continue }
                hasCotangent[index] = false
                let g = (cotangents + index).move()
                memory.reached[index] = true
                if !capture.isEmpty, let captured, let k = capture[index] {
                    captured.pointee[k] = captured.pointee[k].map { $0 + g } ?? g
                }
                if accumulating, !retainedGradients.isEmpty, let box = retainedGradients[index] {
                    box.accumulate(g, recording: creatingGraph)
                }
                let entry = entries[index]
                // The entry's parts of the flat lists, taken without a slice's checks
                // (`tensorEntryPart`).
                let args = tensorEntryPart(argumentBuffer, entry.argumentStart, entry.argumentCount)
                if entry.operation == .leaf {
                    if accumulating { leaves[args[0]].accumulate(g, recording: creatingGraph) }
                    continue
                }
                if entry.isFreed {
                    wengertTensorInvalid(
                        "backward reached a \(entry.operation.backwardName) whose saved tensors an earlier backward() "
                            + "already freed; pass retainingGraph: true to that backward, or detach the tensor.")
                }
                let operandStart = Int(entry.operandStart)
                let operandRange = Range(uncheckedBounds: (operandStart, operandStart &+ Int(entry.operandCount)))
                if entry.operation == .slice && live == nil && observer == nil && g.placement.kind == .cpu {
                    // Kept until the operand is reached, then added into its cotangent region
                    // by region, not padded to the operand's shape (TensorKernels+Slices.swift).
                    let slot = operandRange.lowerBound, target = Int(operandBuffer[slot].entry)
                    if target >= 0 {
                        // Room for a few at once: grown by doubling from one, the
                        // array was reallocated three times for four slices.
                        if pendingSlices.capacity == 0 { pendingSlices.reserveCapacity(8) }
                        pendingSlices.append(
                            .init(
                                taking: consume g, shape: operandBuffer[slot].shape, axis: args[0], lower: args[1], upper: args[2],
                                operand: target))
                        hasSlices[target] = true
                    }
                    continue
                }
                var needs = TensorOperandMask(bits: 0)
                for (k, slot) in operandRange.enumerated() where k < 64 && operandBuffer[slot].entry >= 0 {
                    needs.bits |= 1 << UInt64(k)
                }
                let savedRange = Range(uncheckedBounds: (Int(entry.savedStart), Int(entry.savedStart) &+ Int(entry.savedCount)))
                let shapes = tensorEntryPart(operandBuffer, entry.operandStart, entry.operandCount)
                // Adds operand k's cotangent into its entry's, summed to its shape.
                func accumulate(_ k: Int, _ grad: consuming Tensor<Scalar>) {
                    let slot = operandRange.lowerBound + k
                    let target = Int(operandBuffer[slot].entry)
                    guard target >= 0 else { return }
                    // Moved, not copied, when it has the operand's shape already.
                    let fitted: Tensor<Scalar>
                    if grad.dimensions == operandBuffer[slot].shape {
                        fitted = consume grad
                    } else {
                        fitted = grad.summed(toShape: operandBuffer[slot].shape)
                    }
                    if hasCotangent[target] {
                        // Added in place when the slot's untracked cotangent is held by it
                        // alone (the same kernel call as `+`, the same bits, no new buffer);
                        // a graph-creating sweep's tracked terms are recorded by `+`.
                        var previous = (cotangents + target).move()
                        if previous.isTracked || !TensorKernels.arithmeticInPlace(.add, &previous, fitted, operation: "backward") {
                            previous = previous + fitted
                        }
                        (cotangents + target).initialize(to: previous)
                    } else {
                        (cotangents + target).initialize(to: fitted)
                        hasCotangent[target] = true
                    }
                }
                // An if rather than `live.map { … }`: a closure over self would copy the
                // snapshot's arrays (a retain and release each) for every entry.
                // The rule takes the cotangent (`upstream`), so that one that hands it on
                // unchanged moves it into its operand's slot.
                func runRule(_ upstream: consuming Tensor<Scalar>, into sink: TensorCotangentSink<Scalar>) {
                    if let live {
                        savedTracked(savedRange, in: live).withUnsafeBufferPointer { tracked in
                            TensorPullbacks.pullback(
                                entry.operation, copy upstream, saved: tracked, arguments: args, operandShapes: shapes,
                                customFunctions: customFunctions, needs: needs, creatingGraph: true, into: sink)
                        }
                    } else {
                        TensorPullbacks.pullback(
                            entry.operation, upstream, saved: tensorEntryPart(savedBuffer, entry.savedStart, entry.savedCount),
                            arguments: args, operandShapes: shapes, customFunctions: customFunctions, needs: needs,
                            creatingGraph: false, into: sink)
                    }
                }
                if observer == nil && live == nil {
                    // The hot path: each cotangent goes straight into its operand's.
                    runRule(consume g, into: accumulate)
                    continue
                }
                // The observer sees all of a rule's results before any is added; a
                // graph-creating sweep records the rule's steps before the additions,
                // in the order a first-order sweep runs them.
                var grads = [Tensor<Scalar>?](repeating: nil, count: operandRange.count)
                runRule(g) { k, grad in grads[k] = grad }
                if let observer {
                    observer.backwardRuleDidRun(
                        entry.operation.backwardName, index: index, saved: ArraySlice(savedBuffer[savedRange]),
                        operandShapes: ArraySlice(shapes.map(\.shape.array)), upstream: g, results: grads)
                }
                for (k, grad) in grads.enumerated() { if let grad { accumulate(k, grad) } }
            }
        }
    }

    /// The saved tensors in `range` with their tracking restored: the entry that made
    /// each one, in `live` (a leaf as itself), so that rules computed from them record.
    @inlinable
    func savedTracked(_ range: Range<Int>, in live: TensorRecording) -> [Tensor<Scalar>] {
        var tensors = Array(UnsafeBufferPointer(rebasing: saved[range]))
        for (k, slot) in range.enumerated() {
            let id = Int(savedEntries[slot])
            if id < 0 { continue }
            let entry = entries[id]
            tensors[k].tracking =
                entry.operation == .leaf ? .leaf(leaves[arguments[Int(entry.argumentStart)]]) : .interior(live, id)
        }
        return tensors
    }
}

/// Elements `start ..< start + count` of `buffer`, one entry's part of a recording's flat
/// list, read in place without the checks of a slice (`UnsafeBufferPointer(rebasing:)`
/// checks the range's bounds and its 32-bit sum for overflow): every entry's ranges lie
/// inside the lists it was recorded with (`tensorRecordingIndex` checked them then), and a
/// sweep reads the lists of its snapshot, which hold every entry it reads.
@inlinable @inline(__always)
func tensorEntryPart<T>(_ buffer: UnsafeBufferPointer<T>, _ start: Int32, _ count: Int32) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(start: buffer.baseAddress.map { $0 + Int(start) }, count: Int(count))
}

/// The scratch memory of one backward sweep over `count` entries: the cotangent reaching
/// each entry (initialised where `hasCotangent` says), whether slice cotangents wait for
/// it, and whether the sweep reached it (which `free` then reads). The block is the
/// calling thread's, kept between passes: allocating it, and the reached list, cost three
/// `malloc`s and `free`s per pass, about a thousand instructions, as much as a small
/// operation's rule.
@usableFromInline
struct TensorSweepMemory<Scalar: TensorScalar> {
    @usableFromInline let cotangents: UnsafeMutablePointer<Tensor<Scalar>>
    @usableFromInline let hasCotangent: UnsafeMutablePointer<Bool>
    @usableFromInline let hasSlices: UnsafeMutablePointer<Bool>
    @usableFromInline let reached: UnsafeMutablePointer<Bool>
    /// The thread whose block this is (it also lends the pending slices' array).
    /// Unowned: the thread's slot keeps it alive, and the memory never leaves the
    /// thread's `with` call. A strong reference was a retain here and a release through
    /// the struct's generic value witness after every pass.
    @usableFromInline unowned(unsafe) let state: TensorThreadState

    @inlinable init(block: UnsafeMutableRawPointer, count: Int, state: TensorThreadState) {
        let tensorBytes = count * MemoryLayout<Tensor<Scalar>>.stride
        cotangents = block.bindMemory(to: Tensor<Scalar>.self, capacity: count)
        let flags = (block + tensorBytes).bindMemory(to: Bool.self, capacity: 3 * count)
        flags.initialize(repeating: false, count: 3 * count)
        hasCotangent = flags
        hasSlices = flags + count
        reached = flags + 2 * count
        self.state = state
    }

    /// The bytes a sweep over `count` entries needs.
    @inlinable static func byteCount(_ count: Int) -> Int { count * (MemoryLayout<Tensor<Scalar>>.stride + 3) }

    /// The largest block a thread keeps between passes; a larger sweep allocates its own.
    @inlinable static var cachedByteLimit: Int { 1 << 20 }

    /// Runs `body` with scratch memory for `count` entries, taken from the calling
    /// thread's block when it is large enough (a sweep nested in another, from a custom
    /// function's backward, finds none there and allocates), and gives it back after.
    /// `body` must leave no cotangent initialised.
    @inlinable
    static func with<R>(count: Int, _ body: (TensorSweepMemory) -> R) -> R {
        let state = TensorThreadState.current
        let bytes = byteCount(count)
        let block: UnsafeMutableRawPointer, capacity: Int
        if let cached = state.sweepBlock, state.sweepBlockBytes >= bytes {
            block = cached
            capacity = state.sweepBlockBytes
            state.sweepBlock = nil
        } else {
            capacity = Swift.max(bytes, 1024)
            block = .allocate(byteCount: capacity, alignment: 16)
        }
        defer {
            if capacity > cachedByteLimit || (state.sweepBlock != nil && state.sweepBlockBytes >= capacity) {
                block.deallocate()
            } else {
                state.sweepBlock?.deallocate()
                state.sweepBlock = block
                state.sweepBlockBytes = capacity
            }
        }
        return body(TensorSweepMemory(block: block, count: count, state: state))
    }
}

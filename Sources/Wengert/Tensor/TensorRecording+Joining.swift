// Which recording an operation goes to, and joining two live recordings.
//
// The rule: the recording of the operation's interior operands; when those are in two
// live recordings, the two are joined first (the smaller moves into the larger, which
// keeps every operand ahead of its users, and the emptied one forwards its tensors'
// entry ids); when the tracked operands are all leaves, the calling thread's current
// recording. Only one recording's lock is held at a time, except by a join, which takes
// its two in address order, so no thread can wait on a lock held by a thread waiting on
// one of its own.

import CWengert
import Synchronization

extension TensorRecording {
    /// The live recording that holds entry `index` of `recording` now, and the entry's
    /// index there: follows joins without taking a lock (their forwarding is published
    /// once, with release ordering, and never changes).
    @inlinable
    static func resolved(_ recording: TensorRecording, _ index: Int) -> (TensorRecording, Int) {
        var r = recording, i = index
        while r.stub.load(ordering: .acquiring) {
            i += r.mergeOffset
            r = r.mergedInto!
        }
        return (r, i)
    }

    /// The recording an operation on operands `x` and `y` records into,
    /// locked. The fast path, one interior operand's recording (or two in the same one),
    /// takes one lock and checks one flag.
    @inlinable
    static func lockedTarget(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>?) -> TensorRecording {
        // The operands' recordings compared unretained (the operands, borrowed, keep them
        // alive) and the one chosen retained once, for the caller: a strong optional local
        // that took x's recording and then y's (the same one) cost a retain and a release
        // more for every operation on two interior tensors (`w * x + b`).
        var interior = x.interiorRecording
        // `switch` rather than `if let`, which would copy y (Tensor.recorded).
        switch y {
        case .some(let y):
            if let r = y.interiorRecording {
                if let first = interior {
                    if first.toOpaque() != r.toOpaque() { return lockedTargetSlow([x.tracking, y.tracking]) }
                } else {
                    interior = r
                }
            }
        case .none: break
        }
        guard let chosen = interior else { return lockedCurrent() }
        let r = chosen.takeUnretainedValue()
        r.lock()
        if !r.isStub { return r }
        r.unlock()
        return lockedTargetSlow([x.tracking, y?.tracking])
    }

    /// `lockedTarget` for any number of operands (a LazyTensor's inputs): the one
    /// recording of their interior operands, unretained while compared, as above; the
    /// slow path only when two differ or the one was joined.
    @inlinable
    static func lockedTarget(operands: [Tensor<Scalar>]) -> TensorRecording {
        var interior: Unmanaged<TensorRecording>?
        for operand in operands {
            guard let r = operand.interiorRecording else { continue }
            if let first = interior {
                if first.toOpaque() != r.toOpaque() { return lockedTargetSlow(operands.map(\.tracking)) }
            } else {
                interior = r
            }
        }
        guard let chosen = interior else { return lockedCurrent() }
        let r = chosen.takeUnretainedValue()
        r.lock()
        if !r.isStub { return r }
        r.unlock()
        return lockedTargetSlow(operands.map(\.tracking))
    }

    /// `lockedTarget` for any number of operands, and for operands whose recordings
    /// were joined or must be.
    @usableFromInline @inline(never)
    static func lockedTargetSlow(_ trackings: [TensorTracking?]) -> TensorRecording {
        while true {
            var live: [TensorRecording] = []
            for case let tracking? in trackings {
                guard let r = tracking.recording(Scalar.self) else { continue }
                let (final, _) = resolved(r, tracking.index)
                if !live.contains(where: { $0 === final }) { live.append(final) }
            }
            if live.isEmpty { return lockedCurrent() }
            if live.count == 1 {
                live[0].lock()
                if !live[0].isStub { return live[0] }
                live[0].unlock()
                continue
            }
            join(live[0], live[1])  // then look again: a third may remain, or a race lost
        }
    }

    /// Joins two live recordings into one: the smaller's entries move to the end of the
    /// larger, renumbered, and the smaller becomes a stub that forwards its tensors.
    /// Does nothing when either has been joined meanwhile (the caller looks again).
    /// - Complexity: O(entries of the smaller), once per pair of recordings that meet.
    @usableFromInline @inline(never)
    static func join(_ a: TensorRecording, _ b: TensorRecording) {
        let (first, second) = ObjectIdentifier(a) < ObjectIdentifier(b) ? (a, b) : (b, a)
        first.lock()
        second.lock()
        defer {
            second.unlock()
            first.unlock()
        }
        if a.isStub || b.isStub || a === b { return }
        let (destination, source) = a.entries.count >= b.entries.count ? (a, b) : (b, a)
        let offset = destination.absorb(source)
        source.mergedInto = destination
        source.mergeOffset = offset
        source.storage = TensorRecordingStorage()
        source.retainedGradients = [:]
        source.freedCount = 0
        source.stub.store(true, ordering: .releasing)
    }

    /// Appends `source`'s entries (both locked), renumbered, and returns the offset of
    /// their ids.
    /// The storage is made this recording's alone first (a sweep's snapshot may share it),
    /// so that its lists can grow in place (this runs once per pair of recordings that meet).
    @usableFromInline
    func absorb(_ source: TensorRecording) -> Int {
        let from = source.storage, storage = uniqueStorage()
        let offset = storage.entries.count
        let operandBase = storage.operands.count, savedBase = storage.saved.count
        let argumentBase = storage.arguments.count
        let leafBase = storage.leaves.count, customBase = storage.customFunctions.count
        var arguments = Array(from.arguments.elements)
        for var entry in from.entries.elements {
            if entry.operation == .leaf { arguments[Int(entry.argumentStart)] += leafBase }
            if entry.operation == .custom || entry.operation == .customBackward { arguments[Int(entry.argumentStart)] += customBase }
            entry.operandStart = tensorRecordingIndex(Int(entry.operandStart) + operandBase)
            entry.savedStart = tensorRecordingIndex(Int(entry.savedStart) + savedBase)
            entry.argumentStart = tensorRecordingIndex(Int(entry.argumentStart) + argumentBase)
            storage.entries.appendGrowingInPlace(entry)
        }
        for var operand in from.operands.elements {
            if operand.entry >= 0 { operand.entry = tensorRecordingIndex(Int(operand.entry) + offset) }
            storage.operands.appendGrowingInPlace(operand)
        }
        for tensor in from.saved.elements { storage.saved.appendGrowingInPlace(tensor) }
        for id in from.savedEntries.elements {
            storage.savedEntries.appendGrowingInPlace(id < 0 ? -1 : tensorRecordingIndex(Int(id) + offset))
        }
        for argument in arguments { storage.arguments.appendGrowingInPlace(argument) }
        for box in from.leaves.elements { storage.leaves.appendGrowingInPlace(box) }
        for function in from.customFunctions.elements {
            storage.customFunctions.appendGrowingInPlace(function)
        }
        for (id, box) in source.retainedGradients { retainedGradients[id + offset] = box }
        freedCount += source.freedCount
        return offset
    }

    /// The calling thread's current recording, locked: where computations start whose
    /// tracked operands are all leaves. Reused in place when no tensor refers to it any
    /// more; replaced once a backward pass has freed part of it (so a thread's new
    /// computations do not pile onto a recording that older ones keep alive) or once it
    /// was joined into another.
    @inlinable
    static func lockedCurrent() -> TensorRecording {
        // The state borrowed from its slot, not retained: a retain and a release of it
        // cost about 40 instructions per operation whose operands are all leaves (`p[i]`).
        TensorThreadState.currentUnmanaged._withUnsafeGuaranteedRef { state in
            if Scalar.self == Float.self {
                return unsafeBitCast(TensorThreadState.lockedCurrent(&state.float), to: TensorRecording.self)
            }
            if Scalar.self == Double.self {
                return unsafeBitCast(TensorThreadState.lockedCurrent(&state.double), to: TensorRecording.self)
            }
            wengertTensorInvalid("TensorScalar is implemented by Float and Double only")
        }
    }
}

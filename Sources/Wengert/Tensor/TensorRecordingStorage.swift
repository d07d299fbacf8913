// The memory of a tensor recording: seven flat lists held as raw buffers with counts,
// in one object that a backward pass's snapshot keeps alive.
//
// Why not seven Swift arrays: every append to an array checks that array's uniqueness
// and capacity, a snapshot retained and released each of them, and emptying one that
// holds references went through the runtime's generic destroy. Here an append is a
// capacity test, a store and a count; a snapshot is one retain of the storage and a copy
// of its pointers; a reset sets the counts to zero, releasing only the slots that hold
// references.
//
// The snapshot rule (TensorRecording+Sweep.swift): a sweep reads, with no lock held, the
// storage it retained under the lock, while other threads may append to the recording.
// Appends within capacity write only past the counts that any snapshot copied, so they
// leave its reads alone. Everything else that would touch memory a snapshot reads (growing
// a buffer, which moves it; freeing entries; emptying) first checks that the recording
// is the storage's only owner, and otherwise replaces the storage with a copy (the
// snapshot keeps the old one until it ends), as an array's copy on write did, once for
// all seven lists instead of per list.

/// One list of a recording: `count` initialised elements at `base`, room for `capacity`.
/// A value inside its storage object; it owns its elements only through that object,
/// whose `deinit` destroys them.
@usableFromInline
struct TensorRecordingBuffer<Element> {
    /// The first element; nil while nothing was ever allocated (capacity 0).
    @usableFromInline var base: UnsafeMutablePointer<Element>?
    @usableFromInline var count = 0
    @usableFromInline var capacity = 0

    @inlinable init() {}

    /// Whether an append needs more room first.
    @inlinable var isFull: Bool { count == capacity }

    /// The initialised elements. Valid until the buffer grows or its storage dies.
    @inlinable var elements: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Appends `element`; the caller made room (`!isFull`).
    @inlinable @inline(__always) mutating func appendUnchecked(_ element: __owned Element) {
        (base.unsafelyUnwrapped + count).initialize(to: element)
        count += 1
    }

    /// Appends `element`, growing the block when full: only for a storage that its
    /// recording owns alone (no snapshot reads the block it may move).
    @inlinable mutating func appendGrowingInPlace(_ element: __owned Element) {
        if isFull { grow() }
        appendUnchecked(element)
    }

    /// Element `index` (< count).
    @inlinable subscript(index: Int) -> Element {
        @inline(__always) get { base.unsafelyUnwrapped[index] }
        @inline(__always) nonmutating _modify { yield &base.unsafelyUnwrapped[index] }
    }

    /// A buffer holding copies of these elements (retained) with room for at least
    /// `minimumCapacity`.
    @inlinable func copy(minimumCapacity: Int) -> TensorRecordingBuffer {
        var copy = TensorRecordingBuffer()
        copy.capacity = Swift.max(minimumCapacity, count)
        if copy.capacity > 0 {
            let start = UnsafeMutablePointer<Element>.allocate(capacity: copy.capacity)
            if let base { start.initialize(from: base, count: count) }
            copy.base = start
        }
        copy.count = count
        return copy
    }

    /// Moves the elements into a larger block (twice the capacity, at least 16).
    @inlinable mutating func grow() {
        let capacity = Swift.max(2 * self.capacity, 16)
        let start = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        if let base {
            start.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = start
        self.capacity = capacity
    }

    /// Sets the count to zero, keeping the block. Elements are destroyed one by one from
    /// the end (`move()`), which releases inline for references; `deinitialize(count:)`
    /// went through the runtime's generic array destroy, a witness call per element.
    /// For elements without references `_isPOD` makes it one store.
    @inlinable mutating func removeAll() {
        if !_isPOD(Element.self), let base {
            while count > 0 {
                count -= 1
                _ = (base + count).move()
            }
        }
        count = 0
    }

    /// Destroys the elements and frees the block (the storage's `deinit`).
    @inlinable mutating func release() {
        removeAll()
        base?.deallocate()
        base = nil
        capacity = 0
    }
}

/// The seven lists of a recording (TensorRecording documents each), in one object: the
/// recording's current one, and the one each running sweep's snapshot retained, which may
/// be an older one (see the rule at the top of this file). Read and written only under
/// the recording's lock, except that a snapshot reads, through its own copy of the
/// pointers, the elements below the counts it copied, which nothing writes while it holds
/// the storage.
@usableFromInline
final class TensorRecordingStorage<Scalar: TensorScalar> {
    @exclusivity(unchecked) @usableFromInline var entries = TensorRecordingBuffer<TensorEntry>()
    @exclusivity(unchecked) @usableFromInline var operands = TensorRecordingBuffer<TensorOperandRecord>()
    @exclusivity(unchecked) @usableFromInline var saved = TensorRecordingBuffer<Tensor<Scalar>>()
    @exclusivity(unchecked) @usableFromInline var savedEntries = TensorRecordingBuffer<Int32>()
    @exclusivity(unchecked) @usableFromInline var arguments = TensorRecordingBuffer<Int>()
    @exclusivity(unchecked) @usableFromInline var leaves = TensorRecordingBuffer<TensorLeaf<Scalar>>()
    @exclusivity(unchecked) @usableFromInline var customFunctions = TensorRecordingBuffer<CustomFunction<Scalar>>()

    @inlinable init() {}

    /// A copy (elements retained) in which every list has room for one more element
    /// than it holds, at least; when `growing`, twice what it holds.
    @inlinable init(copying other: TensorRecordingStorage, growing: Bool) {
        func room(_ count: Int) -> Int { growing ? Swift.max(2 * count, 16) : count + 1 }
        entries = other.entries.copy(minimumCapacity: room(other.entries.count))
        operands = other.operands.copy(minimumCapacity: room(other.operands.count))
        saved = other.saved.copy(minimumCapacity: room(other.saved.count))
        savedEntries = other.savedEntries.copy(minimumCapacity: room(other.savedEntries.count))
        arguments = other.arguments.copy(minimumCapacity: room(other.arguments.count))
        leaves = other.leaves.copy(minimumCapacity: room(other.leaves.count))
        customFunctions = other.customFunctions.copy(minimumCapacity: room(other.customFunctions.count))
    }

    deinit {
        entries.release()
        operands.release()
        saved.release()
        savedEntries.release()
        arguments.release()
        leaves.release()
        customFunctions.release()
    }

    /// Grows every full list in place (the caller owns the storage alone).
    @usableFromInline @inline(never) func growFullLists() {
        if entries.isFull { entries.grow() }
        if operands.isFull { operands.grow() }
        if saved.isFull { saved.grow() }
        if savedEntries.isFull { savedEntries.grow() }
        if arguments.isFull { arguments.grow() }
        if leaves.isFull { leaves.grow() }
        if customFunctions.isFull { customFunctions.grow() }
    }

    /// Empties every list, keeping the blocks; releases the saved tensors, leaf boxes and
    /// custom functions it held (the caller owns the storage alone).
    @inlinable func removeAll() {
        entries.removeAll()
        operands.removeAll()
        saved.removeAll()
        savedEntries.removeAll()
        arguments.removeAll()
        leaves.removeAll()
        customFunctions.removeAll()
    }
}

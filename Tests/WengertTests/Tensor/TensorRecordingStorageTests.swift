import Dispatch
import Testing
@testable import Wengert

/// The recording's raw lists (Tensor/TensorRecordingStorage.swift): reused in place by a
/// thread's next computation, emptied of the references they hold, and copied rather
/// than changed while a backward pass's snapshot reads them. These run under the address
/// and thread sanitizers in CI.
@Suite("Tensor recording storage", .tags(.tensor))
struct TensorRecordingStorageTests {
    /// An object whose lifetime a test watches through a weak reference.
    final class Token: Sendable {}

    @Test func aThreadsNextComputationReusesTheRecordingAndItsBlocks() {
        let (first, second) = onFreshThread { () -> ([Int], [Int]) in
            let w = Tensor<Float>([1, 2]).requiringGradient()
            // The recording's identity, its storage's, the entries' block, and the counts:
            // read without keeping a reference, which would stop the reuse.
            func look() -> [Int] {
                let recording = TensorThreadState.current.float!
                let s = recording.storage
                return [
                    Int(bitPattern: ObjectIdentifier(recording)), Int(bitPattern: ObjectIdentifier(s)),
                    Int(bitPattern: s.entries.base), s.entries.count, s.operands.count, s.saved.count, s.leaves.count,
                ]
            }
            (w * 3 + 1).sum().backward()
            let first = look()
            (w * 3 + 1).sum().backward()
            return (first, look())
        }
        // leaf, multiply, add, sum: four entries, five operands (a scalar is a constant
        // operand); backward freed the saved tensors.
        #expect(Array(first[3...]) == [4, 5, 0, 1])
        #expect(second == first, "the same recording, storage and block, emptied before the second computation")
    }

    @Test func resetReleasesTheLeavesCustomFunctionsAndSavedTensorsItHeld() {
        let (heldBefore, released) = onFreshThread { () -> ([Bool], [Bool]) in
            weak var box: TensorLeaf<Float>?
            weak var token: Token?
            weak var savedBuffer: DeviceBuffer?
            do {
                let w = Tensor<Float>([1, 2]).requiringGradient()
                box = w.leafBox
                let t = Token()
                token = t
                let twice = CustomFunction<Float>(forward: { $0 * 2 }, backward: { _ = t; return $1 * 2 })
                let x = Tensor<Float>([5, 6]) + 0  // a buffer only this computation holds
                savedBuffer = x.storage
                _ = (twice(w) * x).sum()  // recorded, never swept
            }
            // The thread's recording still holds them: no backward freed anything.
            let before = [box != nil, token != nil, savedBuffer != nil]
            let v = Tensor<Float>([3]).requiringGradient()
            _ = (v * 2).sum()  // starts over in the same recording
            return (before, [box == nil, token == nil, savedBuffer == nil])
        }
        #expect(heldBefore == [true, true, true])
        #expect(released == [true, true, true], "leaf box, custom function, saved tensor")
    }

    /// `w.grad` after a backward pass from `sum(f(1.5 w))` (f doubles, by a custom
    /// function), paused inside f's backward rule while `other` runs on another thread with
    /// `1.5 w`, a tensor of the same recording whose entry the paused pass has still to
    /// reach. The paused pass must go on reading the recording as its snapshot found it.
    /// `other` returns a count to check, since an `#expect` on its thread would not reach the test.
    static func gradientWithPausedBackward(_ other: @escaping @Sendable (Tensor<Double>) -> Int) -> ([Double]?, Int) {
        let reachedRule = DispatchSemaphore(value: 0), otherDone = DispatchSemaphore(value: 0)
        let w = Tensor<Double>([1, 2]).requiringGradient()
        let y0 = w * 1.5
        let paused = CustomFunction<Double>(
            forward: { $0 * 2 },
            backward: { _, g in
                reachedRule.signal()
                otherDone.wait()
                return g * 2
            })
        let loss = paused(y0).sum()
        nonisolated(unsafe) var count = 0  // written before `otherDone.signal()`, read after the wait
        let join = startThread {
            reachedRule.wait()
            count = other(y0)
            otherDone.signal()
        }
        loss.backward()
        join()
        return (w.grad?.scalars, count)
    }

    /// Another thread's backward through the shared entry frees it, which must write to a
    /// copy of the storage: in the snapshot's the paused pass would find it freed and stop.
    @Test func aSnapshotIsUntouchedByAnotherThreadsFreeing() {
        let (grad, _) = Self.gradientWithPausedBackward { y0 in
            (y0 * 1).sum().backward()
            return 0
        }
        #expect(grad == [4.5, 4.5])  // 1.5 from the other pass, 2 · 1.5 from the paused one
    }

    /// Another thread appends thousands of entries, growing every list, which must move
    /// a copy: growing the snapshot's storage in place would free what it reads.
    @Test func aSnapshotIsUntouchedByAnotherThreadsAppends() {
        let (grad, entries) = Self.gradientWithPausedBackward { y0 in
            var h = y0
            for _ in 0..<3000 { h = h * 1 }
            return h.recordingLiveEntryCount
        }
        #expect(entries == 3004)
        #expect(grad == [3, 3])
    }
}

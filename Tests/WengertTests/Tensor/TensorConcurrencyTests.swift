import Testing
@testable import Wengert

/// Tensors under Swift concurrency: a recording follows its computation, not the thread
/// (ARCHITECTURE.md, "Tensor recordings"). These run in `.ci/run` under the thread
/// sanitizer too.
@Suite("Tensor concurrency", .tags(.tensor))
struct TensorConcurrencyTests {
    /// The seeds' one-parameter fit y = 3x - 1 from a seeded start; `pause` runs between
    /// the forward pass and `backward()`.
    static func train(seed: Int, steps: Int = 200, pause: () async -> Void) async -> [Float] {
        var w = Tensor<Float>([Float(seed) * 0.1, -0.5]).requiringGradient()
        let x = Tensor<Float>([-1, -0.5, 0, 0.5, 1] as [Float]) + Float(seed) * 0.01
        let y = 3 * x - 1
        for _ in 0..<steps {
            let loss = (w[0] * x + w[1] - y).squared().mean()
            await pause()
            loss.backward()
            withoutGradient { w -= 0.1 * w.grad! }
            w.zeroGradient()
        }
        return w.scalars
    }

    @Test func manyTasksWithAwaitsBetweenForwardAndBackward() async {
        // The reproduction of the concurrency issue: tasks interleave on the pool's few
        // threads at every await, so their recordings must not be the thread's.
        var alone: [[Float]] = []
        for seed in 0..<8 { alone.append(await Self.train(seed: seed) {}) }
        let together = await withTaskGroup(of: (Int, [Float]).self) { group in
            for seed in 0..<8 { group.addTask { (seed, await Self.train(seed: seed) { await Task.yield() }) } }
            var results = [[Float]](repeating: [], count: 8)
            for await (seed, w) in group { results[seed] = w }
            return results
        }
        #expect(together == alone)  // bit-identical
        #expect(abs(alone[0][0] - 3) < 1e-3 && abs(alone[0][1] + 1) < 1e-3)
    }

    /// A model owned by an actor, trained by gradient accumulation: every request
    /// records a loss on the shared parameters, suspends (other requests run their
    /// forward passes meanwhile), then adds its gradient to `w.grad`.
    actor Model {
        var w = Tensor<Double>([0.25, -0.5]).requiringGradient()
        var requests = 0

        func request(_ i: Int) async {
            let x = Double(i % 7) - 3, y = 2 * x - 1
            let loss = (w[0] * x + w[1] - y).squared().sum()
            await Task.yield()
            loss.backward()
            requests += 1
        }

        func step(learningRate: Double) {
            withoutGradient { w -= learningRate * w.grad! }
            w.zeroGradient()
        }
    }

    @Test func actorOwnedModelTrainedFromHundredsOfTasks() async {
        let model = Model()
        let epochs = 3, perEpoch = 100
        for _ in 0..<epochs {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<perEpoch { group.addTask { await model.request(i) } }
            }
            await model.step(learningRate: 1e-3)
        }
        // The same accumulation, one request after another.
        var w = Tensor<Double>([0.25, -0.5]).requiringGradient()
        for _ in 0..<epochs {
            for i in 0..<perEpoch {
                let x = Double(i % 7) - 3, y = 2 * x - 1
                (w[0] * x + w[1] - y).squared().sum().backward()
            }
            withoutGradient { w -= 1e-3 * w.grad! }
            w.zeroGradient()
        }
        let trained = await model.w.scalars
        #expect(await model.requests == epochs * perEpoch)
        // Only the order of the summed gradients differs.
        for (a, b) in zip(trained, w.scalars) { #expect(abs(a - b) <= 1e-12 * Swift.max(1, abs(b))) }
        #expect(trained != [0.25, -0.5])
    }

    @Test func forwardInOneTaskBackwardInAnother() async {
        let w = Tensor<Double>([1, 2, 3]).requiringGradient()
        let loss = await Task.detached { (w * w * 3 + sin(w)).sum() }.value
        #expect(loss.gradientFunctionName == "SumBackward")
        await Task.detached { loss.backward() }.value
        let expected: [Double] = [1.0, 2, 3].map { (x: Double) -> Double in 6 * x + cos(x) }
        for (g, e) in zip(w.grad!.scalars, expected) { #expect(abs(g - e) <= 1e-12 * abs(e)) }
    }

    @Test func twoComputationsShareALeafAtOnce() async {
        // Both tasks record on the same leaf and accumulate into its grad at the same
        // time; the gradients are small integers, so any lost or doubled accumulation
        // shows exactly.
        let w = Tensor<Double>([0.5, 0.5]).requiringGradient()
        let rounds = 50
        async let first: Void = Task.detached {
            for _ in 0..<rounds {
                let loss = ((w * 2 + 1) * 3).sum()  // d/dw = 6
                await Task.yield()
                loss.backward()
            }
        }.value
        async let second: Void = Task.detached {
            for _ in 0..<rounds {
                let loss = (w.squared() * 2).sum()  // d/dw = 4w = 2
                await Task.yield()
                loss.backward()
            }
        }.value
        _ = await (first, second)
        let expected = Double(rounds * 6 + rounds * 2)
        #expect(w.grad!.scalars == [expected, expected])
    }

    @Test func joiningTwoLiveRecordingsFromOtherTasks() async {
        let w = Tensor<Double>([1, 2]).requiringGradient()
        async let a = Task.detached { (w * 2).sum() }.value
        async let b = Task.detached { (exp(w) * 3).sum() }.value
        let (ta, tb) = await (a, b)
        let c = ta * tb  // joins their recordings if they differ
        c.backward()
        let va = 6.0, e1: Double = exp(1), e2: Double = exp(2)
        let vb: Double = 3 * (e1 + e2)
        let expected: [Double] = [2 * vb + 3 * e1 * va, 2 * vb + 3 * e2 * va]
        for (g, e) in zip(w.grad!.scalars, expected) { #expect(abs(g - e) <= 1e-12 * abs(e)) }
    }

    // The next two count a recording's live entries, so they record on a thread of their
    // own: on a shared thread another test's suspended task may have left its recording
    // current, and its live entries would be counted too (onFreshThread).
    @Test func joiningKeepsTheOlderTensorsUsable() {
        let (before, joined, names, grad, left) = onFreshThread {
            let w = Tensor<Double>([1, 2]).requiringGradient()
            let a = (w * 2).sum()
            (w * 1).sum().backward()  // frees part of the thread's recording: the next starts a new one
            w.zeroGradient()
            let b = (w * 3).sum()
            let before = a.recordingLiveEntryCount + b.recordingLiveEntryCount
            let c = a * b  // two live recordings: joined
            let joined = c.recordingLiveEntryCount
            let names = [a.gradientFunctionName, b.gradientFunctionName]
            c.backward()
            return (before, joined, names, w.grad!.scalars, c.recordingLiveEntryCount)
        }
        #expect(joined >= before + 1)
        #expect(names == ["SumBackward", "SumBackward"])
        let expected: Double = 2 * 9 + 3 * 6  // d(a·b) = 2b + 3a per scalar
        #expect(grad == [expected, expected])
        #expect(left == 0)
    }

    /// Operations whose operands are all leaves go to the thread's current recording of
    /// their scalar type, read from the thread's state without retaining it: on a fresh
    /// thread the first one makes that state, and Float and Double alternating keep
    /// their recordings apart.
    @Test func leafOperationsUseTheThreadsRecordingPerScalarType() {
        let (grads, live) = onFreshThread {
            let p = Tensor<Float>([1.5, -2]).requiringGradient()
            let q = Tensor<Double>([0.5, 4]).requiringGradient()
            let a = p[0], c = q[1], b = p[1], d = q[0]
            let y = a * b, z = c * d
            y.backward()
            z.backward()
            return ([p.grad!.scalars.map(Double.init), q.grad!.scalars], [y.recordingLiveEntryCount, z.recordingLiveEntryCount])
        }
        #expect(grads == [[-2, 1.5], [4, 0.5]])
        #expect(live == [0, 0])
    }

    @Test func backwardFreesOnlyWhatItsResultDependsOn() {
        let (grad, left) = onFreshThread {
            let w = Tensor<Float>([1, 2]).requiringGradient()
            let first = (w * 2).sum(), second = (w * 3).sum()  // one recording, two computations
            first.backward()
            second.backward()  // untouched by the first backward
            return (w.grad!.scalars, second.recordingLiveEntryCount)
        }
        #expect(grad == [5, 5])
        #expect(left == 0)
    }

    /// A backward that leaves other entries live empties its own entries' saved slots
    /// one by one: the recording keeps only the other computation's saved tensors.
    @Test func backwardThatLeavesEntriesLiveDropsItsSavedTensors() {
        let (kept, left) = onFreshThread {
            let w = Tensor<Float>([1, 2]).requiringGradient()
            func savedWithScalars(_ t: Tensor<Float>) -> Int {
                guard let (recording, _) = t.lockedEntry() else { return -1 }
                defer { recording.unlock() }
                return recording.storage.saved.elements.filter { !$0.scalars.isEmpty }.count
            }
            let second = (w * 3).sum()
            let secondsOwn = savedWithScalars(second)
            let first = (w * w).sum()  // the same recording
            let both = savedWithScalars(first)
            first.backward()
            return ([secondsOwn, both, savedWithScalars(second)], second.recordingLiveEntryCount)
        }
        #expect(kept[1] > kept[0])
        #expect(kept[2] == kept[0])
        #expect(left > 0)
    }

    @Test func backwardThroughSharedEntriesFreedByAnother() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Tensor<Float>([1, 2]).requiringGradient()
            let h = w * 2
            let first = h.sum(), second = (h * 3).sum()
            first.backward()
            second.backward()  // reaches h's entry, freed by the first (PyTorch's rule)
        }
        #expect(standardError(of: result).contains(
            "backward reached a MultiplyBackward whose saved tensors an earlier backward() already freed"))
    }

    @Test func recordingIndexPastInt32Stops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = tensorRecordingIndex(Int(Int32.max) + 1)
        }
        #expect(standardError(of: result).contains("a tensor recording grew past 2^31 - 1 entries"))
    }
}

import Testing
import Wengert
import Dispatch

@Suite("Reverse mode on many threads", .tags(.reverseMode))
struct ReverseThreadTests {
    @Test func sixteenThreadsAgreeWithOne() {
        let x = (0..<300).map { 0.3 + Double($0 % 17) * 0.05 }
        let alone = gradient(of: elementaryHeavy, at: x)
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { k in
            var mine: [Double] = []
            for _ in 0..<20 { mine = gradient(of: elementaryHeavy, at: x) }
            // Explicit tapes on the same threads, interleaved with the pooled ones.
            let tape = Tape<Double>()
            let xs = tape.variables(x)
            let explicit = tape.gradient(of: elementaryHeavy(xs))[xs]
            results.store(k, mine == explicit ? mine : [])
        }
        for k in 0..<16 { #expect(results.load(k) == alone, "thread \(k)") }
    }
}

/// Per-thread result slots written once each from `concurrentPerform`.
final class ResultBox: @unchecked Sendable {
    private var slots: [[Double]]
    private let lock = NSLockish()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func store(_ k: Int, _ value: [Double]) { lock.locked { slots[k] = value } }
    func load(_ k: Int) -> [Double] { lock.locked { slots[k] } }
}

import Synchronization

/// A minimal lock over `Mutex`, so the box needs no Foundation.
final class NSLockish: Sendable {
    private let mutex = Mutex<Void>(())
    func locked<R>(_ body: () -> R) -> R { mutex.withLock { _ in body() } }
}

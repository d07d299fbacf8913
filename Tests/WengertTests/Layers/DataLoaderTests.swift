import Testing
import Wengert

/// Mini-batches: every row once per epoch, seeded shuffles, the last partial batch.
@Suite("Data loader", .tags(.tensor))
struct DataLoaderTests {
    let inputs = Tensor<Float>(shape: [10, 2], scalars: (0..<20).map { Float($0) })

    @Test func everyRowOncePerEpochInBatches() {
        let loader = DataLoader(inputs: inputs, labels: Array(0..<10), batchSize: 4, seed: 1)
        let batches = loader.batches(epoch: 0)
        #expect(batches.count == 3 && loader.batchCount == 3)
        #expect(batches.map { $0.inputs.shape } == [[4, 2], [4, 2], [2, 2]])
        let rows = batches.flatMap(\.indices)
        #expect(rows.sorted() == Array(0..<10) && rows != Array(0..<10))
        for batch in batches {
            #expect(batch.labels == batch.indices)
            #expect(batch.inputs.scalars == batch.indices.flatMap { [Float(2 * $0), Float(2 * $0 + 1)] })
            #expect(batch.targets.scalars == batch.indices.map { Float($0) })
        }
    }

    @Test func shufflesAreSeededPerEpoch() {
        let a = DataLoader(inputs: inputs, targets: inputs, batchSize: 3, seed: 7)
        let b = DataLoader(inputs: inputs, targets: inputs, batchSize: 3, seed: 7)
        #expect(a.order(epoch: 2) == b.order(epoch: 2))
        #expect(a.order(epoch: 1) != a.order(epoch: 2))
        #expect(DataLoader(inputs: inputs, targets: inputs, batchSize: 3, seed: 8).order(epoch: 2) != a.order(epoch: 2))
        #expect(DataLoader(inputs: inputs, targets: inputs, batchSize: 3, shuffle: false, seed: 7).order(epoch: 5) == Array(0..<10))
    }

    @Test func dropLastLeavesOutThePartialBatch() {
        let loader = DataLoader(inputs: inputs, targets: inputs, batchSize: 4, dropLast: true, seed: 1)
        #expect(loader.batches(epoch: 3).map(\.indices.count) == [4, 4])
    }

    @Test func mismatchedRowsAreNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DataLoader(inputs: Tensor<Float>(zeros: [5, 2]), labels: [0, 1], batchSize: 2, seed: 1)
        }
        #expect(stderrText(result).contains("got inputs [5, 2] and targets [2]"))
    }
}

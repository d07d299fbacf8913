// A tiny data loader (PyTorch's DataLoader over a TensorDataset): rows of a data set in
// mini-batches, shuffled per epoch from a seed so every run sees the same order.

/// One mini-batch: the selected rows of the inputs and targets, the matching labels
/// when the loader has labels, and which rows of the data set they are.
public struct Batch<Scalar: TensorScalar> {
    /// The inputs' rows, `[batchSize] + inputs.shape.dropFirst()`.
    public var inputs: Tensor<Scalar>
    /// The targets' rows; for a loader made with labels, the labels as scalars.
    public var targets: Tensor<Scalar>
    /// The class labels of the rows (empty for a loader made with targets).
    public var labels: [Int]
    /// The rows' indices in the data set, in batch order.
    public var indices: [Int]
}

/// Splits a data set into mini-batches along axis 0, reshuffled each epoch:
///
/// ```swift
/// let loader = DataLoader(inputs: x, labels: y, batchSize: 32, seed: 1)
/// for epoch in 0..<10 {
///     for batch in loader.batches(epoch: epoch) {
///         let loss = softmaxCrossEntropy(logits: model(batch.inputs), labels: batch.labels)
///         ...
///     }
/// }
/// ```
///
/// The order of epoch e depends only on `seed` and e (SplitMix64, Fisher–Yates), so a
/// run can be resumed at any epoch and reproduces exactly.
public struct DataLoader<Scalar: TensorScalar> {
    /// The inputs, one example per row (axis 0).
    public let inputs: Tensor<Scalar>
    /// The targets, one per row.
    public let targets: Tensor<Scalar>
    /// The class labels, one per row, when made with labels.
    public let labels: [Int]
    /// The number of rows per batch (the last may have fewer unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch visits the rows in a new random order.
    public let shuffle: Bool
    /// Whether an incomplete last batch is left out.
    public let dropLast: Bool
    /// The seed of the shuffles.
    public let seed: UInt64

    /// A loader over `inputs` and regression `targets` with as many rows. Stops with a
    /// message when the row counts differ, a tensor is 0-d, or `batchSize` is not positive.
    public init(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
        seed: UInt64
    ) {
        self.init(inputs: inputs, targets: targets, labels: [], batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed)
    }

    /// A loader over `inputs` and class `labels`, one per row. Stops with a message when
    /// the counts differ, `inputs` is 0-d, or `batchSize` is not positive.
    public init(inputs: Tensor<Scalar>, labels: [Int], batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64) {
        self.init(
            inputs: inputs, targets: Tensor(labels.map { Scalar($0) }), labels: labels, batchSize: batchSize, shuffle: shuffle,
            dropLast: dropLast, seed: seed)
    }

    init(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, labels: [Int], batchSize: Int, shuffle: Bool, dropLast: Bool,
        seed: UInt64
    ) {
        if batchSize <= 0 { wengertTensorInvalid("DataLoader's batchSize is \(batchSize); it must be positive.") }
        if inputs.rank == 0 || targets.rank == 0 || inputs.shape[0] != targets.shape[0] {
            wengertTensorInvalid(
                "DataLoader needs inputs and targets with one row each along axis 0; got inputs \(inputs.shape) and "
                    + "targets \(targets.shape).")
        }
        self.inputs = inputs.detached()
        self.targets = targets.detached()
        self.labels = labels
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
    }

    /// The number of rows in the data set.
    public var count: Int { inputs.shape[0] }

    /// The number of batches per epoch.
    public var batchCount: Int { dropLast ? count / batchSize : (count + batchSize - 1) / batchSize }

    /// The row order of `epoch`: 0..<count when not shuffling.
    /// - Complexity: O(count).
    public func order(epoch: Int) -> [Int] {
        var rows = Array(0..<count)
        guard shuffle else { return rows }
        var generator = TensorRandom(seed: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03))
        for i in stride(from: rows.count - 1, to: 0, by: -1) {
            rows.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return rows
    }

    /// The batches of `epoch`, made as they are iterated.
    /// - Complexity: O(count) for the order, then O(batch size · row size) per batch.
    public func batches(epoch: Int = 0) -> Batches {
        Batches(loader: self, order: order(epoch: epoch))
    }

    /// One epoch's batches, in order.
    public struct Batches: RandomAccessCollection {
        let loader: DataLoader
        let order: [Int]

        /// 0.
        public var startIndex: Int { 0 }
        /// The number of batches.
        public var endIndex: Int { loader.batchCount }

        /// The batch at `position`.
        /// - Complexity: O(batch size · row size).
        public subscript(position: Int) -> Batch<Scalar> {
            let start = position * loader.batchSize
            let rows = Array(order[start..<Swift.min(start + loader.batchSize, order.count)])
            return Batch(
                inputs: loader.inputs.gathering(along: 0, indices: rows),
                targets: loader.targets.gathering(along: 0, indices: rows),
                labels: loader.labels.isEmpty ? [] : rows.map { loader.labels[$0] },
                indices: rows)
        }
    }
}

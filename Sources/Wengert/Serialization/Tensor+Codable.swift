// Tensors as Codable values: the shape and the scalars, nothing of the recording. A
// decoded tensor is untrusted input: every way its parts can disagree is a thrown
// DecodingError naming the problem, never a trap.

extension Tensor: Codable where Scalar: Codable {
    @usableFromInline enum CodingKeys: String, CodingKey { case shape, scalars }

    /// Writes `shape` and `scalars` (row-major). Whether the tensor requires a gradient
    /// is not written: a decoded tensor is a constant, as PyTorch's `torch.load` gives
    /// tensors without their graph.
    /// - Complexity: O(n).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        try container.encode(scalars, forKey: .scalars)
    }

    /// Reads a tensor written by ``encode(to:)``. Throws `DecodingError.dataCorrupted`
    /// naming the problem when a dimension is negative, the shape's product overflows,
    /// or the number of scalars differs from it.
    /// - Complexity: O(n).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let count = try Tensor.checkedCount(shape, codingPath: container.codingPath + [CodingKeys.shape])
        let scalars = try container.decode([Scalar].self, forKey: .scalars)
        if scalars.count != count {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: container.codingPath + [CodingKeys.scalars],
                    debugDescription: "shape \(shape) holds \(count) scalars but \(scalars.count) were given"))
        }
        self.init(uncheckedStorage: scalars, shape: shape)
    }

    /// The product of `shape`, or a thrown error for a negative or overflowing one.
    static func checkedCount(_ shape: [Int], codingPath: [any CodingKey]) throws -> Int {
        var count = 1
        for d in shape {
            if d < 0 {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath, debugDescription: "shape \(shape) has a negative dimension \(d)"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath, debugDescription: "shape \(shape) is too large: its product overflows Int"))
            }
            count = product
        }
        return count
    }
}

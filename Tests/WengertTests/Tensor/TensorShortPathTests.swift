import Testing
import Wengert

/// The short paths that small recorded programs take (a whole-tensor `sum()` and
/// `mean()`, a scalar of a CPU vector `p[i]`) against the general paths they skip:
/// the same scalars to the bit, the same shapes, the same recorded operations.
@Suite("Tensor short paths", .tags(.tensor))
struct TensorShortPathTests {
    static let values: [Float] = [0.1, -2.5, 3.75, 1e-3, 7, -0.3, 2.2, 9.5, -4.125, 0.6, 1.9]

    /// Σ and mean over all axes against the same reductions named axis by axis (the
    /// general path), on a vector and a matrix: equal bits, 0-d results, and gradients.
    @Test(arguments: [[11], [1, 11], [11, 1]])
    func wholeReductionsMatchAxisReductions(_ shape: [Int]) {
        let x = Tensor<Float>(shape: shape, scalars: Self.values).requiringGradient()
        let axes = Array(0..<shape.count)
        let pairs = [
            (x.sum(), shape.count == 1 ? x.sum(alongAxes: 0) : x.sum(alongAxes: 0, 1)),
            (x.mean(), shape.count == 1 ? x.mean(alongAxes: 0) : x.mean(alongAxes: 0, 1)),
        ]
        for (short, general) in pairs {
            #expect(short.shape == [] && general.shape == [])
            #expect(short.scalar.bitPattern == general.scalar.bitPattern, "axes \(axes)")
            #expect(short.gradientFunctionName == general.gradientFunctionName)
        }
        let mean = x.mean()
        mean.backward()
        #expect(x.grad!.scalars == [Float](repeating: 1 / 11, count: 11))
        #expect(x.grad!.shape == shape)
    }

    /// `p[i]` of a CPU vector is a 0-d copy of the scalar, recorded as a slice whose
    /// cotangent reaches position i alone; a matrix's row stays the general path.
    @Test func vectorIndexIsRecordedSlice() {
        let p = Tensor<Float>(shape: [3], scalars: [1.5, -2, 4]).requiringGradient()
        let w = p[1]
        #expect(w.shape == [] && w.scalar == -2)
        #expect(w.gradientFunctionName == "SliceBackward")
        (w * 3 + p[2] * p[2]).backward()
        #expect(p.grad!.scalars == [0, 3, 8])
        let m = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGradient()
        let row = m[1]
        #expect(row.shape == [2] && row.scalars == [3, 4])
        row.sum().backward()
        #expect(m.grad!.scalars == [0, 0, 1, 1])
    }

    /// `p[i]` of a tracked CPU vector builds its 0-d result with its place in the
    /// recording directly (`Tensor.recordedIndex`); the same index is a plain constant
    /// without recording, tracked in the interior recording of an interior vector, and
    /// recorded the general way (`Tensor.recorded`) under anomaly detection's observer.
    @Test func vectorIndexRecordsOnlyWhereTracked() throws {
        let p = Tensor<Double>(shape: [4], scalars: [1.5, -2, 4, 0.5]).requiringGradient()
        let off = withoutGradient { p[2] }
        #expect(!off.requiresGradient && off.scalar == 4 && off.shape == [])
        let constant = Tensor<Double>(shape: [2], scalars: [7, 8])[1]
        #expect(!constant.requiresGradient && constant.scalar == 8)
        // Two indices of one leaf, and one of an interior vector of the same recording.
        let interior = (p * p)[3]
        #expect(interior.gradientFunctionName == "SliceBackward" && interior.scalar == 0.25)
        let y = p[2] * p[0] + interior * 4
        y.backward()
        #expect(p.grad!.scalars == [4, 0, 1.5, 4])  // ∂/∂p0 = p2, ∂/∂p2 = p0, ∂/∂p3 = 8 p3
        let q = Tensor<Float>(shape: [3], scalars: [1, 2, 3]).requiringGradient()
        try withAnomalyDetection {
            let w = q[1]
            #expect(w.gradientFunctionName == "SliceBackward" && w.scalar == 2)
            (w * w).backward()
        }
        #expect(q.grad!.scalars == [0, 4, 0])
        // Used again after backward freed the first recording: a new entry in a new one.
        q.zeroGradient()
        (q[0] * 5).backward()
        #expect(q.grad!.scalars == [5, 0, 0])
    }

    /// An index of an interior vector records into that vector's recording, not the
    /// calling thread's current one (only a leaf's index starts there).
    @Test func interiorVectorIndexRecordsIntoItsRecording() {
        let p = Tensor<Double>(shape: [3], scalars: [1, 2, 3]).requiringGradient()
        let v = p * p
        // A backward through part of the thread's recording frees that part, so the
        // thread's next computation starts a new recording; v stays in the old one.
        (p * 3).sum().backward()
        let other = p[0] * 2
        let y = v[2] * 4
        #expect(y.scalar == 36 && y.gradientFunctionName == "MultiplyBackward")
        y.backward()
        #expect(p.grad!.scalars == [3, 3, 27])  // 3 + 8 p2
        other.backward()
        #expect(p.grad!.scalars == [5, 3, 27])
    }

    /// `backward()`'s seed of ones takes the output's shape, whatever its rank.
    @Test func backwardSeedTakesOutputShape() {
        let x = Tensor<Double>(shape: [1, 1], scalars: [3]).requiringGradient()
        (x * x).backward()
        #expect(x.grad!.shape == [1, 1] && x.grad!.scalars == [6])
    }

    /// `grad` of a leaf takes the stored gradient out and puts it back (its copy made
    /// field by field): every read gives the same tensor, the leaf keeps it for the next
    /// backward to add to, and a gradient recorded by `creatingGraph` stays tracked.
    @Test func leafGradientReadKeepsStoredGradient() {
        let p = Tensor<Float>(shape: [2], scalars: [1.5, -2]).requiringGradient()
        (p * p).sum().backward()
        #expect(p.grad!.scalars == [3, -4])
        #expect(p.grad!.scalars == [3, -4])
        (p * 2).sum().backward()
        #expect(p.grad!.scalars == [5, -2])
        p.zeroGradient()
        #expect(p.grad!.scalars == [0, 0])
        #expect(p.grad!.scalars == [0, 0])
        let q = Tensor<Double>(shape: [2], scalars: [1.5, -2]).requiringGradient()
        (q * q * q).sum().backward(creatingGraph: true)
        let g = q.grad!
        #expect(g.scalars == [6.75, 12])
        #expect(g.gradientFunctionName != nil && q.grad!.gradientFunctionName == g.gradientFunctionName)
        g.sum().backward()
        #expect(q.grad!.scalars == [6.75 + 9, 12 - 12])
    }
}

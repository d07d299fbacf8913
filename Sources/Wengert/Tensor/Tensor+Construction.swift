// Constructors: from scalars, constant fills, ranges and seeded random numbers.

extension Tensor {
    /// A 1-D tensor of the given scalars.
    /// - Complexity: O(n).
    @inlinable public init(_ scalars: [Scalar]) {
        self.init(uncheckedStorage: scalars, shape: [scalars.count])
    }

    /// A 0-d tensor holding `value`.
    @inlinable public init(_ value: Scalar) {
        self = Tensor.host(shape: [], count: 1) { $0.initialize(to: value) }
    }

    /// A tensor of the given shape from row-major scalars. Stops with a message naming the
    /// shape and the count when `scalars.count` is not the product of `shape`, and
    /// naming the shape when a dimension is negative or the product is too large.
    /// On a device other than the CPU the scalars are uploaded.
    /// - Complexity: O(n): one copy into the device's arena.
    @inlinable public init(shape: [Int], scalars: [Scalar], on device: Device = .cpu) {
        if TensorShape.count(shape) != scalars.count {
            wengertTensorCountMismatch(shape: shape, count: scalars.count)
        }
        self.init(uncheckedStorage: scalars, shape: shape, device: device)
    }

    /// A tensor of the given shape with every scalar equal to `value`. Stops naming the
    /// shape when a dimension is negative or the product is too large.
    /// - Complexity: O(n).
    @inlinable public init(repeating value: Scalar, shape: [Int], on device: Device = .cpu) {
        _ = TensorShape.count(shape)  // the checks: no negative dimension, no overflow
        self.init(repeating: value, dimensions: TensorDimensions(shape), on: device)
    }

    /// `init(repeating:shape:on:)` for a shape already checked (a tensor's own): a host
    /// fill on the CPU, the backend's fill elsewhere.
    @inlinable init(repeating value: Scalar, dimensions: TensorDimensions, on device: Device) {
        if device.kind == .cpu {
            self = Tensor.hostFilled(value, shape: dimensions, count: TensorShape.count(dimensions))
        } else {
            self = TensorKernels.onDevice(device, "fill") { backend in
                let out: Tensor = try TensorKernels.deviceOutput(backend, dimensions)
                try backend.fill(out.contiguousView, with: value)
                return out
            }
        }
    }

    /// Zeros of the given shape.
    @inlinable public init(zeros shape: [Int], on device: Device = .cpu) {
        self.init(repeating: 0, shape: shape, on: device)
    }

    /// Ones of the given shape.
    @inlinable public init(ones shape: [Int], on device: Device = .cpu) {
        self.init(repeating: 1, shape: shape, on: device)
    }

    /// `count` evenly spaced scalars from `start` to `end`, both included (NumPy's linspace).
    /// - Complexity: O(count).
    @inlinable public init(linspace start: Scalar, _ end: Scalar, count: Int) {
        if count < 0 { wengertTensorInvalid("linspace needs count >= 0, got \(count).") }
        let step = count > 1 ? (end - start) / Scalar(count - 1) : 0
        self.init((0..<count).map { i in i == count - 1 && count > 1 ? end : start + Scalar(i) * step })
    }

    /// start, start + step, ... up to but excluding `end` (NumPy's arange). Stops naming
    /// the argument when `start`, `end` or `step` is not finite, `step` is 0, or the
    /// result would be too large.
    /// - Complexity: O((end - start) / step).
    @inlinable public init(arange start: Scalar, _ end: Scalar, step: Scalar = 1) {
        if !start.isFinite || !end.isFinite || !step.isFinite {
            wengertTensorInvalid("arange needs finite start, end and step; got start \(start), end \(end), step \(step).")
        }
        if step == 0 { wengertTensorInvalid("arange needs a non-zero step.") }
        let steps = ((end - start) / step).rounded(.up)
        if !(steps < Scalar(TensorShape.maximumCount)) {
            wengertTensorInvalid("arange from \(start) to \(end) by \(step) would hold more than \(TensorShape.maximumCount) scalars.")
        }
        let n = Swift.max(0, Int(steps))
        self.init((0..<n).map { start + Scalar($0) * step })
    }

    /// Scalars drawn uniformly from [lower, upper) by a seeded generator (SplitMix64), so
    /// the same seed gives the same tensor on every platform.
    /// - Complexity: O(n).
    @inlinable public init(randomUniform shape: [Int], lower: Scalar = 0, upper: Scalar = 1, seed: UInt64) {
        var generator = TensorRandom(seed: seed)
        let n = TensorShape.count(shape)
        var values = [Scalar]()
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(lower + (upper - lower) * Scalar(generator.nextUnit())) }
        self.init(shape: shape, scalars: values)
    }

    /// Scalars drawn from the normal distribution N(mean, standardDeviation²) by a
    /// seeded generator (SplitMix64 and the Box–Muller transform).
    /// - Complexity: O(n).
    @inlinable public init(randomNormal shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, seed: UInt64) {
        var generator = TensorRandom(seed: seed)
        let n = TensorShape.count(shape)
        var values = [Scalar]()
        values.reserveCapacity(n)
        while values.count < n {
            let u1 = Swift.max(generator.nextUnit(), 1e-300), u2 = generator.nextUnit()
            let r = (-2 * Double.log(u1)).squareRoot()
            values.append(mean + standardDeviation * Scalar(r * Double.cos(2 * Double.pi * u2)))
            if values.count < n {
                values.append(mean + standardDeviation * Scalar(r * Double.sin(2 * Double.pi * u2)))
            }
        }
        self.init(shape: shape, scalars: values)
    }

    /// This tensor's scalars copied to `device` (an upload, a download, or both between
    /// two OpenCL devices); the same tensor when it is already there. Operations on the
    /// result run on `device`, and so does their backward pass.
    ///
    /// Move a tensor before it requires a gradient (`x.moved(to: gpu).requiringGradient()`):
    /// the copy is not a recorded operation, so moving a tracked tensor stops with a
    /// message saying so rather than cut its gradient off.
    /// - Complexity: O(n) and one transfer; stops with the device's error if it fails.
    @inlinable public func moved(to device: Device) -> Tensor {
        if device == placement { return self }
        if tracking != nil { wengertTensorMovedTracked(placement, device) }
        return Tensor(uncheckedStorage: scalars, shape: shape, device: device)
    }
}

@usableFromInline
struct TensorRandom {
    @usableFromInline var state: UInt64
    @inlinable init(seed: UInt64) { state = seed }
    @inlinable mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A double in [0, 1) with 53 random bits.
    @inlinable mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

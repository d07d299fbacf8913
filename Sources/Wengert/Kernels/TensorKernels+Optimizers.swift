// Optimiser updates in one pass over memory, written in place where no other value can
// see the change.
//
// An optimiser step composed of tensor operations makes a new buffer per operation and
// reads the parameter, its gradient and its moments once per operation: Adam's update
// is twelve passes over every parameter. A steady training loop hands the optimiser
// parameters and moments that nothing else holds (backward freed the recording that
// saved them), so the step can write them where they are, as PyTorch's optimisers do,
// without giving up value semantics: a buffer another value shares is never written.

extension TensorKernels {
    /// Whether `a` may be written in place: a CPU tensor that is not recorded (an interior
    /// tensor is left alone, and so is a leaf while recording is on, which `update` then
    /// refuses), the only holder of its buffer, and not a view into another's.
    @inlinable static func isWritableInPlace<S>(_ a: inout Tensor<S>) -> Bool {
        if a.trackingIndex >= 0 || (a.trackingIndex == -1 && Tensor<S>.isGradientEnabled) { return false }
        return a.placement.kind == .cpu && a.storage.owner == nil && isKnownUniquelyReferenced(&a.storage)
    }

    /// `lhs = lhs op rhs` written into `lhs`'s buffer (a compound assignment such as an
    /// optimiser's `p -= lr * g`) when ``isWritableInPlace(_:)`` allows, `rhs` is a CPU
    /// tensor and the result keeps `lhs`'s shape with `rhs` of its count or one scalar:
    /// the kernel call `arithmetic` makes for those operands (the kernels allow `out` to
    /// alias an input), so the same bits, without a new buffer nor the old one's release.
    /// Returns false, changing nothing, otherwise, and when the result must be recorded:
    /// `total += term` with a tracked term makes a constant `total` their recorded sum.
    /// - Complexity: O(n), one pass.
    @inlinable static func arithmeticInPlace<S>(
        _ op: TensorArithmetic, _ lhs: inout Tensor<S>, _ rhs: Tensor<S>, operation: StaticString
    ) -> Bool {
        let n = lhs.scalarCount, nb = rhs.scalarCount
        guard rhs.placement.kind == .cpu, nb == n || nb == 1, !rhs.isTracked || !Tensor<S>.isGradientEnabled,
            isWritableInPlace(&lhs),
            // Equal shapes broadcast to themselves (an optimiser's p -= lr * g): the
            // broadcast's call and comparison were about 40 instructions of its 250.
            rhs.dimensions == lhs.dimensions || TensorShape.broadcast(lhs.dimensions, rhs.dimensions) == lhs.dimensions
        else { return false }
        requireConsistent(lhs, operation: operation)
        if n > 0 {
            let pa = lhs.hostBase
            withExtendedLifetime(rhs) { S._binaryKernel(op.rawValue, pa, 1, rhs.hostBase, nb == n ? 1 : 0, pa, n) }
        }
        return true
    }

    /// a + s·b for tensors of one shape, in one pass over memory (an optimiser's p - η·g),
    /// equal to the two operations it replaces; on another device, or for shapes that
    /// differ, it is those two operations.
    @inlinable static func scaledAdd<S>(_ a: Tensor<S>, _ s: S, _ b: Tensor<S>) -> Tensor<S> {
        guard a.placement.kind == .cpu, b.placement.kind == .cpu, a.dimensions == b.dimensions else { return a + s * b }
        requireConsistent(a, operation: "scaled add")
        requireConsistent(b, operation: "scaled add")
        let n = a.scalarCount, pa = a.hostBase, pb = b.hostBase
        return Tensor.host(shape: a.dimensions, count: n) { po in
            if n > 0 { S._scaledAddKernel(pa, s, pb, po, n) }
        }
    }

    /// `parameter += s·g` in one pass (SGD's p - η·g with s = -η), the same numbers as the
    /// two tensor operations: written in place when ``isWritableInPlace(_:)`` allows and
    /// `g` is a CPU tensor of the parameter's shape, else replaced through `Tensor.update`
    /// (which refuses a recorded leaf).
    /// - Complexity: O(n), one pass.
    @inlinable static func scaledAddStep<S>(_ parameter: inout Tensor<S>, _ s: S, _ g: Tensor<S>) {
        if g.placement.kind == .cpu, parameter.dimensions == g.dimensions, parameter.scalarCount == g.scalarCount,
            isWritableInPlace(&parameter)
        {
            requireConsistent(parameter, operation: "scaled add")
            let n = parameter.scalarCount, pp = parameter.hostBase, pg = g.hostBase
            if n > 0 { withExtendedLifetime(g) { S._scaledAddKernel(pp, s, pg, pp, n) } }
            return
        }
        Tensor.update(&parameter, { scaledAdd($0, s, g) }, operation: "-=")
    }

    /// The scalars of one Adam step, computed once per parameter by `Adam`.
    @usableFromInline
    struct AdamSettings<S: TensorScalar> {
        @usableFromInline let beta1, oneMinusBeta1, beta2, oneMinusBeta2: S
        /// η / (1 - β₁ᵗ).
        @usableFromInline let stepSize: S
        /// 1 - β₂ᵗ.
        @usableFromInline let correction2: S
        @usableFromInline let epsilon, weightDecay: S

        /// The fields in the order of `wengert_adam_settings_*`.
        @inlinable var scalars: (S, S, S, S, S, S, S, S) {
            (beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, correction2, epsilon, weightDecay)
        }

        @inlinable init(beta1: S, beta2: S, stepSize: S, correction2: S, epsilon: S, weightDecay: S) {
            self.beta1 = beta1
            self.oneMinusBeta1 = 1 - beta1
            self.beta2 = beta2
            self.oneMinusBeta2 = 1 - beta2
            self.stepSize = stepSize
            self.correction2 = correction2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    /// One Adam step of `parameter` with gradient `g` and moments `m` and `v` (nil before
    /// the first step: zeros) in one pass, the same numbers as `Adam`'s tensor operations.
    /// The parameter is written in place when ``isWritableInPlace(_:)`` allows, else
    /// replaced through `Tensor.update` (which refuses a recorded leaf); each moment is
    /// written in place when the optimiser holds it alone. Returns false, changing
    /// nothing, unless all four are CPU tensors of the parameter's shape and the
    /// parameter is not an interior tensor.
    /// - Complexity: O(n), one pass.
    @inlinable static func adamStep<S>(
        _ parameter: inout Tensor<S>, gradient g: Tensor<S>, firstMoment m: inout Tensor<S>?,
        secondMoment v: inout Tensor<S>?, _ settings: AdamSettings<S>
    ) -> Bool {
        let shape = parameter.dimensions
        func fits(_ t: Tensor<S>?) -> Bool { t.map { $0.placement.kind == .cpu && $0.dimensions == shape } ?? true }
        guard parameter.placement.kind == .cpu, parameter.trackingIndex < 0, fits(g), fits(m), fits(v) else { return false }
        requireConsistent(parameter, operation: "Adam")
        requireConsistent(g, operation: "Adam")
        let n = parameter.scalarCount
        // Taken out of the optimiser's slots, so that a moment nothing else holds is unique.
        var first = m ?? Tensor(zeros: shape.array), second = v ?? Tensor(zeros: shape.array)
        m = nil
        v = nil
        requireConsistent(first, operation: "Adam")
        requireConsistent(second, operation: "Adam")
        let firstOut = isWritableInPlace(&first) ? first.storage : TensorStorage.hostBuffer(S.self, count: n)
        let secondOut = isWritableInPlace(&second) ? second.storage : TensorStorage.hostBuffer(S.self, count: n)
        func run(_ p: Tensor<S>, into out: UnsafeMutablePointer<S>) {
            withExtendedLifetime((p, g, first, second, firstOut, secondOut)) {
                S._adamKernel(
                    settings.scalars, p.hostBase, g.hostBase, first.hostBase, second.hostBase, out,
                    firstOut.block.assumingMemoryBound(to: S.self), secondOut.block.assumingMemoryBound(to: S.self), n)
            }
        }
        if isWritableInPlace(&parameter) {
            run(parameter, into: parameter.hostBase)
        } else {
            Tensor.update(&parameter, { p in Tensor.host(shape: shape, count: n) { run(p, into: $0) } }, operation: "-=")
        }
        m = Tensor(buffer: firstOut, shape: shape, device: .cpu)
        v = Tensor(buffer: secondOut, shape: shape, device: .cpu)
        return true
    }
}

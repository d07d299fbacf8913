// The user-facing autograd: leaves, grad, backward, detaching, no-gradient scopes.

import CWengert

extension Tensor {
    /// This tensor as a new leaf that requires a gradient (PyTorch's `requires_grad_()`):
    /// operations on it are recorded and `backward()` accumulates into its ``grad``.
    ///
    /// A tensor that already requires a gradient is returned unchanged, so an interior
    /// tensor keeps its graph (gradients still reach the leaves it was computed from; ask
    /// for its own gradient with ``retainingGradient()``). For a new leaf holding an
    /// interior tensor's values, call `detached().requiringGradient()`.
    /// - Complexity: O(1).
    @inlinable public func requiringGradient() -> Tensor {
        if tracking != nil { return self }
        var leaf = untracked
        leaf.tracking = .leaf(TensorLeaf())
        return leaf
    }

    /// Whether operations on this tensor are recorded: true for leaves made by
    /// ``requiringGradient()`` and for results computed from them outside
    /// `withoutGradient { }`.
    @inlinable public var requiresGradient: Bool { tracking != nil }

    /// Whether this is a leaf: a tensor not made by a recorded operation.
    @inlinable public var isLeaf: Bool {
        if case .interior = tracking { return false }
        return true
    }

    /// The gradient accumulated by backward passes into this leaf (or into an interior
    /// tensor made by ``retainingGradient()``); nil before the first one, and for other
    /// interior tensors and tensors that do not require a gradient.
    @inlinable public var grad: Tensor? {
        switch tracking {
        case .leaf(let box): return box.grad
        case .interior(let recording, let index): return recording.retainedGradients[index]?.grad
        case nil: return nil
        }
    }

    /// This interior tensor, asking backward passes to keep its gradient in ``grad``
    /// as they do for leaves (PyTorch's `retain_grad()`). Leaves and constants are
    /// returned unchanged.
    /// - Complexity: O(1); each backward pass then accumulates one more tensor.
    @inlinable public func retainingGradient() -> Tensor {
        if case .interior(let recording, let index) = tracking, !recording.isFreed,
            recording.retainedGradients[index] == nil
        {
            recording.retainedGradients[index] = TensorLeaf()
        }
        return self
    }

    /// Sets this leaf's (or retained interior tensor's) gradient to zeros (PyTorch's
    /// `.grad.zero_()`); nothing for others.
    /// - Complexity: O(n).
    @inlinable public func zeroGradient() {
        switch tracking {
        case .leaf(let box): box.grad = Tensor(zeros: dimensions, on: placement)
        case .interior(let recording, let index):
            recording.retainedGradients[index]?.grad = Tensor(zeros: dimensions, on: placement)
        case nil: break
        }
    }

    /// The same values, no longer recorded (PyTorch's `detach()`).
    /// - Complexity: O(1).
    @inlinable public func detached() -> Tensor { untracked }

    /// The number of entries in the calling thread's live recording of this scalar
    /// type: 0 when none is alive (freed by `backward()`, or no tensor refers to it).
    /// For tests and memory measurements.
    /// - Complexity: O(1).
    @inlinable public static var recordedEntryCount: Int {
        let state = TensorThreadState.current
        if Scalar._isRecordingUnique(in: state) { return 0 }
        guard let live = Scalar._recording(in: state), !live.isFreed else { return 0 }
        return live.count
    }

    /// The name of the operation that made this tensor ("MultiplyBackward", PyTorch's
    /// `grad_fn`); nil for leaves and constants.
    public var gradientFunctionName: String? {
        guard case .interior(let recording, let index) = tracking else { return nil }
        return recording.entries[index].operation.backwardName
    }

    /// Back-propagates from this one-scalar tensor with seed 1, accumulating into the
    /// `grad` of every leaf it depends on. Frees the recording afterwards unless
    /// `retainingGraph`; a second backward over a freed recording stops with a message.
    /// - Complexity: one sweep over the recording, each entry's rule costing about as
    ///   much as its forward operation.
    @inlinable public func backward(retainingGraph: Bool = false) {
        if scalarCount != 1 { wengertTensorNotScalar(dimensions, operation: "backward()") }
        backward(seed: Tensor(repeating: 1, shape: dimensions, on: placement), retainingGraph: retainingGraph)
    }

    /// Back-propagates the cotangent `seed` (a vector-Jacobian product): each leaf's
    /// `grad` grows by seedᵀ·∂self/∂leaf. `seed` must broadcast to this tensor's shape
    /// (any one-scalar seed fits a one-scalar tensor) and be finite: a NaN or infinite
    /// seed stops with a message, as the scalar tape's does.
    /// - Complexity: one sweep over the recording.
    @inlinable public func backward(seed: Tensor, retainingGraph: Bool = false) {
        var seed = seed.untracked
        if seed.storage.count == 1 && storage.count == 1 { seed.dimensions = dimensions }
        guard let broadcast = TensorShape.broadcast(dimensions, seed.dimensions), broadcast == dimensions else {
            wengertTensorInvalid(
                "backward(seed:): a seed of shape \(seed.dimensions) does not broadcast to the output's shape \(dimensions).")
        }
        if let bad = seed.storage.first(where: { !$0.isFinite }) {
            wengertTensorInvalid(
                "backward(seed:): the seed must be finite; it holds \(bad). Check the seed for NaN or infinity.")
        }
        seed = TensorKernels.expand(seed, to: dimensions)
        switch tracking {
        case nil:
            wengertTensorInvalid("backward() on a tensor that does not require a gradient; call requiringGradient() on its inputs.")
        case .leaf(let box):
            box.grad = box.grad.map { $0 + seed } ?? seed
        case .interior(let recording, let index):
            recording.backward(from: index, seed: seed, retainingGraph: retainingGraph)
        }
    }
}

/// Runs `body` with recording switched off on this thread (PyTorch's `torch.no_grad()`)
/// and returns its value. Results made inside do not require a gradient, and leaves may
/// be updated in place (`withoutGradient { w -= 0.01 * w.grad! }`). Scopes nest.
/// - Complexity: O(1) around `body`.
@inlinable public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    let depth = Int(bitPattern: wengert_thread_slot(2))
    wengert_set_thread_slot(2, UnsafeMutableRawPointer(bitPattern: depth + 1))
    defer { wengert_set_thread_slot(2, UnsafeMutableRawPointer(bitPattern: depth)) }
    return try body()
}

extension TensorRecording {
    /// The reverse sweep: entries from `start` down to 0, each one's rule turning its
    /// output's cotangent into its operands'. Operands always precede their users, so
    /// one pass suffices.
    @inlinable
    func backward(from start: Int, seed: Tensor<Scalar>, retainingGraph: Bool) {
        if isFreed {
            wengertTensorInvalid(
                "backward through a recording that an earlier backward() already freed; "
                    + "pass retainingGraph: true to the first backward to keep it.")
        }
        var cotangents = [Tensor<Scalar>?](repeating: nil, count: start + 1)
        cotangents[start] = seed
        withoutGradient {
            for index in stride(from: start, through: 0, by: -1) {
                guard let g = cotangents[index] else { continue }
                cotangents[index] = nil
                if !retainedGradients.isEmpty, let box = retainedGradients[index] {
                    box.grad = box.grad.map { $0 + g } ?? g
                }
                let entry = entries[index]
                let args = arguments[Int(entry.argumentStart)..<Int(entry.argumentStart + entry.argumentCount)]
                switch entry.operation {
                case .leaf:
                    let box = leaves[args.first!]
                    box.grad = box.grad.map { $0 + g } ?? g
                    continue
                case .freed:
                    wengertTensorInvalid(
                        "backward reached a tensor whose recording an earlier backward() freed; "
                            + "pass retainingGraph: true to the first backward, or detach the tensor.")
                default: break
                }
                let operandRange = Int(entry.operandStart)..<Int(entry.operandStart + entry.operandCount)
                var needs = TensorOperandMask(bits: 0)
                for (k, slot) in operandRange.enumerated() where k < 64 && operands[slot] >= 0 {
                    needs.bits |= 1 << UInt64(k)
                }
                let grads = TensorPullbacks.pullback(
                    entry.operation, g, saved: saved[Int(entry.savedStart)..<Int(entry.savedStart + entry.savedCount)],
                    arguments: args, operandShapes: operandShapes[operandRange], customFunctions: customFunctions,
                    needs: needs)
                if _slowPath(anomalyDetectionIsOn) { checkBackwardAnomaly(index, entry, upstream: g, results: grads) }
                for (k, slot) in operandRange.enumerated() {
                    let target = Int(operands[slot])
                    guard target >= 0, let grad = grads[k] else { continue }
                    let fitted = TensorKernels.sum(grad, toShape: operandShapes[slot])
                    cotangents[target] = cotangents[target].map { $0 + fitted } ?? fitted
                }
            }
        }
        if !retainingGraph { free() }
    }
}

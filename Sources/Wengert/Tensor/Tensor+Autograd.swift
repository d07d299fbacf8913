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
        leaf.tracking = .leaf(TensorLeaf<Scalar>())
        return leaf
    }

    /// Whether operations on this tensor are recorded: true for leaves made by
    /// ``requiringGradient()`` and for results computed from them outside
    /// `withoutGradient { }`.
    @inlinable public var requiresGradient: Bool { tracking != nil }

    /// Whether this is a leaf: a tensor not made by a recorded operation.
    @inlinable public var isLeaf: Bool { tracking?.recording(Scalar.self) == nil }

    /// The gradient accumulated by backward passes into this leaf (or into an interior
    /// tensor made by ``retainingGradient()``); nil before the first one, and for other
    /// interior tensors and tensors that do not require a gradient. Safe to read while
    /// another task's backward pass accumulates into the same leaf.
    ///
    /// Reading it on an interior tensor (one made by a recorded operation, `isLeaf`
    /// false) that was not made by ``retainingGradient()`` gives nil, as PyTorch's
    /// non-leaf `.grad` does, and the first such read in a process writes one line to
    /// standard error saying why and what to do:
    /// `Wengert: grad of a non-leaf tensor (made by MultiplyBackward) is nil: backward()
    /// keeps gradients only for leaves …. Call retainingGradient() on the tensor before
    /// backward() …`. See <doc:TensorsAndTraining>.
    /// - Complexity: O(1).
    @inlinable public var grad: Tensor? {
        // A leaf's box is read through the stored owner: `tracking` retained and released it.
        if trackingIndex == -1 { return leafBox.gradient }
        guard isTracked else { return nil }
        do {
            guard let (recording, index) = lockedEntry() else { return nil }
            let box = recording.retainedGradients[index]
            let operation = box == nil ? recording.entries[index].operation.backwardName : ""
            recording.unlock()
            if box == nil { wengertNoteInteriorGradientRead(operation: operation) }
            return box?.gradient
        }
    }

    /// This interior tensor, asking backward passes to keep its gradient in ``grad``
    /// as they do for leaves (PyTorch's `retain_grad()`). Leaves and constants are
    /// returned unchanged.
    /// - Complexity: O(1); each backward pass then accumulates one more tensor.
    @inlinable public func retainingGradient() -> Tensor {
        if let (recording, index) = lockedEntry() {
            if recording.retainedGradients[index] == nil { recording.retainedGradients[index] = TensorLeaf() }
            recording.unlock()
        }
        return self
    }

    /// Sets this leaf's (or retained interior tensor's) gradient to zeros (PyTorch's
    /// `.grad.zero_()`); nothing for others.
    /// - Complexity: O(n).
    @inlinable public func zeroGradient() {
        if trackingIndex == -1 {
            leafBox.zero(shape: dimensions, device: placement)
        } else if let (recording, index) = lockedEntry() {
            let box = recording.retainedGradients[index]
            recording.unlock()
            box?.zero(shape: dimensions, device: placement)
        }
    }

    /// The gradient box of a leaf (`trackingIndex` -1), read without building `tracking`.
    @inlinable var leafBox: TensorLeaf<Scalar> { unsafeDowncast(trackingOwner, to: TensorLeaf<Scalar>.self) }

    /// The same values, no longer recorded (PyTorch's `detach()`).
    /// - Complexity: O(1).
    @inlinable public func detached() -> Tensor { untracked }

    /// The name of the operation that made this tensor ("MultiplyBackward", PyTorch's
    /// `grad_fn`); nil for leaves and constants.
    public var gradientFunctionName: String? {
        guard let (recording, index) = lockedEntry() else { return nil }
        defer { recording.unlock() }
        return recording.entries[index].operation.backwardName
    }

    /// Back-propagates from this one-scalar tensor with seed 1, accumulating into the
    /// `grad` of every leaf it depends on. Afterwards frees the saved tensors of exactly
    /// the operations it went through, unless `retainingGraph`; a second backward through
    /// them stops with a message. Other computations are untouched, even ones that share
    /// its leaves or run at the same time in other tasks, and it may run in another task
    /// than the forward pass did.
    ///
    /// With `creatingGraph` (PyTorch's `create_graph=True`) the backward rules are
    /// themselves recorded: each leaf's `grad` is then a tracked tensor, a function of
    /// the inputs whose own `backward()` gives second derivatives (a gradient penalty,
    /// Hessian-vector products). The graph is then kept, whatever `retainingGraph` says,
    /// since the recorded gradients refer to it. As in PyTorch, a leaf's recorded `grad`
    /// keeps the recording alive (the recording refers to the leaf) until the gradient
    /// is replaced, for example by `zeroGradient()`.
    /// - Complexity: one sweep over the recording, each entry's rule costing about as
    ///   much as its forward operation; with `creatingGraph`, about as many entries
    ///   again are recorded (two or three per operation: the rule's products).
    @inlinable public func backward(retainingGraph: Bool = false, creatingGraph: Bool = false) {
        if scalarCount != 1 { wengertTensorNotScalar(dimensions, operation: "backward()") }
        // Ones of this shape need none of `backward(seed:)`'s checks (finite, broadcasting)
        // nor its expansion: about 600 instructions per training step.
        backpropagate(
            placement.kind == .cpu ? Tensor.sharedOne(dimensions) : Tensor(repeating: 1, dimensions: dimensions, on: placement),
            retainingGraph: retainingGraph, creatingGraph: creatingGraph)
    }

    /// A one-scalar CPU tensor of `shape` holding 1 (`shape` holds one scalar), over a
    /// buffer that every backward pass of the process shares: a buffer is never written
    /// once filled, and one written in place (a rule's cotangent, an optimiser's update)
    /// is first checked to be held by its writer alone, which this one never is (the
    /// global holds it). A seed of its own was a buffer made and freed per backward
    /// (about 300 instructions).
    @inlinable static func sharedOne(_ shape: TensorDimensions) -> Tensor {
        if Scalar.self == Float.self { return Tensor(buffer: tensorSharedOneFloat, shape: shape, device: .cpu) }
        if Scalar.self == Double.self { return Tensor(buffer: tensorSharedOneDouble, shape: shape, device: .cpu) }
        return Tensor.hostFilled(1, shape: shape, count: 1)
    }

    /// Back-propagates the cotangent `seed` (a vector-Jacobian product): each leaf's
    /// `grad` grows by seedᵀ·∂self/∂leaf. `seed` must broadcast to this tensor's shape
    /// (any one-scalar seed fits a one-scalar tensor) and be finite: a NaN or infinite
    /// seed stops with a message, as the scalar tape's does.
    /// `creatingGraph` records the backward pass, as for ``backward(retainingGraph:creatingGraph:)``.
    /// - Complexity: one sweep over the recording.
    @inlinable public func backward(seed: Tensor, retainingGraph: Bool = false, creatingGraph: Bool = false) {
        var seed = seed.untracked
        if seed.scalarCount == 1 && scalarCount == 1 { seed.dimensions = dimensions }
        guard let broadcast = TensorShape.broadcast(dimensions, seed.dimensions), broadcast == dimensions else {
            wengertTensorInvalid(
                "backward(seed:): a seed of shape \(seed.dimensions) does not broadcast to the output's shape \(dimensions).")
        }
        // Read in place on the CPU: a copy of the scalars was an allocation per backward.
        let bad =
            seed.placement.kind == .cpu
            ? seed.withHostScalars { $0.first(where: { !$0.isFinite }) } : seed.scalars.first(where: { !$0.isFinite })
        if let bad {
            wengertTensorInvalid(
                "backward(seed:): the seed must be finite; it holds \(bad). Check the seed for NaN or infinity.")
        }
        backpropagate(
            TensorKernels.expand(seed, to: dimensions), retainingGraph: retainingGraph, creatingGraph: creatingGraph)
    }

    /// Back-propagates `seed`, untracked, finite and of this tensor's shape.
    @inlinable func backpropagate(_ seed: Tensor, retainingGraph: Bool, creatingGraph: Bool) {
        guard let tracking else {
            wengertTensorInvalid("backward() on a tensor that does not require a gradient; call requiringGradient() on its inputs.")
        }
        if let recording = tracking.recording(Scalar.self) {
            TensorRecording.backward(
                from: recording, tracking.index, seed: seed, retainingGraph: retainingGraph, creatingGraph: creatingGraph)
        } else {
            tracking.leafBox(Scalar.self)!.accumulate(seed)
        }
    }
}

/// The shared seeds of `Tensor.sharedOne`: one scalar 1, as a `Float` and as a `Double`.
@usableFromInline let tensorSharedOneFloat = Tensor<Float>.hostFilled(1, shape: TensorDimensions(), count: 1).storage
@usableFromInline let tensorSharedOneDouble = Tensor<Double>.hostFilled(1, shape: TensorDimensions(), count: 1).storage

/// Runs `body` with recording switched off on this thread (PyTorch's `torch.no_grad()`)
/// and returns its value. Results made inside do not require a gradient, and leaves may
/// be updated in place (`withoutGradient { w -= 0.01 * w.grad! }`). Scopes nest.
///
/// The scope is per thread, which is exact because `body` is synchronous: it cannot
/// suspend, so no other task runs on the thread inside it and the scope cannot follow
/// a task elsewhere.
/// - Complexity: O(1) around `body`.
@inlinable public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    let depth = Int(bitPattern: wengert_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH))
    wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, UnsafeMutableRawPointer(bitPattern: depth + 1))
    defer { wengert_set_thread_slot(WENGERT_SLOT_NO_GRADIENT_DEPTH, UnsafeMutableRawPointer(bitPattern: depth)) }
    return try body()
}

// LazyTensor: an elementwise expression over tensors, built by the same operators and
// functions as Tensor's and run as one fused program (FusedProgram.swift, Fused.c) when
// it becomes a tensor again: one pass over the data in cache-sized blocks, one recorded
// entry, and one backward rule that sweeps the whole chain per block. Swift's
// `Sequence.lazy` is the model: `x.lazy` opts in, a terminal (`evaluated()`, `sum()`,
// `mean()`) runs it.

import CWengert

/// An elementwise expression over tensors that runs as one fused pass when it is
/// evaluated: the loss pattern of a training loop, forward and backward, without the
/// tensors between its steps.
///
/// ```swift
/// // (w·x + b - y)² averaged: one pass forward, one backward, one recorded entry
/// let loss = (w.lazy * x.lazy + b.lazy - y.lazy).squared().mean()
/// loss.backward()
/// ```
///
/// Each tensor joins with ``Tensor/lazy`` and each constant with ``init(_:)``
/// (`LazyTensor(2) * x.lazy`). Combine with `+ - * /`, `-x`, ``squared()``, and `exp`, `log`,
/// `sin`, `cos`, `tanh`, `sigmoid`, `sqrt`, `abs`, `relu` and `pow(_:n:)`; finish with
/// ``evaluated()``, ``sum()`` or ``mean()``. Shapes broadcast as for tensors, and a shape
/// mismatch stops at the operator that made it, naming both shapes. (Operands are
/// explicit because operators mixing lazy expressions with tensors or scalars, or
/// literals that make constants, made long literal expressions over duals, elsewhere in
/// a program, too slow for the compiler to type-check.)
///
/// The values equal those of the same tensor operations to the bit (each step runs the
/// tensor operation's own kernel, on a block of 2048 positions at a time); a reduction's
/// sum and the gradients are accumulated in another order, so they agree to rounding.
/// Gradients follow the operations' rules and the chain rule's convention at singular
/// points, and a backward pass that creates a graph differentiates through the
/// expression again (Hessian-vector products work on it). On a device other than the
/// CPU the steps run as separate tensor operations.
///
/// Building costs a few array appends per step; evaluating costs one pass over the
/// positions, plus the tensors it returns. When it is recorded, the forward pass keeps
/// each step's values for the backward pass (steps × positions scalars, up to 2²³; above
/// that the backward pass recomputes them). Operands of more than one scalar and unequal shapes are first expanded to
/// the broadcast shape (a recorded expand, as broadcasting records it).
@frozen
public struct LazyTensor<Scalar: TensorScalar>: Sendable {
    /// The tensors the expression reads, each once.
    @usableFromInline var inputs: [Tensor<Scalar>]
    /// The steps, in order; an operand is a step (k ≥ 0) or an input (-1 - j).
    @usableFromInline var steps: [wengert_fused_step]
    /// The broadcast shape of the expression's value.
    @usableFromInline var dimensions: TensorDimensions

    @inlinable init(_ tensor: Tensor<Scalar>) {
        inputs = [tensor]
        steps = []
        dimensions = tensor.dimensions
    }

    /// A constant: a 0-d expression with no inputs, broadcast where it is used.
    @inlinable public init(_ value: Scalar) {
        inputs = []
        steps = []
        dimensions = TensorDimensions()
        _ = append(WENGERT_FUSED_CONSTANT, 0, constant: Double(value))
    }

    /// The extent of each axis of the value.
    @inlinable public var shape: [Int] { dimensions.array }

    /// Where the value is: the last step, or the only input of an expression without steps.
    @inlinable var valueOperand: Int32 { steps.isEmpty ? -1 : Int32(steps.count - 1) }

    /// The operand number of `tensor` among the inputs, adding it unless it is there
    /// already (the same buffer, shape and place in a recording).
    @inlinable mutating func input(_ tensor: Tensor<Scalar>) -> Int32 {
        // By index and field: `for t in inputs` copied each tensor (two retains, two releases).
        for j in inputs.indices
        where inputs[j].storage === tensor.storage && inputs[j].trackingIndex == tensor.trackingIndex
            && inputs[j].trackingOwner === tensor.trackingOwner && inputs[j].dimensions == tensor.dimensions
        {
            return -1 - Int32(j)
        }
        // Room for a few inputs at once rather than growing from the one of `Tensor.lazy`.
        if inputs.capacity < 4 { inputs.reserveCapacity(4) }
        inputs.append(tensor)
        return -Int32(inputs.count)
    }

    /// Appends `other`'s inputs and steps, renumbered, and returns where its value is now.
    @inlinable mutating func absorb(_ other: LazyTensor) -> Int32 {
        // The common operand, a tensor just made lazy: one input, nothing to renumber.
        if other.steps.isEmpty { return input(other.inputs[0]) }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: other.inputs.count) { inputMap in
            for j in other.inputs.indices { inputMap[j] = input(other.inputs[j]) }
            let offset = Int32(steps.count)
            if steps.capacity < steps.count + other.steps.count + 1 { steps.reserveCapacity(2 * (steps.count + other.steps.count) + 8) }
            func renumber(_ operand: Int32) -> Int32 { operand >= 0 ? operand + offset : inputMap[Int(-1 - operand)] }
            for var step in other.steps {
                if step.op != Int32(WENGERT_FUSED_CONSTANT.rawValue) { step.a = renumber(step.a) }
                if step.b != Int32.min { step.b = renumber(step.b) }
                steps.append(step)
            }
            return Int32(steps.count - 1)
        }
    }

    /// Appends a step and returns its operand number.
    @inlinable mutating func append(_ op: wengert_fused_op, _ a: Int32, _ b: Int32 = .min, unary: wengert_unary_op? = nil, constant: Double = 0) -> Int32 {
        // Room for a typical loss at once, rather than growing 1, 2, 4, 8.
        if steps.capacity == 0 { steps.reserveCapacity(16) }
        steps.append(wengert_fused_step(op: Int32(op.rawValue), a: a, b: b, unary: Int32(unary?.rawValue ?? 0), constant: constant))
        return Int32(steps.count - 1)
    }

    /// `a op b`, broadcasting; stops naming both shapes when they do not. The expression
    /// with fewer steps is copied into the other (a tensor just made lazy, one input).
    @inlinable static func combining(
        _ a: consuming LazyTensor, _ b: consuming LazyTensor, _ op: wengert_fused_op, _ operation: StaticString
    ) -> LazyTensor {
        let shape = broadcast(a.dimensions, b.dimensions, operation)
        if a.steps.count >= b.steps.count {
            let operandA = a.valueOperand
            let operandB = a.absorb(b)
            _ = a.append(op, operandA, operandB)
            a.dimensions = shape
            return a
        }
        let operandB = b.valueOperand
        let operandA = b.absorb(a)
        _ = b.append(op, operandA, operandB)
        b.dimensions = shape
        return b
    }

    /// f(self) for a unary step.
    @inlinable consuming func applying(_ op: wengert_fused_op, unary: wengert_unary_op? = nil) -> LazyTensor {
        _ = append(op, valueOperand, unary: unary)
        return self
    }

    @inlinable static func broadcast(_ a: TensorDimensions, _ b: TensorDimensions, _ operation: StaticString) -> TensorDimensions {
        guard let shape = TensorShape.broadcast(a, b) else { wengertTensorShapeMismatch(a, b, operation: operation) }
        return shape
    }
}

extension Tensor {
    /// This tensor as the start of a ``LazyTensor``: an elementwise expression whose steps
    /// run as one fused pass, forward and backward, when it is evaluated.
    /// - Complexity: O(1) (one array of one tensor).
    @inlinable public var lazy: LazyTensor<Scalar> { LazyTensor(self) }
}

extension LazyTensor {
    /// The expression's value as a tensor, recorded as one entry when an input requires a
    /// gradient. - Complexity: one pass over the positions.
    @inlinable public func evaluated() -> Tensor<Scalar> { FusedProgram.run(self, reduction: .none) }
    /// The sum of the expression's values, a 0-d tensor, in the same pass (the values are
    /// never stored). - Complexity: one pass over the positions.
    @inlinable public func sum() -> Tensor<Scalar> { FusedProgram.run(self, reduction: .sum) }
    /// The mean of the expression's values, a 0-d tensor (NaN for no positions), in the
    /// same pass. - Complexity: one pass over the positions.
    @inlinable public func mean() -> Tensor<Scalar> { FusedProgram.run(self, reduction: .mean) }

    /// x² at each position.
    @inlinable public func squared() -> LazyTensor { applying(WENGERT_FUSED_SQUARE) }

    /// a + b, broadcasting.
    @inlinable public static func + (a: consuming LazyTensor, b: consuming LazyTensor) -> LazyTensor {
        combining(a, b, WENGERT_FUSED_ADD, "+")
    }
    /// a - b, broadcasting.
    @inlinable public static func - (a: consuming LazyTensor, b: consuming LazyTensor) -> LazyTensor {
        combining(a, b, WENGERT_FUSED_SUBTRACT, "-")
    }
    /// a · b, broadcasting.
    @inlinable public static func * (a: consuming LazyTensor, b: consuming LazyTensor) -> LazyTensor {
        combining(a, b, WENGERT_FUSED_MULTIPLY, "*")
    }
    /// a / b, broadcasting.
    @inlinable public static func / (a: consuming LazyTensor, b: consuming LazyTensor) -> LazyTensor {
        combining(a, b, WENGERT_FUSED_DIVIDE, "/")
    }




    /// -a.
    @inlinable public static prefix func - (a: consuming LazyTensor) -> LazyTensor { a.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_NEGATE) }
}

/// xⁿ at each position of a lazy expression, for an integer exponent: the products of
/// ``Tensor/integerPower(_:_:)`` in its order (square-and-multiply from the lowest bit),
/// so the values equal `pow(x, n:)` on tensors to the bit; 1 everywhere for n = 0.
/// - Complexity: O(log |n|) steps.
@inlinable public func pow<S>(_ x: consuming LazyTensor<S>, n: Int) -> LazyTensor<S> {
    if n == 0 {
        _ = x.append(WENGERT_FUSED_CONSTANT, 0, constant: 1)
        return x
    }
    var base = x.valueOperand, e = n.magnitude
    while e & 1 == 0 {
        base = x.append(WENGERT_FUSED_SQUARE, base)
        e >>= 1
    }
    var result = base
    e >>= 1
    while e != 0 {
        base = x.append(WENGERT_FUSED_SQUARE, base)
        if e & 1 == 1 { result = x.append(WENGERT_FUSED_MULTIPLY, result, base) }
        e >>= 1
    }
    return n < 0 ? LazyTensor(1) / x : x
}
/// eˣ at each position of a lazy expression.
@inlinable @_disfavoredOverload public func exp<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_EXP) }
/// ln x at each position of a lazy expression.
@inlinable @_disfavoredOverload public func log<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_LOG) }
/// sin x at each position of a lazy expression.
@inlinable @_disfavoredOverload public func sin<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_SIN) }
/// cos x at each position of a lazy expression.
@inlinable @_disfavoredOverload public func cos<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_COS) }
/// tanh x at each position of a lazy expression.
@inlinable @_disfavoredOverload public func tanh<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_TANH) }
/// 1 / (1 + e⁻ˣ) at each position of a lazy expression.
@inlinable @_disfavoredOverload public func sigmoid<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_SIGMOID) }
/// √x at each position of a lazy expression (derivative +∞ at 0, as for tensors).
@inlinable @_disfavoredOverload public func sqrt<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_SQRT) }
/// |x| at each position of a lazy expression (derivative 0 at 0).
@inlinable @_disfavoredOverload public func abs<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_ABS) }
/// max(x, 0) at each position of a lazy expression (derivative 0 at 0; NaN passes).
@inlinable @_disfavoredOverload public func relu<S>(_ x: LazyTensor<S>) -> LazyTensor<S> { x.applying(WENGERT_FUSED_UNARY, unary: WENGERT_UNARY_RELU) }


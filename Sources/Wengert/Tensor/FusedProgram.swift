// How a LazyTensor runs: on the CPU as one call of the fused interpreter (Fused.c), its
// program kept in the recorded entry's integer arguments so that the backward rule can
// run the same program backwards; elsewhere, and in a backward pass that creates a
// graph, as the ordinary tensor operations its steps stand for (`values`, `pullback`),
// so that every device and every order of derivative gets the same mathematics.

import CWengert

@usableFromInline
enum FusedProgram {
    /// What a LazyTensor's terminal does with the values.
    @usableFromInline enum Reduction: Int, Sendable {
        case none, sum, mean
    }

    /// The most scalars of step values a recorded forward pass keeps for its backward
    /// pass (32 MiB of Float, about what the separate operations would save for a chain
    /// of a few steps): below it the backward pass reads them, above it it
    /// recomputes them block by block, which costs a second read of the inputs but no
    /// memory.
    @inlinable static var keptValuesLimit: Int { 1 << 23 }

    /// The recorded arguments: reduction, position count, whether the step values were
    /// kept (saved after the inputs), then the steps' bytes, three
    /// integers a step (`wengert_fused_step` is 24 bytes, 8-aligned), so that the rule
    /// hands the C interpreter the recording's own memory. Operands are numbered as a
    /// LazyTensor numbers them (step k ≥ 0, input -1 - j, no b `Int32.min`).
    @inlinable static func encode(_ steps: [wengert_fused_step], reduction: Reduction, count: Int, keptValues: Bool) -> [Int] {
        var arguments = [reduction.rawValue, count, keptValues ? 1 : 0]
        arguments.reserveCapacity(headerCount + integersPerStep * steps.count)
        steps.withUnsafeBytes { bytes in
            for offset in stride(from: 0, to: bytes.count, by: MemoryLayout<Int>.stride) {
                arguments.append(bytes.load(fromByteOffset: offset, as: Int.self))
            }
        }
        return arguments
    }

    /// The integers before the steps in the recorded arguments.
    @inlinable static var headerCount: Int { 3 }

    /// The integers a step occupies in the recorded arguments.
    @inlinable static var integersPerStep: Int {
        precondition(MemoryLayout<wengert_fused_step>.stride == 3 * MemoryLayout<Int>.stride
            && MemoryLayout<wengert_fused_step>.alignment <= MemoryLayout<Int>.alignment)
        return 3
    }

    /// Calls `body` with the steps in recorded `arguments` (`encode`'s), read in place.
    @inlinable static func withSteps<R>(
        _ arguments: TensorPullbackOperands<Int>, _ body: (UnsafeBufferPointer<wengert_fused_step>) -> R
    ) -> R {
        let count = (arguments.count - headerCount) / integersPerStep
        return UnsafeRawPointer(arguments.buffer.baseAddress! + headerCount).withMemoryRebound(to: wengert_fused_step.self, capacity: count) {
            body(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// The register of an operand of a step: inputs first (0 ..< inputCount), then steps.
    @inlinable static func register(_ operand: Int32, inputCount: Int) -> Int {
        operand >= 0 ? Int(operand) + inputCount : Int(-1 - operand)
    }

    /// Runs `expression` and reduces its values as asked, recording one entry when an
    /// input is tracked and gradients are on.
    @inlinable static func run<S>(_ expression: LazyTensor<S>, reduction: Reduction) -> Tensor<S> {
        if expression.steps.isEmpty { return reduce(expression.inputs[0], reduction) }
        let shape = expression.dimensions
        let n = TensorShape.count(shape)
        // Every operand reads n positions or one: any other broadcast is expanded first.
        var inputs = expression.inputs
        var onCPU = true
        for j in inputs.indices {
            let count = inputs[j].scalarCount
            if count != n && count != 1 { inputs[j] = inputs[j].expanded(to: shape) }
            onCPU = onCPU && inputs[j].placement.kind == .cpu
        }
        if !onCPU || inputs.isEmpty { return reduce(values(expression.steps, inputs).last!, reduction) }
        let steps = expression.steps
        // A recorded pass keeps the steps' values for its backward pass, up to a limit.
        let recording = inputs.contains { $0.isTracked } && Tensor<S>.isGradientEnabled
        let keptCount = steps.count * n
        let kept: Tensor<S>? =
            recording && n > 1 && keptCount <= keptValuesLimit ? Tensor<S>.host(shape: [keptCount], count: keptCount) { _ in } : nil
        var total = 0.0
        let result: Tensor<S> = withHostOperands(inputs) { pointers, counts in
            withExtendedLifetime(kept) {
                let values = kept?.hostBase
                if reduction == .none {
                    return Tensor<S>.host(shape: shape, count: n) { out in
                        S._fusedForwardKernel(steps, steps.count, inputs.count, pointers, counts, n, out, nil, values)
                    }
                }
                S._fusedForwardKernel(steps, steps.count, inputs.count, pointers, counts, n, nil, &total, values)
                return Tensor<S>.scalar0d(S(reduction == .mean ? total / Double(n) : total))
            }
        }
        return Tensor.recorded(
            result, .fused, operands: inputs, arguments: encode(steps, reduction: reduction, count: n, keptValues: kept != nil),
            savingOperands: true, extra: kept)
    }

    /// Calls `body` with the host address and scalar count of each input (read by the C
    /// interpreter), in memory on the stack, the inputs alive throughout.
    @inlinable @inline(__always) static func withHostOperands<S, R>(
        _ inputs: some RandomAccessCollection<Tensor<S>>, _ body: (UnsafePointer<UnsafePointer<S>?>, UnsafePointer<Int>) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: UnsafePointer<S>?.self, capacity: inputs.count) { pointers in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: inputs.count) { counts in
                for (j, input) in zip(0..., inputs) {
                    TensorKernels.requireConsistent(input, operation: "LazyTensor")
                    pointers[j] = UnsafePointer(input.hostBase)
                    counts[j] = input.scalarCount
                }
                return withExtendedLifetime(inputs) { body(UnsafePointer(pointers.baseAddress!), UnsafePointer(counts.baseAddress!)) }
            }
        }
    }

    /// `value`, or its sum or mean, as `reduction` asks.
    @inlinable static func reduce<S>(_ value: Tensor<S>, _ reduction: Reduction) -> Tensor<S> {
        switch reduction {
        case .none: return value
        case .sum: return value.sum()
        case .mean: return value.mean()
        }
    }

    /// The value of every register, by tensor operations: the inputs, then each step's.
    @inlinable static func values<S>(_ program: [wengert_fused_step], _ inputs: [Tensor<S>]) -> [Tensor<S>] {
        var v = inputs
        func r(_ operand: Int32) -> Int { register(operand, inputCount: inputs.count) }
        for step in program {
            if step.op == Int32(WENGERT_FUSED_CONSTANT.rawValue) {
                v.append(Tensor(S(step.constant)))
                continue
            }
            let a = v[r(step.a)]
            let value: Tensor<S>
            switch wengert_fused_op(UInt32(step.op)) {
            case WENGERT_FUSED_ADD: value = a + v[r(step.b)]
            case WENGERT_FUSED_SUBTRACT: value = a - v[r(step.b)]
            case WENGERT_FUSED_MULTIPLY: value = a * v[r(step.b)]
            case WENGERT_FUSED_DIVIDE: value = a / v[r(step.b)]
            case WENGERT_FUSED_SQUARE: value = a.squared()
            default:
                switch wengert_unary_op(UInt32(step.unary)) {
                case WENGERT_UNARY_EXP: value = exp(a)
                case WENGERT_UNARY_LOG: value = log(a)
                case WENGERT_UNARY_SIN: value = sin(a)
                case WENGERT_UNARY_COS: value = cos(a)
                case WENGERT_UNARY_TANH: value = tanh(a)
                case WENGERT_UNARY_SIGMOID: value = sigmoid(a)
                case WENGERT_UNARY_SQRT: value = sqrt(a)
                case WENGERT_UNARY_ABS: value = abs(a)
                case WENGERT_UNARY_RELU: value = relu(a)
                default: value = -a
                }
            }
            v.append(value)
        }
        return v
    }

    /// Hands `cotangent` each needed input's cotangent, given the cotangent `g` of the
    /// program's (reduced) value: on the CPU in a first-order backward, the fused
    /// interpreter backwards; otherwise the steps' rules as tensor operations, recorded
    /// when `tracked` (a backward that creates a graph).
    @inlinable static func pullback<S>(
        _ arguments: TensorPullbackOperands<Int>, _ g: Tensor<S>, saved: TensorPullbackOperands<Tensor<S>>,
        shapes: TensorPullbackShapes, needs: TensorOperandMask, tracked: Bool, into cotangent: TensorCotangentSink<S>
    ) {
        withSteps(arguments) { program in
            pullback(program, arguments, g, saved: saved, shapes: shapes, needs: needs, tracked: tracked, into: cotangent)
        }
    }

    /// `pullback` with the steps read.
    @inlinable static func pullback<S>(
        _ program: UnsafeBufferPointer<wengert_fused_step>, _ arguments: TensorPullbackOperands<Int>, _ g: Tensor<S>,
        saved: TensorPullbackOperands<Tensor<S>>, shapes: TensorPullbackShapes, needs: TensorOperandMask, tracked: Bool,
        into cotangent: TensorCotangentSink<S>
    ) {
        let reduction = Reduction(rawValue: arguments[0])!, n = arguments[1]
        // The inputs, then the kept step values when the forward pass kept them.
        let keptValues = arguments[2] == 1
        let inputs = UnsafeBufferPointer(rebasing: saved.buffer[..<(saved.count - (keptValues ? 1 : 0))])
        if tracked || inputs.contains(where: { $0.placement.kind != .cpu }) || g.placement.kind != .cpu {
            return tensorPullback(Array(program), Array(inputs), g, reduction: reduction, count: n, needs: needs, into: cotangent)
        }
        // The cotangent at each position: g itself, or a reduction's g spread over the n.
        var gScalar = S.zero
        var incG = 1
        if reduction != .none {
            gScalar = g.scalar
            if reduction == .mean { gScalar = gScalar / S(n) }
            incG = 0
        } else {
            TensorKernels.requireConsistent(g, operation: "backward")
        }
        let grads: [Tensor<S>?] = inputs.indices.map { j in
            needs[j] ? Tensor<S>.host(shape: shapes[j], count: inputs[j].scalarCount) { _ in } : nil
        }
        withHostOperands(inputs) { pointers, counts in
            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<S>?.self, capacity: inputs.count) { gradPointers in
                for j in inputs.indices { gradPointers[j] = grads[j]?.hostBase }
                let out = UnsafePointer(gradPointers.baseAddress!)
                let kept = keptValues ? saved[saved.count - 1] : nil
                withExtendedLifetime((grads, g, kept)) {
                    let values = kept.map { UnsafePointer($0.hostBase) }
                    if incG == 0 {
                        S._fusedBackwardKernel(program.baseAddress!, program.count, inputs.count, pointers, counts, n, &gScalar, 0, out, values)
                    } else {
                        S._fusedBackwardKernel(program.baseAddress!, program.count, inputs.count, pointers, counts, n, g.hostBase, 1, out, values)
                    }
                }
            }
        }
        for (j, grad) in grads.enumerated() {
            if let grad { cotangent(j, grad) }
        }
    }

    /// `pullback` by tensor operations: the values again, then each step's rule in
    /// reverse, each cotangent summed back to its operand's shape.
    @inlinable static func tensorPullback<S>(
        _ program: [wengert_fused_step], _ inputs: [Tensor<S>], _ g: Tensor<S>, reduction: Reduction, count n: Int,
        needs: TensorOperandMask, into cotangent: TensorCotangentSink<S>
    ) {
        let v = values(program, inputs)
        var adjoint = [Tensor<S>?](repeating: nil, count: v.count)
        let output = v.count - 1
        switch reduction {
        case .none: adjoint[output] = g
        case .sum: adjoint[output] = g.expanded(to: v[output].dimensions)
        case .mean: adjoint[output] = (g / S(n)).expanded(to: v[output].dimensions)
        }
        func r(_ operand: Int32) -> Int { register(operand, inputCount: inputs.count) }
        func give(_ operand: Int32, _ c: Tensor<S>) {
            let target = r(operand)
            let c = c.summed(toShape: v[target].dimensions)
            adjoint[target] = adjoint[target].map { $0 + c } ?? c
        }
        for k in program.indices.reversed() {
            let step = program[k]
            guard let gk = adjoint[inputs.count + k] else { continue }
            let a = v[r(step.a)], value = v[inputs.count + k]
            switch wengert_fused_op(UInt32(step.op)) {
            case WENGERT_FUSED_ADD: give(step.a, gk); give(step.b, gk)
            case WENGERT_FUSED_SUBTRACT: give(step.a, gk); give(step.b, -gk)
            case WENGERT_FUSED_MULTIPLY:
                give(step.a, Tensor.chained(gk, v[r(step.b)]))
                give(step.b, Tensor.chained(gk, a))
            case WENGERT_FUSED_DIVIDE:
                let b = v[r(step.b)]
                give(step.a, Tensor.chained(gk, 1 / b))
                give(step.b, Tensor.chained(gk, -(value / b)))
            case WENGERT_FUSED_SQUARE: give(step.a, Tensor.chained(gk, 2 * a))
            case WENGERT_FUSED_CONSTANT: break
            default:
                let partial: Tensor<S>
                switch wengert_unary_op(UInt32(step.unary)) {
                case WENGERT_UNARY_EXP: partial = value
                case WENGERT_UNARY_LOG: partial = 1 / a
                case WENGERT_UNARY_SIN: partial = cos(a)
                case WENGERT_UNARY_COS: partial = -sin(a)
                case WENGERT_UNARY_TANH: partial = 1 - value.squared()
                case WENGERT_UNARY_SIGMOID: partial = value * sigmoid(-a)
                case WENGERT_UNARY_SQRT: partial = 1 / (2 * value)
                // Piecewise constant: untracked, their own derivative is 0 where it exists.
                case WENGERT_UNARY_ABS:
                    let x = a.untracked, zero = Tensor<S>(S.zero)
                    partial = withoutGradient { (x .> zero) - (x .< zero) }
                case WENGERT_UNARY_RELU:
                    let x = a.untracked, zero = Tensor<S>(S.zero)
                    partial = withoutGradient { (x .> zero) + (x .!= x) }
                default:
                    give(step.a, -gk)
                    continue
                }
                give(step.a, Tensor.chained(gk, partial))
            }
        }
        for j in inputs.indices where needs[j] {
            cotangent(j, adjoint[j] ?? Tensor<S>(zeros: inputs[j].shape, on: inputs[j].placement))
        }
    }
}

// Random straight-line programs over the operation table (the idea of QuickCheck,
// Claessen & Hughes 2000, applied to AD as in Stan's and JAX's randomised tests). Each
// instruction may use any earlier value, so programs share subexpressions and fan out,
// which is where reverse mode's adjoint accumulation goes wrong if it does.
//
// `package`, like `ScalarOperation`: the tests and `wengert-bench --random-programs` use
// it; it is not API.

/// A random expression graph built from `ScalarOperation`s at a seeded input point.
///
/// Values 0..<inputCount are the inputs; instruction k defines value inputCount + k
/// from earlier values; the program returns the last value. The generator only picks
/// an operation where it is smooth with a margin at the program's own input point, so
/// every mode and finite differences must agree there.
///
/// ```swift
/// let program = RandomProgram(seed: 7)
/// let y = program.evaluate(program.inputs)                         // plain Double
/// let report = gradientCheck(of: { program.evaluate($0) }, at: program.inputs)
/// print(program)                                                   // Swift source
/// ```
package struct RandomProgram: Sendable, CustomStringConvertible {
    /// One instruction: `operation` applied to two earlier values (the second is
    /// ignored by unary operations), or a dot product of earlier values and constants
    /// (`dot` set; RandomProgram+Dot.swift).
    package struct Instruction: Sendable, Hashable {
        /// The operation.
        package var operation: ScalarOperation
        /// The index of the first operand among the program's values.
        package var first: Int
        /// The index of the second operand among the program's values.
        package var second: Int
        /// The dot product this instruction computes instead of `operation`, or nil.
        package var dot: Dot?

        /// An instruction applying `operation` to values `first` and `second`.
        package init(_ operation: ScalarOperation, _ first: Int, _ second: Int) {
            self.operation = operation
            self.first = first
            self.second = second
        }
    }

    /// The seed the program was generated from (nil for programs built by hand or shrunk).
    package var seed: UInt64?
    /// The input point the program is checked at.
    package var inputs: [Double]
    /// The instructions, in order.
    package var instructions: [Instruction]

    /// The smallest distance from a kink, singularity or domain boundary the generator
    /// accepts for an operand (see `ScalarOperation.isValid(_:_:margin:)`).
    package static let generationMargin = 0.2

    /// A program from given parts; traps when an instruction uses a later value.
    package init(inputs: [Double], instructions: [Instruction]) {
        if inputs.isEmpty { invalidProgram("a program needs at least one input") }
        for (k, ins) in instructions.enumerated() where ins.operands.contains(where: { $0 >= inputs.count + k || $0 < 0 }) {
            invalidProgram("instruction \(k) (\(ins.operation)) uses values \(ins.operands); only 0..<\(inputs.count + k) exist before it")
        }
        self.inputs = inputs
        self.instructions = instructions
    }

    /// The program's value at `x`, in any scalar type.
    ///
    /// - Precondition: `x.count == inputs.count` (traps with both counts otherwise).
    /// - Complexity: O(instructions); one tape entry per instruction for `Var`.
    @inlinable
    package func evaluate<T: DifferentiableScalar>(_ x: [T]) -> T {
        if x.count != inputs.count { wrongInputCount(x.count, inputs.count) }
        var values = x
        values.reserveCapacity(x.count + instructions.count)
        for ins in instructions {
            values.append(ins.apply(values))
        }
        return values[values.count - 1]
    }

    /// The value of every instruction at `x`, in order: the program read as a function
    /// ℝⁿ → ℝᵐ with m = instructions.count, whose outputs share subexpressions.
    ///
    /// - Precondition: `x.count == inputs.count` (traps with both counts otherwise).
    /// - Complexity: O(instructions).
    @inlinable
    package func evaluateAll<T: DifferentiableScalar>(_ x: [T]) -> [T] {
        if x.count != inputs.count { wrongInputCount(x.count, inputs.count) }
        var values = x
        for ins in instructions {
            values.append(ins.apply(values))
        }
        return Array(values[x.count...])
    }

    /// The values of every input and instruction at `inputs`, in `Double`.
    package func trace() -> [Double] {
        var values = inputs
        for ins in instructions {
            values.append(ins.apply(values))
        }
        return values
    }

    /// Whether every instruction is smooth with margin `margin` at `inputs` and every
    /// value is finite.
    package func isValid(margin: Double) -> Bool {
        var values = inputs
        for ins in instructions {
            guard ins.isValid(values, margin: margin) else { return false }
            let r = ins.apply(values)
            guard r.isFinite else { return false }
            values.append(r)
        }
        return true
    }

    func name(_ index: Int) -> String {
        index < inputs.count ? "x[\(index)]" : "t\(index - inputs.count)"
    }

    /// The program as Swift source: a generic function and the call that checks it.
    package var description: String {
        var lines = ["// RandomProgram" + (seed.map { "(seed: \($0))" } ?? "")
                     + ": \(inputs.count) inputs, \(instructions.count) instructions",
                     "func program<T: DifferentiableScalar>(_ x: [T]) -> T {"]
        for (k, ins) in instructions.enumerated() {
            lines.append("    let t\(k) = " + (ins.dot?.expression(name) ?? ins.operation.expression(name(ins.first), name(ins.second))))
        }
        lines.append("    return \(name(inputs.count + instructions.count - 1))")
        lines.append("}")
        lines.append("// at x = \(inputs)")
        return lines.joined(separator: "\n")
    }
}

@usableFromInline @inline(never)
func wrongInputCount(_ given: Int, _ expected: Int) -> Never {
    fatalError("Wengert: RandomProgram.evaluate got \(given) inputs; the program takes \(expected)")
}

@inline(never)
func invalidProgram(_ reason: String) -> Never {
    fatalError("Wengert: invalid RandomProgram: \(reason)")
}

// Shrinking (as in QuickCheck and Hypothesis): a failing random program is reduced,
// one simplification at a time, to a smaller program that still fails, because a
// three-line reproduction names the wrong rule where a twelve-line one hides it.

extension RandomProgram {
    /// The smallest program reachable from this one by repeated simplification that
    /// still satisfies `fails`: cutting the program short, removing an instruction
    /// (its uses take its first operand), dropping a dot's term or the value it adds,
    /// dropping unused inputs, and rounding inputs to one decimal. Candidates that
    /// leave an operation's smooth domain (margin `margin`) are skipped, so a shrunk
    /// program fails for the same kind of reason, not because it hit a singularity.
    ///
    /// - Complexity: O(steps · instructions) calls of `fails`, at most `maxSteps` steps.
    package func shrunk(margin: Double = 0.05, maxSteps: Int = 200,
                       while fails: (RandomProgram) -> Bool) -> RandomProgram {
        var current = self
        var steps = 0
        search: while steps < maxSteps {
            for candidate in current.simplifications() where candidate.isValid(margin: margin) {
                steps += 1
                if fails(candidate) {
                    current = candidate
                    continue search
                }
                if steps >= maxSteps { break search }
            }
            break
        }
        return current
    }

    /// One-step simplifications, smallest first.
    func simplifications() -> [RandomProgram] {
        var result: [RandomProgram] = []
        let n = inputs.count
        // Cut the program short: return an earlier instruction's value.
        for k in 0..<Swift.max(0, instructions.count - 1) {
            result.append(RandomProgram(inputs: inputs, instructions: Array(instructions[...k])))
        }
        // Remove one instruction; its uses read its first operand instead.
        if instructions.count > 1 {
            for k in instructions.indices {
                let removed = n + k, replacement = instructions[k].first
                let remap = { (i: Int) -> Int in i == removed ? replacement : i > removed ? i - 1 : i }
                var rest = instructions
                rest.remove(at: k)
                result.append(RandomProgram(inputs: inputs, instructions: rest.map { $0.remapped(remap) }))
            }
        }
        // Drop a term of a dot, or what it adds, while it still reads a value.
        for (k, ins) in instructions.enumerated() {
            guard let dot = ins.dot else { continue }
            var shorter: [Dot] = dot.x.indices.map { j in
                var d = dot
                d.x.remove(at: j)
                d.y.remove(at: j)
                return d
            }
            if dot.adding != nil {
                var d = dot
                d.adding = nil
                shorter.append(d)
            }
            for d in shorter where !d.values.isEmpty {
                var changed = instructions
                changed[k] = Instruction(dot: d)
                result.append(RandomProgram(inputs: inputs, instructions: changed))
            }
        }
        // Drop an input that no instruction reads.
        if n > 1 {
            for i in 0..<n where !instructions.contains(where: { $0.operands.contains(i) }) {
                let remap = { (j: Int) -> Int in j > i ? j - 1 : j }
                var fewer = inputs
                fewer.remove(at: i)
                let rewired = instructions.map { $0.remapped(remap) }
                result.append(RandomProgram(inputs: fewer, instructions: rewired))
            }
        }
        // Round an input to one decimal, for a reproduction that reads easily.
        for i in 0..<n {
            let rounded = (inputs[i] * 10).rounded() / 10
            if rounded != inputs[i] {
                var simpler = inputs
                simpler[i] = rounded
                result.append(RandomProgram(inputs: simpler, instructions: instructions))
            }
        }
        return result
    }
}

import Testing
import Wengert

@Suite("Random programs", .tags(.verification))
struct RandomProgramTests {
    @Test("the same seed gives the same program", arguments: [0, 1, 42, 0xDEAD_BEEF] as [UInt64])
    func reproducible(_ seed: UInt64) {
        let a = RandomProgram(seed: seed), b = RandomProgram(seed: seed)
        #expect(a.description == b.description)
        #expect(a.instructions == b.instructions && a.inputs == b.inputs)
        #expect(a.description.contains("seed: \(seed)"))
    }

    /// Seeds that failed in a `wengert-bench --random-programs` run, kept as regressions.
    @Test("programs that once failed at scale pass", arguments: [160_181] as [UInt64])
    func formerFailures(_ seed: UInt64) {
        let failure = RandomProgram(seed: seed).failure()
        #expect(failure == nil, "\(failure ?? "")")
    }

    @Test("forward over reverse keeps the y-derivative of pow's x-partial at y = 0 (seed 160181, shrunk)")
    func powPartialAtZeroExponent() {
        func f<T: DifferentiableScalar>(_ x: [T]) -> T { pow(exp(x[0]), x[1]) }
        // f = e^(x0 x1): ∂²f/∂x1∂x0 = (1 + x0 x1) e^(x0 x1) = 1 at x1 = 0.
        let H = hessian(of: f, at: [-2.0, 0.0])
        #expect(Swift.abs(H[1][0] - 1) < 1e-12 && Swift.abs(H[0][1] - 1) < 1e-12)
        #expect(hessianCheck(of: f, at: [-2.0, 0.0]).passed)
    }

    @Test("generated programs are smooth with the generation margin and have finite values")
    func generatedProgramsAreValid() {
        var lengths = 0
        for seed in 0..<500 as Range<UInt64> {
            let p = RandomProgram(seed: seed)
            #expect(p.isValid(margin: RandomProgram.generationMargin), "\(p)")
            #expect(p.trace().allSatisfy { $0.isFinite })
            lengths += p.instructions.count
        }
        #expect(lengths > 500 * 3, "programs are too short on average: \(lengths) instructions in 500")
    }

    @Test("programs draw dot products of every shape: empty, one term, constants, squares, each kind of z")
    func dotShapes() {
        var shapes: Set<String> = []
        var programsWithDots = 0
        for seed in 0..<500 as Range<UInt64> {
            let p = RandomProgram(seed: seed)
            var hasDot = false
            for (k, ins) in p.instructions.enumerated() {
                guard let dot = ins.dot else { continue }
                hasDot = true
                shapes.insert("\(min(dot.x.count, 2)) terms")
                if (dot.x + dot.y).contains(where: { if case .constant = $0 { true } else { false } }) { shapes.insert("constant factor") }
                if zip(dot.x, dot.y).contains(where: { $0 == $1 }) { shapes.insert("square") }
                if Set(dot.values).count < dot.values.count { shapes.insert("repeated value") }
                switch dot.adding {
                case nil: shapes.insert("no z")
                case .constant?: shapes.insert("constant z")
                case .value(let z)? where z == p.inputs.count + k - 1: shapes.insert("newest z")
                case .value?: shapes.insert("older z")
                }
                if p.instructions[(k + 1)...].contains(where: { $0.operands.contains(p.inputs.count + k) }) {
                    shapes.insert("used later")
                }
            }
            if hasDot { programsWithDots += 1 }
            if p.instructions.contains(where: { $0.dot == nil && ($0.operation == .multiplyAdd || $0.operation == .sumOfProducts) }) {
                shapes.insert("table's fused forms")
            }
        }
        #expect(programsWithDots > 150, "only \(programsWithDots) of 500 programs have a dot")
        let expected: Set = ["0 terms", "1 terms", "2 terms", "constant factor", "square", "repeated value",
                             "no z", "constant z", "newest z", "older z", "used later", "table's fused forms"]
        #expect(expected.isSubset(of: shapes), "missing: \(expected.subtracting(shapes))")
    }

    @Test("shrinking drops a dot's terms and what it adds")
    func shrinkingDots() {
        let dot = RandomProgram.Dot([.value(0), .constant(0.5), .value(1)], [.value(1), .value(0), .value(1)],
                                    adding: .value(1))
        let p = RandomProgram(inputs: [0.5, 1.2], instructions: [.init(dot: dot)])
        #expect(sameValue(p.evaluate(p.inputs), 1.2 + 0.5 * 1.2 + 0.5 * 0.5 + 1.2 * 1.2))
        // Fails while the dot still reads x[0] as a left factor.
        let small = p.shrunk { $0.instructions.contains { $0.dot?.x.contains(.value(0)) == true } }
        #expect(small.instructions.count == 1)
        #expect(small.instructions[0].dot == RandomProgram.Dot([.value(0)], [.value(1)], adding: nil), "\(small)")
        #expect(small.description.contains("dot([x[0]], [x[1]])"), "\(small)")
    }

    @Test("programs share subexpressions: some value is used more than once")
    func sharing() {
        let shared = (0..<200 as Range<UInt64>).filter { seed in
            let p = RandomProgram(seed: seed)
            var uses: [Int: Int] = [:]
            for ins in p.instructions {
                for i in ins.operands { uses[i, default: 0] += 1 }
            }
            return uses.values.contains { $0 > 1 }
        }
        #expect(shared.count > 50)
    }

    @Test("the dual value agrees with the plain value to a few ulps")
    func plainAndDualValuesAgree() {
        for seed in 0..<300 as Range<UInt64> {
            let p = RandomProgram(seed: seed)
            #expect(sameValue(p.evaluate(p.inputs.map { Dual($0) }).value, p.evaluate(p.inputs), ulps: 64), "\(p)")
        }
    }

    @Test("shrinking keeps the failure and removes everything else")
    func shrinking() {
        let p = RandomProgram(inputs: [0.5, 1.2], instructions: [
            .init(.exp, 0, 0), .init(.sin, 2, 2), .init(.multiply, 3, 1), .init(.add, 4, 2),
        ])
        let small = p.shrunk { $0.instructions.contains { $0.operation == .sin } }
        #expect(small.instructions == [.init(.sin, 0, 0)], "\(small)")
        #expect(small.inputs == [0.5])
        let rounded = RandomProgram(inputs: [0.537], instructions: [.init(.sin, 0, 0)]).shrunk { _ in true }
        #expect(rounded.inputs == [0.5])
        #expect(p.shrunk { _ in false }.instructions == p.instructions)
    }

    @Test("the description is Swift source for a generic function")
    func description() {
        let p = RandomProgram(inputs: [0.5, 1.2], instructions: [.init(.sin, 0, 0), .init(.multiply, 2, 1)])
        #expect(p.description.contains("func program<T: DifferentiableScalar>(_ x: [T]) -> T {"))
        #expect(p.description.contains("let t0 = sin(x[0])"))
        #expect(p.description.contains("let t1 = t0 * x[1]"))
        #expect(p.description.contains("return t1"))
    }

    @Test("evaluating with the wrong number of inputs stops with both counts")
    func wrongInputCount() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = RandomProgram(inputs: [0.5, 1.2], instructions: [.init(.add, 0, 1)])
            _ = p.evaluate([1.0])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("RandomProgram.evaluate got 1 inputs; the program takes 2"), "\(message)")
        }
    }

    @Test("an instruction that reads a later value stops with its index")
    func invalidInstruction() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RandomProgram(inputs: [0.5], instructions: [.init(.add, 0, 1)])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("instruction 0 (x + y) uses values [0, 1]; only 0..<1 exist before it"), "\(message)")
        }
    }
}

@Suite("Random programs in every mode", .tags(.verification))
struct RandomProgramModeTests {
    @Test("4000 random programs: every mode agrees, with finite differences too")
    func thousandsAgree() {
        let summary = RandomProgram.checkMany(count: 4000, firstSeed: 1)
        #expect(summary.passed, "\(summary)")
        #expect(summary.checked == 4000)
    }

    @Test("a failing check reports the seed and a shrunk program")
    func failureReport() {
        let p = RandomProgram(inputs: [0.5, 1.2], instructions: [
            .init(.exp, 0, 0), .init(.abs, 2, 2), .init(.multiply, 3, 1),
        ])
        #expect(p.failure() == nil)
        // A program evaluated right at abs's kink disagrees with finite differences there.
        let kink = RandomProgram(inputs: [1e-9, 1.2], instructions: [.init(.abs, 0, 0), .init(.multiply, 2, 1)])
        let reason = kink.failure()
        #expect(reason != nil)
        let small = kink.shrunk(margin: 0) { $0.failure() != nil }
        #expect(small.instructions == [.init(.abs, 0, 0)], "\(small)")
    }
}

@Suite("FiniteDifferences on random programs", .tags(.verification))
struct FiniteDifferencesRandomProgramTests {
    @Test("FiniteDifferences.gradient is within its truncation error of reverse mode on 500 random programs")
    func finiteDifferencesAgree() {
        for seed in 1...500 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            let numeric = FiniteDifferences.gradient(of: { p.evaluate($0) }, at: p.inputs)
            let exact = gradient(of: { p.evaluate($0) }, at: p.inputs)
            // Step ∛ε ≈ 6e-6 relative: errors of order h² · f‴ plus ε/h · |f|.
            #expect(zip(numeric, exact).allSatisfy { Swift.abs($0 - $1) <= 1e-4 * Swift.max(1, Swift.abs($1)) },
                    "seed \(seed): \(numeric) vs \(exact)\n\(p)")
        }
    }
}

@Suite("Random programs as vector functions", .tags(.verification))
struct RandomProgramJacobianTests {
    @Test("jacobianCheck passes and ⟨J u, v⟩ = ⟨u, Jᵀ v⟩ (Forward.jvp, Reverse.vjp) on 300 programs")
    func jacobians() {
        for seed in 1...300 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            let report = jacobianCheck(of: { p.evaluateAll($0) }, at: p.inputs)
            #expect(report.passed, "seed \(seed):\n\(report)\n\(p)")
            let u = p.inputs.indices.map { 0.5 + Double($0) }
            let v = p.instructions.indices.map { Double($0 % 3) - 0.75 }
            let jvp = Forward.jvp(of: { p.evaluateAll($0) }, at: p.inputs, along: u)
            let vjp = Reverse.vjp(of: { p.evaluateAll($0) }, at: p.inputs, along: v)
            let lhs = zip(jvp.tangent, v).reduce(0) { $0 + $1.0 * $1.1 }
            let rhs = zip(u, vjp.cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(matchesConvention(lhs, rhs, tolerance: 1e-10), "seed \(seed): ⟨Ju, v⟩ = \(lhs), ⟨u, Jᵀv⟩ = \(rhs)")
            #expect(zip(jvp.value, vjp.value).allSatisfy { sameValue($0, $1, ulps: 64) }, "seed \(seed)")
        }
    }
}

/// The program with the same operations, each reading values no other instruction reads:
/// a binary operation takes the newest unused value and the oldest (inputs first), a unary
/// one the newest, a dot the newest for each value it read (constants stay); an
/// instruction with too few unused values left is dropped. Without
/// fan-out no sum in the chain rule adds two paths' contributions, so forward and reverse
/// mode multiply the same partials along one path, only in opposite orders.
func withoutFanOut(_ p: RandomProgram) -> RandomProgram {
    var unused = Array(p.inputs.indices)
    var instructions: [RandomProgram.Instruction] = []
    for ins in p.instructions {
        if let dot = ins.dot {
            let reads = dot.values.count
            guard unused.count >= reads else { continue }
            var fresh = Array(unused.suffix(reads).reversed()).makeIterator()
            unused.removeLast(reads)
            instructions.append(.init(dot: dot.remapped { _ in fresh.next()! }))
        } else if ins.operation.arity == 2 {
            guard unused.count >= 2 else { continue }
            let a = unused.removeLast(), b = unused.removeFirst()
            instructions.append(.init(ins.operation, a, b))
        } else {
            guard let a = unused.popLast() else { continue }
            instructions.append(.init(ins.operation, a, a))
        }
        unused.append(p.inputs.count + instructions.count - 1)
    }
    if instructions.isEmpty { instructions = [.init(.sqrt, 0, 0)] }
    return RandomProgram(inputs: p.inputs, instructions: instructions)
}

/// The gradient of `p` at `inputs` in every scalar mode: Dual (one pass per input),
/// `Forward.gradient` (MultiDual chunks), the tape, and replay of a recording made at the
/// program's own point.
func gradientsInScalarModes(_ p: RandomProgram, at inputs: [Double]) -> [(mode: String, gradient: [Double])] {
    let dual = inputs.indices.map { i in
        p.evaluate(inputs.indices.map { Dual(inputs[$0], derivative: $0 == i ? 1 : 0) }).derivative
    }
    let tape = Tape<Double>()
    let vars = tape.variables(p.inputs)
    let y = p.evaluate(vars)
    tape.replay(at: inputs)
    return [("Var", gradient(of: { p.evaluate($0) }, at: inputs)), ("Dual", dual),
            ("Forward.gradient", Forward.gradient(of: { p.evaluate($0) }, at: inputs)),
            ("replay", tape.gradient(of: y)[vars])]
}

@Suite("Random programs at NaN and zero inputs", .tags(.verification))
struct RandomProgramEdgeInputTests {
    /// Equal as IEEE values, NaN equal to NaN.
    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// Edge points for a program: one input NaN, every input 0, one input 0 among the
    /// program's own values.
    static func edgePoints(_ p: RandomProgram, seed: UInt64) -> [(String, [Double])] {
        let k = Int(seed) % p.inputs.count
        var nan = p.inputs, zero = p.inputs
        nan[k] = .nan
        zero[k] = 0
        return [("one NaN", nan), ("all zero", p.inputs.map { _ in 0 }), ("one zero", zero)]
    }

    @Test("without fan-out, every scalar mode gives the same gradient at NaN and zero inputs (NaN equal to NaN; 3 × 1500 programs)")
    func gradientsAgreeAtEdges() {
        var failures: [String] = []
        var lengths = 0
        for seed in 1...1500 as ClosedRange<UInt64> {
            let p = withoutFanOut(RandomProgram(seed: seed))
            lengths += p.instructions.count
            for (kind, inputs) in Self.edgePoints(p, seed: seed) {
                let rows = gradientsInScalarModes(p, at: inputs)
                for row in rows.dropFirst() where !zip(row.gradient, rows[0].gradient).allSatisfy({ matchesConvention($0, $1) }) {
                    failures.append("seed \(seed), \(kind) \(inputs): \(row.mode) \(row.gradient), Var \(rows[0].gradient)\n\(p)")
                }
            }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        #expect(lengths > 1500 * 4, "the programs without fan-out are too short: \(lengths) instructions in 1500")
    }

    @Test("without fan-out, tensors give the scalar modes' gradient at NaN and zero inputs")
    func tensorGradientsAgreeAtEdges() {
        // Seed 693 (one input 0) once failed here: the vectorised expm1 turned -0 into
        // +0, which flipped the sign of log's infinite derivative downstream.
        var failures: [String] = []
        for seed in 1...1500 as ClosedRange<UInt64> {
            let p = withoutFanOut(RandomProgram(seed: seed))
            for (kind, inputs) in Self.edgePoints(p, seed: seed) {
                let leaves = inputs.map { Tensor<Double>([$0]).requiringGradient() }
                evaluateOnTensors(p, leaves).sum().backward()
                let tensor = leaves.map { $0.grad?.scalars[0] ?? 0 }
                let reverse = gradient(of: { p.evaluate($0) }, at: inputs)
                if !zip(tensor, reverse).allSatisfy({ matchesConvention($0, $1) }) {
                    failures.append("seed \(seed), \(kind) \(inputs): Tensor \(tensor), Var \(reverse)\n\(p)")
                }
            }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test("a NaN input: plain, Dual, the tape and replay give the same value, NaN wherever it reaches")
    func nanInputs() {
        for seed in 1...500 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            var inputs = p.inputs
            inputs[Int(seed) % inputs.count] = .nan
            let plain = p.evaluate(inputs)
            let dual = p.evaluate(inputs.map { Dual($0) }).value
            let reverse = valueWithGradient(of: { p.evaluate($0) }, at: inputs)
            let tape = Tape<Double>()
            let vars = tape.variables(p.inputs)
            let y = p.evaluate(vars)
            tape.replay(at: inputs)
            #expect(Self.same(plain, dual) && Self.same(plain, reverse.value) && Self.same(plain, tape.value(of: y)),
                    "seed \(seed): plain \(plain), Dual \(dual), Var \(reverse.value), replay \(tape.value(of: y))\n\(p)")
            // Every operation propagates NaN (max, min and relu included), so a NaN input
            // that the output depends on makes it NaN, whatever the NaN's position.
            var dependsOnNaN = [Bool](repeating: false, count: inputs.count + p.instructions.count)
            dependsOnNaN[Int(seed) % inputs.count] = true
            for (k, instruction) in p.instructions.enumerated() {
                dependsOnNaN[inputs.count + k] = instruction.operands.contains { dependsOnNaN[$0] }
            }
            let exempt = p.instructions.contains { $0.operation == .pow || $0.operation == .powerByConstant || $0.operation == .hypot }
            if dependsOnNaN.last! && !exempt { #expect(plain.isNaN, "seed \(seed): \(plain)\n\(p)") }
        }
    }

    @Test("zero inputs: plain, Dual, the tape and replay give the same value")
    func zeroInputs() {
        for seed in 1...500 as ClosedRange<UInt64> {
            let p = RandomProgram(seed: seed)
            let inputs = p.inputs.map { _ in 0.0 }
            let plain = p.evaluate(inputs)
            let dual = p.evaluate(inputs.map { Dual($0) }).value
            let reverse = valueWithGradient(of: { p.evaluate($0) }, at: inputs)
            #expect(Self.same(plain, dual) && Self.same(plain, reverse.value),
                    "seed \(seed): plain \(plain), Dual \(dual), Var \(reverse.value)\n\(p)")
        }
    }
}

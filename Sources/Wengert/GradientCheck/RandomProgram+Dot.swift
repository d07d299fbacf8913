// Dot products in random programs: `dot(x, y)` and `dot(x, y, adding: z)` over earlier
// values and constants, of any length from 0, operands repeated. On a tape these record
// runs of `multiplyAdd` entries (Var+DotProduct.swift) whose interior entries the sweep,
// both replay loops, the replay schedule and anomaly detection treat apart from the
// other opcodes, and fall back to `multiplyAdd` (or a product and a sum) for a constant
// term or a z recorded earlier. The table's fixed two-operand forms (`multiplyAdd`,
// `sumOfProducts`) reach only a few of those shapes.

extension RandomProgram {
    /// An operand of a dot instruction: an earlier value (by index) or a constant.
    package enum Operand: Sendable, Hashable {
        /// The program's value at this index.
        case value(Int)
        /// A constant, lifted with `T(_:)`: it records no entry.
        case constant(Double)

        /// The operand among `values`.
        @inlinable
        package func resolve<T: DifferentiableScalar>(_ values: [T]) -> T {
            switch self {
            case .value(let i): return values[i]
            case .constant(let c): return T(c)
            }
        }
    }

    /// A dot instruction: `dot(x, y)`, or `dot(x, y, adding: z)` when `adding` is set.
    /// It reads at least one value, so the program's values all depend on its inputs.
    package struct Dot: Sendable, Hashable {
        /// The left factors, one per term.
        package var x: [Operand]
        /// The right factors, as many as `x`.
        package var y: [Operand]
        /// The value the sum starts from; nil for the two-argument `dot`.
        package var adding: Operand?

        /// A dot of `x` and `y`, added to `adding` when it is not nil; traps when the
        /// counts differ or when it reads no value.
        package init(_ x: [Operand], _ y: [Operand], adding: Operand?) {
            if x.count != y.count { invalidProgram("a dot has \(x.count) left and \(y.count) right factors") }
            self.x = x
            self.y = y
            self.adding = adding
            if values.isEmpty { invalidProgram("a dot must read at least one value, not only constants") }
        }

        /// The dot's value in any scalar type, through the public `dot` functions.
        ///
        /// - Complexity: O(terms); one entry per term on a tape (two where it falls back).
        @inlinable
        package func apply<T: DifferentiableScalar>(_ values: [T]) -> T {
            let a = x.map { $0.resolve(values) }, b = y.map { $0.resolve(values) }
            guard let z = adding else { return dot(a, b) }
            return dot(a, b, adding: z.resolve(values))
        }

        /// The indices of the values it reads, in order, repeats kept.
        package var values: [Int] {
            (x + y + (adding.map { [$0] } ?? [])).compactMap {
                if case .value(let i) = $0 { return i } else { return nil }
            }
        }

        /// The same dot reading value `remap(i)` wherever it read value i.
        package func remapped(_ remap: (Int) -> Int) -> Dot {
            func map(_ o: Operand) -> Operand {
                if case .value(let i) = o { return .value(remap(i)) } else { return o }
            }
            return Dot(x.map(map), y.map(map), adding: adding.map(map))
        }

        /// ∂dot/∂(value i) for each value it reads, at `values`: the other factor of
        /// every term i appears in (2·x for x · x), plus 1 where i is the added value.
        package func partials(_ values: [Double]) -> [Int: Double] {
            var result: [Int: Double] = [:]
            for (a, b) in zip(x, y) {
                if case .value(let i) = a { result[i, default: 0] += b.resolve(values) }
                if case .value(let j) = b { result[j, default: 0] += a.resolve(values) }
            }
            if case .value(let k)? = adding { result[k, default: 0] += 1 }
            return result
        }

        /// The dot as Swift source, with `name` naming the values.
        func expression(_ name: (Int) -> String) -> String {
            func text(_ o: Operand) -> String {
                switch o {
                case .value(let i): return name(i)
                case .constant(let c): return "\(c)"
                }
            }
            func list(_ os: [Operand]) -> String { os.isEmpty ? "[T]()" : "[" + os.map(text).joined(separator: ", ") + "]" }
            return "dot(\(list(x)), \(list(y))" + (adding.map { ", adding: " + text($0) } ?? "") + ")"
        }
    }
}

extension RandomProgram.Instruction {
    /// A dot instruction. Its `operation` is `.sumOfProducts` and `first` (and `second`)
    /// the first value it reads, which the shrinker substitutes for it when it removes it.
    package init(dot: RandomProgram.Dot) {
        self.init(.sumOfProducts, dot.values[0], dot.values[0])
        self.dot = dot
    }

    /// The instruction's value, from the values before it, in any scalar type.
    @inlinable
    package func apply<T: DifferentiableScalar>(_ values: [T]) -> T {
        if let dot { return dot.apply(values) }
        return operation.apply(values[first], values[second])
    }

    /// The indices of the values it reads, repeats kept (one for a unary operation).
    package var operands: [Int] {
        if let dot { return dot.values }
        return operation.arity == 2 ? [first, second] : [first]
    }

    /// The same instruction reading value `remap(i)` wherever it read value i.
    package func remapped(_ remap: (Int) -> Int) -> Self {
        if let dot { return Self(dot: dot.remapped(remap)) }
        return Self(operation, remap(first), remap(second))
    }

    /// Whether it is smooth with margin `margin` at `values` (a dot is a polynomial:
    /// smooth everywhere).
    func isValid(_ values: [Double], margin: Double) -> Bool {
        dot != nil || operation.isValid(values[first], values[second], margin: margin)
    }
}

import Wengert

/// Checks a mode's output before it is timed, so a wrong mode cannot post a time.
///
/// Derivatives are checked along the fixed direction v of `checkDirection(count:)`
/// against a central difference of the plain function along v, which costs two
/// evaluations at any n (a full finite-difference gradient would cost 2n). Results of
/// exact modes are also compared entry by entry with the first exact result seen for the
/// same instance, so two exact modes that disagree anywhere are caught.
struct ResultChecker {
    let objective: Objective
    let direction: [Double]
    /// The central difference of f along v (a vector for vector objectives).
    let directional: [Double]
    /// f(x): the scale of the rounding error of the difference.
    let valueScale: Double
    /// The first exact derivative result seen, the reference for the next ones.
    var reference: ModeOutput?

    init(objective: Objective) {
        self.objective = objective
        let x: [Double], along: ([Double]) -> [Double]
        switch objective {
        case .scalar(let f): x = f.input; along = { [f.value($0)] }
        case .vector(let f): x = f.input; along = { f.values($0) }
        case .tensor(let f): x = f.input; along = { [f.doubleLoss($0)] }
        // Checked by the objective itself (`.trained`, `.selfChecked`): no difference.
        case .loop, .stream, .product: x = []; along = { _ in [] }
        }
        direction = checkDirection(count: x.count)
        let scale = x.reduce(1.0) { Swift.max($0, Swift.abs($1)) }
        let h = FiniteDifferences.step(at: scale)
        let up = along(zip(x, direction).map { $0 + h * $1 })
        let down = along(zip(x, direction).map { $0 - h * $1 })
        directional = zip(up, down).map { ($0 - $1) / (2 * h) }
        valueScale = along(x).reduce(1.0) { Swift.max($0, Swift.abs($1)) }
    }

    /// nil when `output` is right; otherwise what is wrong, in words.
    mutating func problem(with output: ModeOutput, exact: Bool, precision: Double = 1e-5) -> String? {
        // Tolerance of the difference: its truncation and rounding error, relative to
        // the size of the terms that make up ⟨∇f, v⟩.
        func agrees(_ computed: Double, _ expected: Double, termScale: Double) -> Bool {
            let tolerance = precision * (Swift.abs(expected) + termScale + 1e-3 * valueScale)
            return Swift.abs(computed - expected) <= tolerance
        }
        switch output {
        case .trained(let result):
            guard case .loop(let f) = objective else { return "a trained result from a problem that is not a loop" }
            return f.check(result)
        case .selfChecked(let wrong):
            return wrong
        case .value(let v):
            return v.isFinite ? nil : "value \(v) is not finite"
        case .values(let v):
            return v.allSatisfy(\.isFinite) ? nil : "some values are not finite"
        case .directionalDerivative(let d):
            return agrees(d, directional[0], termScale: 0)
                ? nil : "⟨∇f, v⟩ = \(d), central difference \(directional[0])"
        case .gradient(let g):
            guard g.count == direction.count else { return "gradient has \(g.count) entries, expected \(direction.count)" }
            let dot = zip(g, direction).reduce(0) { $0 + $1.0 * $1.1 }
            let terms = zip(g, direction).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
            if !agrees(dot, directional[0], termScale: terms) {
                return "⟨∇f, v⟩ = \(dot), central difference \(directional[0])"
            }
            return compareWithReference(output, exact: exact)
        case .jacobian(let rows):
            guard rows.count == directional.count, rows.allSatisfy({ $0.count == direction.count }) else {
                return "Jacobian is \(rows.count)×\(rows.first?.count ?? 0), expected \(directional.count)×\(direction.count)"
            }
            for (i, row) in rows.enumerated() {
                let dot = zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 }
                let terms = zip(row, direction).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
                if !agrees(dot, directional[i], termScale: terms) {
                    return "row \(i): ⟨J[i], v⟩ = \(dot), central difference \(directional[i])"
                }
            }
            return compareWithReference(output, exact: exact)
        case .hessianVectorProduct(let hv):
            guard hv.count == direction.count else {
                return "H·v has \(hv.count) entries, expected \(direction.count)"
            }
            return checkHessianProduct(hv, what: "H·v")
        case .hessian(let rows):
            let n = direction.count
            guard rows.count == n, rows.allSatisfy({ $0.count == n }) else {
                return "Hessian is \(rows.count)×\(rows.first?.count ?? 0), expected \(n)×\(n)"
            }
            let hv = rows.map { row in zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } }
            return checkHessianProduct(hv, what: "H (times v)")
        }
    }

    /// The central difference of the reverse-mode gradient along v, (∇f(x + hv) -
    /// ∇f(x - hv)) / 2h ≈ H·v, with ‖∇f(x)‖∞ for the tolerance; computed on first use.
    private var gradientDifference: (hv: [Double], gradientScale: Double)?

    private mutating func checkHessianProduct(_ hv: [Double], what: String) -> String? {
        guard case .scalar(let f) = objective else { return "\(what) of a vector objective" }
        if gradientDifference == nil {
            let x = f.input
            let scale = x.reduce(1.0) { Swift.max($0, Swift.abs($1)) }
            let h = FiniteDifferences.step(at: scale)
            let up = gradient(of: { f.value($0) }, at: zip(x, direction).map { $0 + h * $1 })
            let down = gradient(of: { f.value($0) }, at: zip(x, direction).map { $0 - h * $1 })
            let g = gradient(of: { f.value($0) }, at: x)
            gradientDifference = (zip(up, down).map { ($0 - $1) / (2 * h) },
                                  g.reduce(0) { Swift.max($0, Swift.abs($1)) })
        }
        let (expected, gradientScale) = gradientDifference!
        let tolerance = 1e-5 * expected.reduce(1.0) { Swift.max($0, Swift.abs($1)) } + 1e-8 * gradientScale
        for i in hv.indices where Swift.abs(hv[i] - expected[i]) > tolerance {
            return "\(what): entry \(i) is \(hv[i]), the difference of gradients gives \(expected[i])"
        }
        return nil
    }

    /// Entry-by-entry comparison with the first exact result (relative 1e-8 between
    /// exact modes, 1e-4 for an approximate one).
    private mutating func compareWithReference(_ output: ModeOutput, exact: Bool) -> String? {
        guard let reference else {
            if exact { self.reference = output }
            return nil
        }
        let tolerance = exact ? 1e-8 : 1e-4
        func flat(_ o: ModeOutput) -> [Double] {
            switch o {
            case .gradient(let g): g
            case .jacobian(let rows): rows.flatMap { $0 }
            default: []
            }
        }
        let a = flat(output), b = flat(reference)
        let scale = b.reduce(1.0) { Swift.max($0, Swift.abs($1)) }
        for i in a.indices where Swift.abs(a[i] - b[i]) > tolerance * scale {
            return "entry \(i) is \(a[i]), the reference mode gives \(b[i])"
        }
        return nil
    }
}

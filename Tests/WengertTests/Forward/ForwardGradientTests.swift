import Testing
import Wengert

/// ∂/∂xᵢ of the Rosenbrock function, written out by hand.
func rosenbrockGradient(_ x: [Double]) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i]
        g[i] += -400 * x[i] * a - 2 * (1 - x[i])
        g[i + 1] += 200 * a
    }
    return g
}

/// f: R³ → R², (r, θ, z) ↦ (r cos θ + z, r sin θ · z).
func forwardCylinder<T: DifferentiableScalar>(_ p: [T]) -> [T] {
    [p[0] * cos(p[1]) + p[2], p[0] * sin(p[1]) * p[2]]
}

func forwardCylinderJacobian(_ p: [Double]) -> [[Double]] {
    let (r, t, z) = (p[0], p[1], p[2])
    return [[cos(t), -r * sin(t), 1], [sin(t) * z, r * cos(t) * z, r * sin(t)]]
}

/// The scalar types the generic tests run on.
enum ForwardScalarType: String, CaseIterable, Sendable { case float, double }

@Suite("Forward.gradient, jacobian and jvp", .tags(.forwardMode))
struct ForwardGradientTests {
    static func point(_ n: Int) -> [Double] {
        (0..<n).map { i in
            let a = 0.1 * Double(i % 7)
            let b = 0.05 * Double(i % 3)
            return 0.3 + a - b
        }
    }

    @Test("Gradient of a generic function passed by name, every chunk width and ragged n",
          arguments: [1, 2, 7, 8, 9, 17, 40])
    func gradientMatchesHandWritten(_ n: Int) {
        let x = Self.point(max(n, 2))
        let expected = rosenbrockGradient(x)
        let results = [
            Forward.gradient(of: rosenbrock, at: x),
            Forward.gradient(of: rosenbrock, at: x, chunk: SIMD2<Double>.self),
            Forward.gradient(of: rosenbrock, at: x, chunk: SIMD4<Double>.self),
            Forward.gradient(of: rosenbrock, at: x, chunk: SIMD16<Double>.self),
        ]
        for g in results {
            #expect(g.count == x.count)
            for i in x.indices { #expect(forwardClose(g[i], expected[i]), "∂f/∂x\(i): \(g[i]) vs \(expected[i])") }
        }
        let (value, gradient) = Forward.valueWithGradient(of: rosenbrock, at: x)
        #expect(value == rosenbrock(x) && gradient == results[0])
    }

    @Test("Generic code runs on Float and Double alike", arguments: ForwardScalarType.allCases)
    func genericScalars(_ type: ForwardScalarType) {
        switch type {
        case .float: checkScalar(Float.self, tolerance: 1e-4)
        case .double: checkScalar(Double.self, tolerance: 1e-12)
        }
    }

    func checkScalar<T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar>(_: T.Type, tolerance: Double) {
        let x: [T] = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4]
        let g = Forward.gradient(of: rosenbrock, at: x)
        let expected = rosenbrockGradient(x.map { Double($0) })
        for i in x.indices {
            #expect(forwardClose(Double(g[i]), expected[i], tolerance: tolerance), "\(T.self) ∂f/∂x\(i)")
        }
        let d = derivative(of: { t in t * sin(t) }, at: T(2))
        #expect(forwardClose(Double(d), sin(2.0) + 2 * cos(2.0), tolerance: tolerance))
        let j = Forward.jacobian(of: forwardCylinder, at: [T(2), T(0.5), T(3)])
        let jExpected = forwardCylinderJacobian([2, 0.5, 3])
        for (row, rowExpected) in zip(j, jExpected) {
            for (a, b) in zip(row, rowExpected) { #expect(forwardClose(Double(a), b, tolerance: tolerance)) }
        }
    }

    @Test("Closure literals type-check: the lane type comes from the point")
    func closureLiterals() {
        let g = Forward.gradient(of: { x in x[0] * x[1] + sin(x[0]) }, at: [1.0, 2.0])
        #expect(forwardClose(g[0], 2 + cos(1.0)) && g[1] == 1)
        let j = Forward.jacobian(of: { x in [x[0] * x[1], exp(x[1])] }, at: [3.0, 0.0])
        #expect(j == [[0, 3], [0, 1]])
        let (v, t) = Forward.jvp(of: { x in [x[0] / x[1]] }, at: [1.0, 2.0], along: [2, 4])
        #expect(v == [0.5] && t == [0])
    }

    @Test("Jacobian of a vector function: m rows of n, for every chunk width")
    func jacobian() {
        let p = [2.0, 0.5, 3.0]
        let expected = forwardCylinderJacobian(p)
        for j in [Forward.jacobian(of: forwardCylinder, at: p),
                  Forward.jacobian(of: forwardCylinder, at: p, chunk: SIMD2<Double>.self)] {
            #expect(j.count == 2 && j.allSatisfy { $0.count == 3 })
            for i in 0..<2 { for k in 0..<3 { #expect(forwardClose(j[i][k], expected[i][k])) } }
        }
    }

    @Test("jvp equals the Jacobian times the direction", arguments: [[1.0, 0, 0], [0.5, -2, 1.5]])
    func jvpMatchesJacobian(_ v: [Double]) {
        let p = [2.0, 0.5, 3.0]
        let (value, tangent) = Forward.jvp(of: forwardCylinder, at: p, along: v)
        #expect(value == forwardCylinder(p))
        let j = forwardCylinderJacobian(p)
        for i in 0..<2 {
            let jv = (0..<3).reduce(0) { $0 + j[i][$1] * v[$1] }
            #expect(forwardClose(tangent[i], jv))
        }
    }

    @Test("A jvp direction of the wrong length stops with both lengths")
    func jvpWrongLength() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Forward.jvp(of: forwardCylinder, at: [1.0, 2.0, 3.0], along: [1.0, 0.0])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Forward.jvp(of:at:along:): the direction has 2 entries but the point has 3"))
    }

    @Test("An empty input stops with a message", arguments: ["gradient", "jacobian", "jvp"])
    func emptyInput(_ entry: String) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [entry = entry as String] in
            let empty: [Double] = []
            switch entry {
            case "gradient": _ = Forward.gradient(of: { (x: [MultiDual<SIMD8<Double>>]) in x.reduce(0, +) }, at: empty)
            case "jacobian": _ = Forward.jacobian(of: { (x: [MultiDual<SIMD8<Double>>]) in x }, at: empty)
            default: _ = Forward.jvp(of: { (x: [Dual<Double>]) in x }, at: empty, along: empty)
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("was called at an empty point (0 inputs)"))
        #expect(message.contains("Forward.\(entry)("))
    }

    @Test("Multi-lane arithmetic: quotient, mixed constants and a constant function")
    func multiDualArithmetic() {
        let x = MultiDual<SIMD4<Double>>(2, partials: [1, 0, 0, 0])
        let y = MultiDual<SIMD4<Double>>(3, partials: [0, 1, 0, 0])
        let q = (x * y + 1) / (x - y * 0.5) - 2 / x
        // q = (xy + 1)/(x - y/2) - 2/x at (2, 3): ∂x = (y(x - y/2) - (xy + 1))/(x - y/2)² + 2/x²
        let d = x.value - y.value / 2
        #expect(forwardClose(q.value, 7 / d - 1))
        #expect(forwardClose(q.partials[0], (3 * d - 7) / (d * d) + 0.5))
        #expect(forwardClose(q.partials[1], (2 * d + 0.5 * 7) / (d * d)))
        #expect(q.partials[2] == 0 && q.partials[3] == 0)
        let zero = Forward.gradient(of: { (_: [MultiDual<SIMD8<Double>>]) in 0 }, at: [1.0, 2.0])
        #expect(zero == [0, 0])
    }

    @Test("Nested gradients that mix two computations' lanes trap")
    func nestedGradientConfusionTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Forward.gradient(of: { (x: [MultiDual<SIMD8<Double>>]) in
                let inner = Forward.gradient(of: { (y: [MultiDual<SIMD8<Double>>]) in x[0] * y[0] }, at: [1.0])
                return x[0] * MultiDual(inner[0])
            }, at: [1.0, 2.0])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("perturbation confusion"))
    }

    @Test("A Jacobian whose output count changes between sweeps stops with both counts")
    func jacobianRaggedOutputs() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = [Double](repeating: 1, count: 10)
            _ = Forward.jacobian(of: { (v: [MultiDual<SIMD8<Double>>]) in
                v[0].partials[0] == 1 ? [v[0], v[1]] : [v[0]]
            }, at: x)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("returned 2 outputs on the first sweep but 1 on the sweep seeding input 8"))
    }
}

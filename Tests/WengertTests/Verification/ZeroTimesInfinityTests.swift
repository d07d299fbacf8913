import Testing
import Wengert

/// The scalar types a `ConventionFunction` is evaluated on.
enum ScalarFunctionInput {
    case double([Double]), dual([Dual<Double>]), multiDual([MultiDual<SIMD8<Double>>])
    case variable([Var<Double>]), nested([Var<Dual<Double>>])
}

enum ScalarFunctionOutput {
    case double(Double), dual(Dual<Double>), multiDual(MultiDual<SIMD8<Double>>)
    case variable(Var<Double>), nested(Var<Dual<Double>>)
}

/// A generic scalar function, called on every mode's scalar type.
protocol ConventionFunction {
    static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T
}

extension ConventionFunction {
    static func evaluate(_ input: ScalarFunctionInput) -> ScalarFunctionOutput {
        switch input {
        case .double(let x): return .double(callAsFunction(x))
        case .dual(let x): return .dual(callAsFunction(x))
        case .multiDual(let x): return .multiDual(callAsFunction(x))
        case .variable(let x): return .variable(callAsFunction(x))
        case .nested(let x): return .nested(callAsFunction(x))
        }
    }
}

enum SqrtTimesZero: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { sqrt(x[0]) * 0 } }
enum ZeroTimesSqrt: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { 0 * sqrt(x[0]) } }
enum LogTimesZero: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { log(x[0]) * 0 } }
enum SqrtTimesInput: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { sqrt(x[0]) * x[1] } }
enum InputTimesLog: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { x[0] * log(x[1]) } }
enum PowTimesZero: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { pow(x[0], x[1]) * 0 } }
enum PowByZero: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { pow(x[0], 0) } }
enum SqrtOverInput: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { sqrt(x[0]) / x[1] } }
enum ExpTimesZero: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { exp(x[0]) * 0 } }
enum Square: ConventionFunction { static func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T { x[0] * x[0] } }

/// The gradient of `f` at `x` in every mode: Dual (one pass per input), MultiDual
/// (`Forward.gradient`), the tape, replay of a recording made elsewhere, the gradient part
/// of forward over reverse (`Var<Dual<Double>>`), and tensors.
func gradientsInEveryMode(_ f: any ConventionFunction.Type, tensor: ([Tensor<Double>]) -> Tensor<Double>,
                          at x: [Double]) -> [(mode: String, value: Double, gradient: [Double])] {
    func unwrap<R>(_ o: ScalarFunctionOutput, _ k: (ScalarFunctionOutput) -> R?) -> R { k(o)! }
    var rows: [(String, Double, [Double])] = []
    rows.append(("plain", unwrap(f.evaluate(.double(x))) { if case .double(let v) = $0 { v } else { nil } }, []))
    let dual = x.indices.map { i in
        unwrap(f.evaluate(.dual(x.indices.map { Dual(x[$0], derivative: $0 == i ? 1 : 0) }))) {
            if case .dual(let v) = $0 { v } else { nil }
        }
    }
    rows.append(("Dual", dual[0].value, dual.map(\.derivative)))
    let multi = unwrap(f.evaluate(.multiDual(x.indices.map { i in
        var p = SIMD8<Double>(); p[i] = 1
        return MultiDual(x[i], partials: p)
    }))) { if case .multiDual(let v) = $0 { v } else { nil } }
    rows.append(("MultiDual", multi.value, x.indices.map { multi.partials[$0] }))
    let forward = Forward.gradient(of: { (v: [MultiDual<SIMD8<Double>>]) in
        unwrap(f.evaluate(.multiDual(v))) { if case .multiDual(let r) = $0 { r } else { nil } }
    }, at: x)
    rows.append(("Forward.gradient", multi.value, forward))
    let tape = Tape<Double>()
    let vars = tape.variables(x)
    let y = unwrap(f.evaluate(.variable(vars))) { if case .variable(let v) = $0 { v } else { nil } }
    rows.append(("Var", y.value, tape.gradient(of: y)[vars]))
    let elsewhere = Tape<Double>()
    let moved = elsewhere.variables(x.map { _ in 0.75 })
    let z = unwrap(f.evaluate(.variable(moved))) { if case .variable(let v) = $0 { v } else { nil } }
    elsewhere.replay(at: x)
    rows.append(("replay", elsewhere.value(of: z), elsewhere.gradient(of: z)[moved]))
    let nestedTape = Tape<Dual<Double>>()
    let nestedVars = nestedTape.variables(x.map { Dual($0) })
    let n = unwrap(f.evaluate(.nested(nestedVars))) { if case .nested(let v) = $0 { v } else { nil } }
    rows.append(("Var<Dual>", n.value.value, nestedTape.gradient(of: n)[nestedVars].map(\.value)))
    let leaves = x.map { Tensor<Double>([$0]).requiringGradient() }
    let out = tensor(leaves)
    out.sum().backward()
    rows.append(("Tensor", out.scalars[0], leaves.map { $0.grad?.scalars[0] ?? 0 }))
    return rows.map { (mode: $0.0, value: $0.1, gradient: $0.2) }
}

/// Equal, NaN equal to NaN, or within 1e-12 relative (the modes round differently).
func sameUnderConvention(_ a: Double, _ b: Double) -> Bool {
    a == b || (a.isNaN && b.isNaN) || (a.isFinite && b.isFinite && Swift.abs(a - b) <= 1e-12 * Swift.max(1, Swift.abs(a), Swift.abs(b)))
}

/// One convention in every mode: a term whose factor is exactly 0 contributes 0 to a
/// derivative, even where the other factor is infinite or NaN (ARCHITECTURE.md, "0 · ∞").
@Suite("0 · ∞ in the chain rule: one convention in every mode", .tags(.verification))
struct ZeroTimesInfinityTests {
    static var cases: [(String, any ConventionFunction.Type, ([Tensor<Double>]) -> Tensor<Double>, [Double], Double, [Double])] { [
        ("sqrt(x) * 0", SqrtTimesZero.self, { sqrt($0[0]) * Tensor(0) }, [0], 0, [0]),
        ("0 * sqrt(x)", ZeroTimesSqrt.self, { Tensor(0) * sqrt($0[0]) }, [0], 0, [0]),
        ("log(x) * 0", LogTimesZero.self, { log($0[0]) * Tensor(0) }, [0], .nan, [0]),
        ("sqrt(x) * 0 at NaN", SqrtTimesZero.self, { sqrt($0[0]) * Tensor(0) }, [.nan], .nan, [0]),
        ("log(x) * 0 at NaN", LogTimesZero.self, { log($0[0]) * Tensor(0) }, [.nan], .nan, [0]),
        ("sqrt(x) * y", SqrtTimesInput.self, { sqrt($0[0]) * $0[1] }, [0, 0], 0, [0, 0]),
        ("x * log(y)", InputTimesLog.self, { $0[0] * log($0[1]) }, [1, 0], -.infinity, [-.infinity, .infinity]),
        ("pow(x, y) * 0", PowTimesZero.self, { pow($0[0], $0[1]) * Tensor(0) }, [0, 0.5], 0, [0, 0]),
        ("pow(x, y) * 0 at NaN", PowTimesZero.self, { pow($0[0], $0[1]) * Tensor(0) }, [.nan, 0.5], .nan, [0, 0]),
        ("pow(x, 0) at NaN", PowByZero.self, { pow($0[0], Tensor(0)) }, [.nan], 1, [.nan]),
        ("sqrt(x) / y", SqrtOverInput.self, { sqrt($0[0]) / $0[1] }, [0, .infinity], 0, [0, 0]),
        ("exp(x) * 0", ExpTimesZero.self, { exp($0[0]) * Tensor(0) }, [1000], .nan, [0]),
    ] }

    @Test("value and gradient agree in Dual, MultiDual, Forward.gradient, Var, replay, Var<Dual> and Tensor",
          arguments: cases.indices)
    func everyModeAgrees(_ k: Int) {
        let (name, f, tensor, x, value, expected) = Self.cases[k]
        for row in gradientsInEveryMode(f, tensor: tensor, at: x) {
            #expect(sameUnderConvention(row.value, value) || row.mode == "MultiDual" && row.value.isNaN == value.isNaN,
                    "\(name) at \(x): \(row.mode) value \(row.value), expected \(value)")
            if row.mode == "plain" { continue }
            #expect(row.gradient.count == expected.count
                    && zip(row.gradient, expected).allSatisfy { sameUnderConvention($0, $1) },
                    "\(name) at \(x): \(row.mode) gradient \(row.gradient), expected \(expected)")
        }
    }

    @Test("the issue's cases through the public calls: derivative, gradient, Forward.gradient")
    func publicCalls() {
        #expect(derivative(of: { x in sqrt(x) * 0 }, at: 0.0) == 0)
        #expect(derivative(of: { x in log(x) * 0 }, at: 0.0) == 0)
        #expect(derivative(of: { x in 0 * sqrt(x) }, at: 0.0) == 0)
        #expect(derivative(of: { x in sqrt(x) * 0 }, at: Float(0)) == 0)
        #expect((sqrt(MultiDual<SIMD4<Float>>(0, partials: [1, 0, 0, 0])) * 0).partials == [0, 0, 0, 0])
        #expect(gradient(of: { x in sqrt(x[0]) * 0 }, at: [0.0]) == [0])
        #expect(Forward.gradient(of: { x in sqrt(x[0]) * 0 + log(x[1]) * 0 }, at: [0.0, 0.0]) == [0, 0])
        // Scaling by a constant: an infinite tangent times 0, and a zero tangent times ∞.
        let scaled = sqrt(Dual(0.0, derivative: 1)) * 0.0
        #expect(scaled.derivative == 0)
        #expect((Dual(2.0, derivative: 0) * Double.infinity).derivative == 0)
        #expect((sqrt(Dual(0.0, derivative: 1)) / Double.infinity).derivative == 0)
        // A regular factor keeps IEEE: an infinite tangent times 2 is still infinite,
        // and a NaN tangent times 2 still NaN.
        #expect((sqrt(Dual(0.0, derivative: 1)) * Dual(2.0)).derivative == .infinity)
        #expect((Dual(1.0, derivative: .nan) * Dual(2.0)).derivative.isNaN)
    }

    @Test("MultiDual: lanes that a zero factor multiplies become 0, other lanes keep their values")
    func multiDualLanes() {
        let s = sqrt(MultiDual<SIMD4<Double>>(0, partials: [1, 0, 2, 0]))
        #expect(s.partials == [.infinity, 0, .infinity, 0])
        #expect((s * 0).partials == [0, 0, 0, 0])
        let y = MultiDual<SIMD4<Double>>(3, partials: [0, 1, 0, 0])
        let p = s * y   // ∂(√x · y) = y ∂√x + √x ∂y: 3·∞, 0·1, 3·∞, 0
        #expect(p.partials == [.infinity, 0, .infinity, 0])
        let q = y * log(MultiDual<SIMD4<Double>>(0, partials: [0, 0, 1, 0]))
        // ∂(y log x): log x ∂y = -∞ in lane 1, y ∂log x = +∞ in lane 2, 0 elsewhere.
        #expect(q.partials == [0, -.infinity, .infinity, 0])
    }

    @Test("nested duals: a factor is zero only when every component is, so second derivatives at 0 survive")
    func nested() {
        // x² at 0: the factor x = 0 + 1ε₁ has value 0 but carries the second-order part.
        #expect(derivative(of: { x in derivative(of: { y in y * y }, at: x) }, at: 0.0) == 2)
        #expect(derivative(of: { x in derivative(of: { y in y * y * y }, at: x) }, at: 0.0) == 0)
        #expect(derivative(of: { x in derivative(of: { y in (y * y) / (y + 1) }, at: x) }, at: 0.0) == 2)
        // √x · 0 and log x · 0 are constant: every derivative is 0, at every level.
        #expect(derivative(of: { x in derivative(of: { y in sqrt(y) * 0 }, at: x) }, at: 0.0) == 0)
        #expect(derivative(of: { x in derivative(of: { y in log(y) * 0 }, at: x) }, at: 0.0) == 0)
        #expect(hessian(of: { x in sqrt(x[0]) * 0 }, at: [0.0]) == [[0]])
        #expect(hessianVectorProduct(of: { x in log(x[0]) * 0 + x[1] * x[1] }, at: [0.0, 0.0], along: [1, 1]) == [0, 2])
        // The same over MultiDual lanes: d/dt (x·x) along t at x = 0 + (1, 0)ε is 2x, whose
        // lanes hold the second derivatives (2, 0).
        let m = Dual(MultiDual<SIMD2<Double>>(0, partials: [1, 0]), derivative: MultiDual(1))
        let square = m * m
        #expect(square.derivative.value == 0 && square.derivative.partials == [2, 0], "\(square)")
        let root = sqrt(Dual(MultiDual<SIMD2<Double>>(0, partials: [1, 0]), derivative: MultiDual(1))) * 0
        #expect(root.derivative.value == 0 && root.derivative.partials == [0, 0], "\(root)")
        // A nested factor 0 + 0ε is zero, and passes nothing from an infinite tangent.
        let inner = Dual(Dual(0.0, derivative: 1), derivative: Dual(1.0))
        let product = sqrt(inner) * Dual(Dual(0.0))
        #expect(product.derivative.value == 0 && product.derivative.derivative == 0, "\(product)")
    }
}

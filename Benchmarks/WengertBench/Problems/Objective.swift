import Wengert

/// A function ℝⁿ → ℝ written once, generic over the scalar, with its input point.
///
/// The `value` overloads are the concrete entry points that modes call. Their default
/// implementations forward to `callAsFunction`; because they are protocol requirements,
/// every conformance gets its own witness, specialised for its own type, so a mode that
/// holds an `any ScalarObjective` still runs fully specialised arithmetic (one indirect
/// call per evaluation, none per operation). A mode with a new scalar type adds one
/// overload here.
protocol ScalarObjective: Sendable {
    /// The point at which every mode is measured.
    var input: [Double] { get }
    /// The function itself.
    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> T

    func value(_ x: [Double]) -> Double
    func value(_ x: [Dual<Double>]) -> Dual<Double>
    func value(_ x: [Var<Double>]) -> Var<Double>
    func value(_ x: [Var<Dual<Double>>]) -> Var<Dual<Double>>
    func value(_ x: [MultiDual<SIMD8<Double>>]) -> MultiDual<SIMD8<Double>>
}

extension ScalarObjective {
    func value(_ x: [Double]) -> Double { self(x) }
    func value(_ x: [Dual<Double>]) -> Dual<Double> { self(x) }
    func value(_ x: [Var<Double>]) -> Var<Double> { self(x) }
    func value(_ x: [Var<Dual<Double>>]) -> Var<Dual<Double>> { self(x) }
    func value(_ x: [MultiDual<SIMD8<Double>>]) -> MultiDual<SIMD8<Double>> { self(x) }
}

/// A function ℝⁿ → ℝᵐ for Jacobians, with its input point; see `ScalarObjective` for
/// why the concrete overloads exist.
protocol VectorObjective: Sendable {
    /// The point at which every mode is measured.
    var input: [Double] { get }
    /// m, the number of outputs.
    var outputCount: Int { get }
    /// The function itself.
    func callAsFunction<T: DifferentiableScalar>(_ x: [T]) -> [T]

    func values(_ x: [Double]) -> [Double]
    func values(_ x: [Dual<Double>]) -> [Dual<Double>]
    func values(_ x: [Var<Double>]) -> [Var<Double>]
    func values(_ x: [MultiDual<SIMD8<Double>>]) -> [MultiDual<SIMD8<Double>>]
}

extension VectorObjective {
    func values(_ x: [Double]) -> [Double] { self(x) }
    func values(_ x: [Dual<Double>]) -> [Dual<Double>] { self(x) }
    func values(_ x: [Var<Double>]) -> [Var<Double>] { self(x) }
    func values(_ x: [MultiDual<SIMD8<Double>>]) -> [MultiDual<SIMD8<Double>>] { self(x) }
}

/// One instance of a problem at one size: what the modes differentiate.
enum Objective: Sendable {
    case scalar(any ScalarObjective)
    case vector(any VectorObjective)
    case tensor(any TensorObjective)
    /// A whole training loop, timed per loop rather than per call of a function.
    case loop(any TrainingLoop)
    /// A memory-bound kernel timed against a plain copy of the same bytes.
    case stream(StreamObjective)
    /// A dense matrix product timed for its floating-point rate.
    case product(MatrixProductObjective)

    /// n, the number of inputs.
    var inputCount: Int {
        switch self {
        case .scalar(let f): f.input.count
        case .vector(let f): f.input.count
        case .tensor(let f): f.input.count
        case .loop(let f): f.parameterCount
        case .stream(let f): f.a.count
        case .product(let f): 2 * f.s * f.s
        }
    }

    /// m, the number of outputs (1 for a scalar objective).
    var outputCount: Int {
        switch self {
        case .scalar, .tensor, .loop, .stream, .product: 1
        case .vector(let f): f.outputCount
        }
    }
}

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

    /// n, the number of inputs.
    var inputCount: Int {
        switch self {
        case .scalar(let f): f.input.count
        case .vector(let f): f.input.count
        }
    }

    /// m, the number of outputs (1 for a scalar objective).
    var outputCount: Int {
        switch self {
        case .scalar: 1
        case .vector(let f): f.outputCount
        }
    }
}

/// A family of objectives indexed by a size, as listed by `--list`.
struct Problem: Sendable {
    /// The name used on the command line and in the output.
    var name: String
    /// One line: the function and what it stresses.
    var summary: String
    /// What the size parameter means ("n", "d").
    var sizeMeaning: String
    /// Sizes of the default run.
    var defaultSizes: [Int]
    /// Sizes of `--quick`.
    var quickSizes: [Int]
    /// The smallest size the problem accepts.
    var minimumSize: Int
    /// Builds the instance of the given size (deterministic: same size, same input).
    var make: @Sendable (Int) -> Objective

    /// Every problem, in display order. Adding a problem is one file and one line here.
    static let all: [Problem] = [
        .rosenbrock, .logSumExp, .product, .elementaryHeavy, .gaussianMixture,
        .narrowJacobian, .wideJacobian,
    ]

    /// The problem with the given name, if any.
    static func named(_ name: String) -> Problem? { all.first { $0.name == name } }
}

/// A deterministic, well-scaled input: values in [lower, upper] from a fixed sequence.
func deterministicInput(count: Int, lower: Double = -1, upper: Double = 1, seed: UInt64 = 42) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in lower + (upper - lower) * rng.nextUnit() }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so that inputs and
/// check directions are the same on every run and every machine.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

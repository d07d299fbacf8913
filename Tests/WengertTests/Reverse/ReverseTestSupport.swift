import Testing
import Wengert

extension Tag {
    /// Reverse mode: tapes, sweeps, replay.
    @Tag static var reverseMode: Tag
    /// Second derivatives.
    @Tag static var higherOrder: Tag
}

/// A test function in two instantiations, reverse and forward, with a sample point.
struct ReverseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let reverse: @Sendable ([Var<Double>]) -> Var<Double>
    let forward: @Sendable ([Dual<Double>]) -> Dual<Double>
    let plain: @Sendable ([Double]) -> Double
    let point: [Double]
    var testDescription: String { name }
}

/// The gradient by n forward passes with dual numbers, the reference for reverse mode.
func dualGradient(_ f: ([Dual<Double>]) -> Dual<Double>, at x: [Double]) -> [Double] {
    (0..<x.count).map { i in
        f(x.indices.map { Dual(x[$0], derivative: $0 == i ? 1 : 0) }).derivative
    }
}

/// Replays f, recorded at `recorded`, at x and expects the value and gradient of a fresh
/// recording at x.
func expectReplayMatchesFreshRecording(of f: ([Var<Double>]) -> Var<Double>,
                                       recordedAt recorded: [Double], at x: [Double]) {
    let compiled = CompiledGradient(of: f, at: recorded)
    let (value, g) = compiled.valueWithGradient(at: x)
    let fresh = valueWithGradient(of: f, at: x)
    #expect(value == fresh.value)
    #expect(g == fresh.gradient)
}

/// |a - b| <= tolerance · max(1, |a|, |b|) elementwise, and equal lengths.
func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        x == y || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(x), Swift.abs(y))
    }
}

/// exp, log, sin and tanh in every term: elementary functions dominate the cost.
func elementaryHeavy<T: DifferentiableScalar>(_ x: [T]) -> T {
    var s: T = 0
    for i in 0..<x.count {
        s += exp(sin(x[i])) * log(1 + x[i] * x[i]) + tanh(x[i] * x[(i + 1) % x.count])
    }
    return s
}

func everyFunction<T: DifferentiableScalar>(_ x: [T]) -> T {
    let a = x[0], b = x[1], c = x[2]
    var s: T = 0
    s += sin(a)
    s += cos(b)
    s += tan(c)
    s += asin(c)
    s += acos(c)
    s += atan(a)
    s += atan2(a, b)
    s += sinh(c)
    s += cosh(c)
    s += tanh(a)
    s += exp(c)
    s += expm1(c)
    s += log(b)
    s += log1p(b)
    s += log2(b)
    s += log10(b)
    s += pow(b, a)
    s += sqrt(b)
    s += cbrt(a)
    s += hypot(a, b)
    s += abs(a - b)
    s += min(a, b)
    s += max(a, c)
    s += erf(c)
    s += sigmoid(a)
    s += softplus(b)
    s += relu(a - c)
    s += a / b
    s += 2 / a
    s += pow(a, 3)
    s += pow(2, c)
    s += -(-b) * 3
    return s
}

func products<T: DifferentiableScalar>(_ x: [T]) -> T {
    var p: T = 1
    for v in x { p *= v }
    return p / (x[0] + 2) - 0.5 * x[1]
}

let reverseCatalog: [ReverseCase] = [
    ReverseCase(name: "rosenbrock", reverse: rosenbrock, forward: rosenbrock, plain: rosenbrock,
                point: [0.5, 0.6, 0.7, -1.2, 2.0]),
    ReverseCase(name: "elementaryHeavy", reverse: elementaryHeavy, forward: elementaryHeavy, plain: elementaryHeavy,
                point: [0.3, -1.1, 2.5, 0.8]),
    ReverseCase(name: "everyFunction", reverse: everyFunction, forward: everyFunction, plain: everyFunction,
                point: [0.7, 1.3, 0.4]),
    ReverseCase(name: "products", reverse: products, forward: products, plain: products,
                point: [1.5, -2.0, 3.0, 0.25]),
]

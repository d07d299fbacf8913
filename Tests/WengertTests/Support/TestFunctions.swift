import Wengert

// Functions several suites differentiate, written once.

/// The Rosenbrock function of the README, generic so that every mode can run it.
func rosenbrock<T: DifferentiableScalar>(_ x: [T]) -> T {
    var s: T = 0
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i]
        let b = 1 - x[i]
        s += 100 * a * a + b * b
    }
    return s
}

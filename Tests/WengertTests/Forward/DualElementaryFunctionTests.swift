import Testing
import Wengert

/// Every elementary rule against its textbook derivative, on `Dual`, on each lane of a
/// `MultiDual`, and on `Float`.
@Suite("Dual elementary functions", .tags(.forwardMode))
struct DualElementaryFunctionTests {
    @Test("Dual value and derivative match the formula", arguments: ForwardUnaryFunction.allCases)
    func dualMatchesFormula(_ f: ForwardUnaryFunction) {
        for x in f.points {
            let (value, slope) = valueWithDerivative(of: { f.apply($0) }, at: x)
            #expect(forwardClose(value, f.apply(x)), "\(f)(\(x)) = \(value)")
            #expect(forwardClose(slope, f.analyticDerivative(x), tolerance: 1e-11),
                    "\(f)′(\(x)) = \(slope), expected \(f.analyticDerivative(x))")
        }
    }

    @Test("MultiDual scales every lane by the derivative; a zero lane stays zero",
          arguments: ForwardUnaryFunction.allCases)
    func multiDualLanes(_ f: ForwardUnaryFunction) {
        let seed: SIMD4<Double> = [1, -2, 0, 0.5]
        for x in f.points {
            let y = f.apply(MultiDual(x, partials: seed))
            let d = f.analyticDerivative(x)
            #expect(forwardClose(y.value, f.apply(x)))
            for lane in 0..<4 {
                let expected = seed[lane] == 0 ? 0 : d * seed[lane]
                #expect(forwardClose(y.partials[lane], expected, tolerance: 1e-11),
                        "\(f) at \(x), lane \(lane): \(y.partials[lane]) vs \(expected)")
            }
        }
    }

    @Test("Float duals agree with the formula to single precision",
          arguments: ForwardUnaryFunction.allCases)
    func floatMatchesFormula(_ f: ForwardUnaryFunction) {
        for x in f.points where Swift.abs(x) < 1e30 && Swift.abs(x) > 1e-30 || x == 0 {
            let slope = derivative(of: { f.apply($0) }, at: Float(x))
            let expected = f.analyticDerivative(Double(Float(x)))
            if Swift.abs(expected) > 1e30 { continue }  // beyond Float's range
            #expect(forwardClose(Double(slope), expected, tolerance: 2e-5),
                    "\(f)′(\(x)) as Float = \(slope), expected \(expected)")
        }
    }

    @Test("Binary rules: pow, atan2, hypot, min, max against their partials")
    func binaryRules() {
        let points: [(Double, Double)] = [(2, 3), (0.5, -1.5), (3, 0.5), (-2, 1.25)]
        for (a, b) in points {
            func partials(_ f: (Dual<Double>, Dual<Double>) -> Dual<Double>) -> (Double, Double) {
                (derivative(of: { f($0, Dual(b)) }, at: a), derivative(of: { f(Dual(a), $0) }, at: b))
            }
            let r2 = a * a + b * b
            let atan2Partials = partials { y, x in atan2(y, x) }
            #expect(forwardClose(atan2Partials.0, b / r2) && forwardClose(atan2Partials.1, -a / r2))
            let hypotPartials = partials { x, y in hypot(x, y) }
            #expect(forwardClose(hypotPartials.0, a / r2.squareRoot()) && forwardClose(hypotPartials.1, b / r2.squareRoot()))
            let minPartials = partials { x, y in min(x, y) }
            #expect(minPartials == (a <= b ? (1, 0) : (0, 1)))
            let maxPartials = partials { x, y in max(x, y) }
            #expect(maxPartials == (a >= b ? (1, 0) : (0, 1)))
            if a > 0 {
                let powPartials = partials { x, y in pow(x, y) }
                #expect(forwardClose(powPartials.0, b * pow(a, b - 1)))
                #expect(forwardClose(powPartials.1, pow(a, b) * log(a)))
            }
        }
    }

    @Test("Arithmetic: product, quotient and mixed operations")
    func arithmetic() {
        let x = Dual(3.0, derivative: 1.0)
        let y = 3 * x * x * x - 2 * x + 7
        #expect(y.value == 82 && y.derivative == 79)
        let q = (x + 1) / (x * x)
        #expect(forwardClose(q.derivative, (9 - 2 * 3 * 4) / 81.0))
        let c = 2.0
        let mixed = c / x + x / c - c * x + (c - x)
        #expect(forwardClose(mixed.derivative, -2 / 9.0 + 0.5 - 2 - 1))
        var z = x
        z *= x; z += x; z -= 1; z /= x
        #expect(forwardClose(z.value, 11.0 / 3) && forwardClose(z.derivative, 1 + 1 / 9.0))
    }
}

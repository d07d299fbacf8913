import Testing
import Wengert

extension Tag {
    @Tag static var ode: Self
}

/// The largest |a - b| over two lists of scalars of one length.
func largestDifference<S: BinaryFloatingPoint>(_ a: [S], _ b: [S]) -> S {
    precondition(a.count == b.count, "largestDifference: \(a.count) and \(b.count) scalars")
    return zip(a, b).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

/// The rotating, decaying linear system y' = y·A with A = [[α, β], [-β, α]] (the spiral's
/// matrix with the cube left out): y(t) = y0·exp(At), exp(At) = e^{αt}[[cos βt, sin βt], [-sin βt, cos βt]].
enum LinearSpiral {
    static let alpha = -0.1, beta = 2.0

    static func matrix<S: TensorScalar>(_: S.Type = S.self) -> Tensor<S> {
        Tensor(shape: [2, 2], scalars: [S(alpha), S(beta), S(-beta), S(alpha)])
    }

    /// exp(A t) as a row-major 2×2.
    static func exponential(_ t: Double) -> [Double] {
        let e = Double.exp(alpha * t), c = Double.cos(beta * t), s = Double.sin(beta * t)
        return [e * c, e * s, -e * s, e * c]
    }

    /// y0·exp(At) for a row y0 of two scalars.
    static func solution(_ y0: [Double], _ t: Double) -> [Double] {
        let m = exponential(t)
        return [y0[0] * m[0] + y0[1] * m[2], y0[0] * m[1] + y0[1] * m[3]]
    }
}

/// A small MLP dynamics, f(y) = tanh(y·W1 + b1)·W2 + b2, and its seeded parameters.
enum SmallMLP {
    static func parameters(hidden: Int = 6, seed: UInt64 = 7) -> [Tensor<Double>] {
        [
            Tensor<Double>(randomNormal: [2, hidden], standardDeviation: 0.7, seed: seed),
            Tensor<Double>(randomNormal: [hidden], standardDeviation: 0.3, seed: seed + 1),
            Tensor<Double>(randomNormal: [hidden, 2], standardDeviation: 0.7, seed: seed + 2),
            Tensor<Double>(randomNormal: [2], standardDeviation: 0.3, seed: seed + 3),
        ]
    }

    static func dynamics(_ y: Tensor<Double>, _ t: Double, _ p: [Tensor<Double>]) -> Tensor<Double> {
        matmul(tanh(matmul(y, p[0]) + p[1]), p[2]) + p[3] * (1 + 0.5 * t)
    }
}

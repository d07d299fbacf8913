import Testing
import Wengert

/// The `Float` and `Double` conformances and the protocol's default implementations.
@Suite("DifferentiableScalar conformances of Float and Double", .tags(.forwardMode))
struct ScalarConformanceTests {
    @Test("Defaults are stable in the tails and exact at the kinks", arguments: ForwardScalarType.allCases)
    func defaults(_ type: ForwardScalarType) {
        switch type {
        case .float: check(Float.self)
        case .double: check(Double.self)
        }
    }

    func check<T: DifferentiableScalar & BinaryFloatingPoint>(_: T.Type) {
        #expect(T.sigmoid(0) == 0.5)
        #expect(T.sigmoid(-1000) == 0 && T.sigmoid(1000) == 1)
        #expect(T.softplus(1000) == 1000 && T.softplus(-1000) == 0)
        #expect(Swift.abs(T.softplus(0) - T(0.6931471805599453)) < T.ulpOfOne * 2)
        #expect(T.relu(-2) == 0 && T.relu(0) == 0 && T.relu(3) == 3)
        #expect(T.min(T.nan, 1).isNaN && T.min(1, T.nan).isNaN && T.max(T.nan, 1).isNaN)
        #expect(T.min(2, 3) == 2 && T.max(2, 3) == 3)
        #expect(T.abs(-2.5) == 2.5 && T(7).doubleValue == 7 && T(Int(-3)) == -3)
    }

    @Test("The free functions forward to the static requirements")
    func freeFunctions() {
        func generic<T: DifferentiableScalar>(_ x: T) -> T { hypot(x, 1) + atan2(x, 1) + pow(x, 2) }
        let x = 0.75
        #expect(generic(x) == Double.hypot(x, 1) + Double.atan2(x, 1) + Double.pow(x, 2))
        #expect(Float(generic(Float(x))) == Float.hypot(Float(x), 1) + Float.atan2(Float(x), 1) + Float.pow(Float(x), 2))
    }
}

import Testing
import Wengert

extension Tag {
    /// The verification suite: every operation in every mode, random programs.
    @Tag static var verification: Tag
}

/// Whether a derivative matches its reference under the conventions: equal (same
/// infinities included), both NaN, or within `tolerance` relative to the larger plus
/// 1e-15 absolute (1 - tanh²(-30) is 0 in `Double` where 1/cosh²(-30) is 3.5e-26).
func matchesConvention(_ a: Double, _ reference: Double, tolerance: Double = 1e-9) -> Bool {
    if a == reference || (a.isNaN && reference.isNaN) { return true }
    guard a.isFinite, reference.isFinite else { return false }
    return Swift.abs(a - reference) <= tolerance * Swift.max(Swift.abs(a), Swift.abs(reference)) + 1e-15
}


/// ∂op/∂x and ∂op/∂y at (x, y) by forward mode, one dual pass per operand.
func dualPartials(_ op: ScalarOperation, _ x: Double, _ y: Double) -> (x: Double, y: Double) {
    let dx = op.apply(Dual(x, derivative: 1), Dual(y)).derivative
    let dy = op.arity == 2 ? op.apply(Dual(x), Dual(y, derivative: 1)).derivative : 0
    return (dx, dy)
}

/// Whether two values of the same computation in different modes agree to `ulps` units
/// in the last place. Modes should agree exactly; a few ulps allow a rule that writes
/// the value another way (`Dual.sigmoid` computes e·(1/(1 + e)) where `Double` computes
/// e/(1 + e) for x < 0, one ulp apart).
func sameValue(_ a: Double, _ b: Double, ulps: Double = 4) -> Bool {
    a == b || (a.isNaN && b.isNaN) || Swift.abs(a - b) <= ulps * Swift.max(a.ulp, b.ulp)
}

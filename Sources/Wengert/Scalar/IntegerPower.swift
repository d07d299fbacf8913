// xⁿ for an integer n by repeated squaring: exact products, so it is right at negative
// bases, where pow(x, y) with a real exponent goes through log|x| and NaN (its
// derivative in y has no meaning there).

/// xⁿ for an integer exponent, by repeated squaring (⌈log₂|n|⌉ + popcount(|n|) - 1
/// multiplications, and one division when n < 0). Correct at negative bases, where
/// `pow(x, T(n))` is NaN in some modes' derivatives: `pow(-2.0, n: 3)` is -8 and its
/// derivative 3·(-2)² = 12 in every mode. `pow(x, n: 0)` is 1 with derivative 0, also at
/// x = 0 and NaN (IEEE's pown).
/// - Complexity: O(log |n|) operations (recorded entries in reverse mode).
@inlinable
public func pow<T: DifferentiableScalar>(_ x: T, n: Int) -> T {
    if n == 0 { return 1 }
    var base = x, e = n.magnitude, result: T? = nil
    while true {
        if e & 1 == 1 { result = result.map { $0 * base } ?? base }
        e >>= 1
        if e == 0 { break }
        base = base * base
    }
    return n < 0 ? 1 / result! : result!
}

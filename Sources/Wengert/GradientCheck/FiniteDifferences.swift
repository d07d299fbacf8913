// Central finite differences, the reference every other mode is checked against.
//
// The step balances truncation error, O(h²)·|f‴|, against rounding error,
// O(ε·|f| / h): their sum is smallest near h = ∛ε, scaled by the entry's magnitude so
// that x = 1e6 and x = 1e-6 both move by a representable, meaningful amount (Nocedal &
// Wright, Numerical Optimization, §8.1). The step actually taken is (x + h) - (x - h) as
// rounded, not 2h, which removes the representation error of x ± h from the quotient.

/// Derivatives by central differences: (f(x + h) - f(x - h)) / 2h, one entry at a time.
///
/// Finite differences need only the plain function, so they check every other mode, and
/// they are what a user reaches for when a function cannot be made generic. They are
/// approximate (about 2/3 of the digits of `T`: some 1e-10 relative error in `Double`
/// for smooth, well-scaled functions, far less near a kink or for badly scaled ones) and
/// cost two function evaluations per input entry, where reverse mode costs a small
/// constant multiple of one evaluation for a whole gradient.
///
/// The step for entry i is h = ∛ε · max(1, |xᵢ|), where ε is `T.ulpOfOne`. It assumes
/// f varies on the scale of max(1, |xᵢ|): at x = 10⁴ the step is 0.06, too coarse for
/// sin(x), whose scale stays 1 (the error is then about h²/6 ≈ 6·10⁻⁴).
///
/// ```swift
/// FiniteDifferences.derivative(of: { x in x * x }, at: 3.0)           // ≈ 6
/// FiniteDifferences.gradient(of: { x in x[0] * x[1] }, at: [2.0, 5.0]) // ≈ [5, 2]
/// ```
public enum FiniteDifferences {
    /// The central-difference step for an entry of magnitude |x|: ∛ε · max(1, |x|).
    ///
    /// - Complexity: O(1).
    @inlinable
    public static func step<T: BinaryFloatingPoint & DifferentiableScalar>(at x: T) -> T {
        T.cbrt(T.ulpOfOne) * Swift.max(1, Swift.abs(x))
    }

    /// The derivative f′(x) of a scalar function, by one central difference.
    ///
    /// - Parameters:
    ///   - f: a function ℝ → ℝ, smooth near `x`.
    ///   - x: the point.
    /// - Returns: (f(x + h) - f(x - h)) / ((x + h) - (x - h)) with h = `step(at: x)`.
    /// - Complexity: two evaluations of `f`.
    @inlinable
    public static func derivative<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: (T) -> T, at x: T
    ) -> T {
        let h = step(at: x)
        let up = x + h, down = x - h
        return (f(up) - f(down)) / (up - down)
    }

    /// The gradient ∇f(x) of a function ℝⁿ → ℝ, one central difference per entry.
    ///
    /// Entry i is (f(x + hᵢeᵢ) - f(x - hᵢeᵢ)) / 2hᵢ with hᵢ = `step(at: x[i])`. `f`
    /// receives a private copy of `x` with one entry moved; the caller's array is never
    /// changed.
    ///
    /// - Parameters:
    ///   - f: a function ℝⁿ → ℝ, smooth near `x`.
    ///   - x: the point; may be empty (the gradient is then empty and `f` is not called).
    /// - Returns: an array of `x.count` partial derivatives.
    /// - Complexity: 2n evaluations of `f` for n = `x.count`, so O(n²) time for a function
    ///   that reads all its input; one copy of `x` in memory.
    @inlinable
    public static func gradient<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: ([T]) -> T, at x: [T]
    ) -> [T] {
        var probe = x
        var result = [T](repeating: 0, count: x.count)
        for i in x.indices {
            let xi = x[i]
            let h = step(at: xi)
            let up = xi + h, down = xi - h
            probe[i] = up
            let fUp = f(probe)
            probe[i] = down
            let fDown = f(probe)
            probe[i] = xi
            result[i] = (fUp - fDown) / (up - down)
        }
        return result
    }

    /// The Jacobian ∂fᵢ/∂xⱼ of a function ℝⁿ → ℝᵐ, one central difference per column.
    ///
    /// - Parameters:
    ///   - f: a function ℝⁿ → ℝᵐ that returns m values for every input near `x`.
    ///   - x: the point.
    /// - Returns: m rows of n entries: `result[i][j]` ≈ ∂fᵢ/∂xⱼ. With n = 0 the rows are
    ///   empty (f is called once, to learn m).
    /// - Complexity: 2n + 1 evaluations of `f` and O(mn) memory for the result.
    /// - Precondition: every evaluation returns the same number of values as f(x);
    ///   otherwise the call stops with a message naming both lengths and the entry.
    @inlinable
    public static func jacobian<T: BinaryFloatingPoint & DifferentiableScalar>(
        of f: ([T]) -> [T], at x: [T]
    ) -> [[T]] {
        let m = f(x).count
        var rows = [[T]](repeating: [T](repeating: 0, count: x.count), count: m)
        var probe = x
        for j in x.indices {
            let xj = x[j]
            let h = step(at: xj)
            let up = xj + h, down = xj - h
            probe[j] = up
            let fUp = f(probe)
            probe[j] = down
            let fDown = f(probe)
            probe[j] = xj
            if fUp.count != m || fDown.count != m {
                finiteDifferencesLengthChanged(expected: m, got: fUp.count != m ? fUp.count : fDown.count,
                                               entry: j)
            }
            let width = up - down
            for i in 0..<m { rows[i][j] = (fUp[i] - fDown[i]) / width }
        }
        return rows
    }
}

/// Stops a Jacobian whose function changed its output length between evaluations: the
/// columns could not be assembled into a matrix.
@usableFromInline @inline(never)
func finiteDifferencesLengthChanged(expected: Int, got: Int, entry: Int) -> Never {
    fatalError("""
        Wengert: FiniteDifferences.jacobian: the function returned \(expected) values at the \
        input point but \(got) when entry \(entry) was moved; a Jacobian needs the same number \
        of outputs at every point near the input.
        """)
}

// Custom derivative rules: the user knows a function's value and partials (a special
// function, a solver's sensitivity, a numerically stable formula) and records them as
// one entry, as Stan's `precomputed_gradients` and Adept's `add_derivative_dependence`.
// An n-ary rule becomes a chain of n - 1 binary entries: t₁ = (x₀, x₁), tᵢ = (tᵢ₋₁, xᵢ)
// with partial 1 on the chain, so the sweep stays one uniform loop.

extension Var {
    /// A function of one variable given by its value and derivative, recorded as one
    /// entry: the result's adjoint flows to `x` times `partial`.
    ///
    /// ```swift
    /// // Γ(x), with ψ(x)Γ(x) as its derivative, from your own special-function code:
    /// let y = Var.custom(value: gamma(x.value), x, partial: digamma(x.value) * gamma(x.value))
    /// ```
    ///
    /// A recording with custom rules cannot be replayed (the tape cannot re-run them).
    ///
    /// - Complexity: O(1); one entry.
    @inlinable
    public static func custom(value: T, _ x: Var, partial: T) -> Var {
        if x.slot == 0 { return Var(constant: value) }
        let h = checkedHeader(x)
        h.pointee.customCount += 1
        return appendUnary(h, value, .custom, x.slot, partial)
    }

    /// A function of two variables given by its value and partials ∂/∂x and ∂/∂y,
    /// recorded as one entry.
    ///
    /// - Complexity: O(1); one entry.
    @inlinable
    public static func custom(value: T, _ x: Var, _ dx: T, _ y: Var, _ dy: T) -> Var {
        if x.slot == 0 && y.slot == 0 { return Var(constant: value) }
        let h = x.slot == 0 ? checkedHeader(y) : (y.slot == 0 ? checkedHeader(x) : checkedHeader(x, y))
        h.pointee.customCount += 1
        return append(h, value, .custom, x.slot, x.slot == 0 ? 0 : dx, y.slot, y.slot == 0 ? 0 : dy)
    }

    /// A function of n variables given by its value and its partials, recorded as a
    /// chain of n - 1 entries (one for n ≤ 2). Constant operands are skipped.
    ///
    /// - Complexity: O(n); at most n - 1 entries, one allocation-free pass.
    @inlinable
    public static func custom(value: T, operands: [(variable: Var, partial: T)]) -> Var {
        var first: Int? = nil
        for (k, o) in operands.enumerated() where o.variable.slot != 0 {
            first = k
            break
        }
        guard let start = first else { return Var(constant: value) }
        var acc = operands[start]
        var recorded = false
        var result = Var(constant: value)
        for o in operands[(start + 1)...] where o.variable.slot != 0 {
            result = custom(value: value, acc.variable, acc.partial, o.variable, o.partial)
            acc = (result, 1)
            recorded = true
        }
        if !recorded { result = custom(value: value, acc.variable, partial: acc.partial) }
        return result
    }
}

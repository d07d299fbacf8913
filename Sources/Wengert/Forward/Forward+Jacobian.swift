// Jacobians and Jacobian-vector products of vector functions by forward mode: each sweep
// gives as many columns of J as it carries lanes.

extension Forward {
    /// The Jacobian J = ∂f/∂x of f: Rⁿ → Rᵐ, as m rows of n partial derivatives, by chunked
    /// forward mode with 8 lanes.
    ///
    /// ```swift
    /// func polar<T: DifferentiableScalar>(_ p: [T]) -> [T] { [p[0] * cos(p[1]), p[0] * sin(p[1])] }
    /// Forward.jacobian(of: polar, at: [2.0, 0.5])   // [[cos .5, -2 sin .5], [sin .5, 2 cos .5]]
    /// ```
    ///
    /// - Complexity: ⌈n / 8⌉ evaluations of `f` on 8-lane duals; O(mn) memory for the
    ///   result. Stops with a message when `x` is empty, when `f` returns a different
    ///   number of outputs on different sweeps, or when it mixes in duals of an enclosing
    ///   derivative call.
    @inlinable
    public static func jacobian<T>(of f: ([MultiDual<SIMD8<T>>]) -> [MultiDual<SIMD8<T>>], at x: [T]) -> [[T]]
    where T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar {
        jacobian(of: f, at: x, chunk: SIMD8<T>.self)
    }

    /// The Jacobian of f: Rⁿ → Rᵐ, as m rows of n, by chunked forward mode with the lanes
    /// of `chunk`.
    ///
    /// - Complexity: ⌈n / `Lanes.scalarCount`⌉ evaluations of `f` on multi-lane duals.
    @inlinable
    public static func jacobian<Lanes: SIMD>(
        of f: ([MultiDual<Lanes>]) -> [MultiDual<Lanes>], at x: [Lanes.Scalar], chunk: Lanes.Type
    ) -> [[Lanes.Scalar]] where Lanes.Scalar: DifferentiableScalar & BinaryFloatingPoint {
        let n = x.count
        if n == 0 { forwardEmptyInput("Forward.jacobian(of:at:)") }
        let tag = PerturbationTag.fresh()
        var inputs = x.map { MultiDual<Lanes>($0, partials: Lanes(), tag: tag) }
        var rows: [[Lanes.Scalar]] = []
        var start = 0
        while start < n {
            let width = Swift.min(Lanes.scalarCount, n - start)
            for k in 0..<width { inputs[start + k].partials[k] = 1 }
            let y = f(inputs)
            if start == 0 {
                rows = Array(repeating: Array(repeating: 0, count: n), count: y.count)
            } else if y.count != rows.count {
                forwardOutputCountChanged("Forward.jacobian(of:at:)", first: rows.count, now: y.count, sweepStart: start)
            }
            for i in y.indices {
                tag.checkResult(y[i].tag, of: "Forward.jacobian(of:at:)")
                for k in 0..<width { rows[i][start + k] = y[i].partials[k] }
            }
            for k in 0..<width { inputs[start + k].partials[k] = 0 }
            start += width
        }
        return rows
    }

    /// The value f(x) and the Jacobian-vector product J·v of f: Rⁿ → Rᵐ, from one forward
    /// sweep on single-lane duals seeded with v.
    ///
    /// ```swift
    /// let (y, t) = Forward.jvp(of: polar, at: [2.0, 0.5], along: [1, 0])   // t = ∂f/∂r
    /// ```
    ///
    /// - Parameters:
    ///   - f: the function, on `Dual<T>` or generic over `DifferentiableScalar`.
    ///   - x: the point.
    ///   - v: the direction; it must have as many entries as `x`.
    /// - Returns: f(x) and J·v, both with m entries.
    /// - Complexity: one evaluation of `f` on duals. Stops with a message naming both
    ///   lengths when `v.count != x.count`, when `x` is empty, or when `f` mixes in duals of
    ///   an enclosing derivative call.
    @inlinable
    public static func jvp<T: DifferentiableScalar>(
        of f: ([Dual<T>]) -> [Dual<T>], at x: [T], along v: [T]
    ) -> (value: [T], tangent: [T]) {
        if x.isEmpty { forwardEmptyInput("Forward.jvp(of:at:along:)") }
        if v.count != x.count { forwardDirectionLength("Forward.jvp(of:at:along:)", point: x.count, direction: v.count) }
        let tag = PerturbationTag.fresh()
        var inputs: [Dual<T>] = []
        inputs.reserveCapacity(x.count)
        for i in x.indices { inputs.append(Dual(x[i], derivative: v[i], tag: tag)) }
        let y = f(inputs)
        var value: [T] = []
        var tangent: [T] = []
        value.reserveCapacity(y.count)
        tangent.reserveCapacity(y.count)
        for yi in y {
            tag.checkResult(yi.tag, of: "Forward.jvp(of:at:along:)")
            value.append(yi.value)
            tangent.append(yi.derivative)
        }
        return (value, tangent)
    }
}

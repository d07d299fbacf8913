// Gradients by chunked forward mode: ⌈n / chunk⌉ sweeps, each carrying `chunk` partial
// derivatives in a SIMD vector (Revels, Lubin & Papamarkou 2016).

/// Forward-mode differentiation of functions of several variables.
///
/// Write the function once, generic over `DifferentiableScalar`, and pass it by name:
///
/// ```swift
/// func rosenbrock<T: DifferentiableScalar>(_ x: [T]) -> T { … }
/// Forward.gradient(of: rosenbrock, at: [0.5, 0.6, 0.7])
/// Forward.gradient(of: rosenbrock, at: x, chunk: SIMD4<Double>.self)   // 4 lanes
/// ```
///
/// The closure type fixes the lane type (`MultiDual<SIMD8<Double>>` by default), so the
/// generic function is specialised for it. A gradient of n inputs takes ⌈n / chunk⌉
/// sweeps, each a few times the cost of f (see `gradient(of:at:chunk:)`), against a
/// small constant for reverse mode (`gradient(of:at:)`): forward mode wins for few
/// inputs, for many outputs (`jacobian`, `jvp`), and where no tape may be kept.
///
/// See <doc:Modes>.
public enum Forward {}

extension Forward {
    /// The gradient ∇f(x) of f: Rⁿ → R, by chunked forward mode with 8 lanes.
    ///
    /// - Parameters:
    ///   - f: the function, on `MultiDual<SIMD8<T>>` or generic over `DifferentiableScalar`.
    ///   - x: the point; it must not be empty.
    /// - Returns: the n partial derivatives ∂f/∂xᵢ.
    /// - Complexity: ⌈n / 8⌉ evaluations of `f` on 8-lane duals, and O(n) memory for the
    ///   inputs. Stops with a message when `x` is empty, or when `f` mixes in duals of an
    ///   enclosing derivative call.
    @inlinable
    public static func gradient<T>(of f: ([MultiDual<SIMD8<T>>]) -> MultiDual<SIMD8<T>>, at x: [T]) -> [T]
    where T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar {
        valueWithGradient(of: f, at: x, chunk: SIMD8<T>.self).gradient
    }

    /// The gradient ∇f(x) of f: Rⁿ → R, by chunked forward mode with the lanes of `chunk`.
    ///
    /// ```swift
    /// Forward.gradient(of: rosenbrock, at: x, chunk: SIMD16<Double>.self)
    /// ```
    ///
    /// Wider chunks mean fewer sweeps (⌈n / lanes⌉) but more work per operation, since
    /// every operation updates all the lanes. Measured cost of a whole gradient in plain
    /// evaluations of f on `Double` (release build, default flags, so SSE2 vectors: two
    /// lanes per instruction; 2-core AMD EPYC):
    ///
    /// | f, n                             | 4 lanes  | 8 lanes | 16 lanes |
    /// |----------------------------------|----------|---------|----------|
    /// | sin/exp/sqrt/÷ sum, n = 8        | 5.0–5.7  | 2.7–4.3 | 4.3–6.9  |
    /// | sin/exp/sqrt/÷ sum, n = 64       | 38       | 25–27   | 21–24    |
    /// | sin/exp/sqrt/÷ sum, n = 512      | 280–304  | 186–207 | 165–180  |
    /// | Rosenbrock (only + - ×), n = 8   | 20–21    | 19–20   | 28       |
    /// | Rosenbrock (only + - ×), n = 512 | 857–1138 | 740–940 | 680–887  |
    ///
    /// (For n = 8 the Rosenbrock function itself takes about 10 ns, so the two arrays a
    /// gradient allocates dominate.)
    ///
    /// A sweep costs about 3 evaluations where f is dominated by elementary functions
    /// (they are computed once per sweep for all lanes) and about 11 where f is bare
    /// arithmetic (every × becomes two 8-lane products). 8 lanes is the best width for
    /// small n, where forward mode is the right tool, and within 15 % of 16 lanes for
    /// large n, where reverse mode (`gradient(of:at:)`) is usually cheaper anyway.
    ///
    /// - Complexity: ⌈n / `Lanes.scalarCount`⌉ evaluations of `f` on multi-lane duals.
    @inlinable
    public static func gradient<Lanes: SIMD>(
        of f: ([MultiDual<Lanes>]) -> MultiDual<Lanes>, at x: [Lanes.Scalar], chunk: Lanes.Type
    ) -> [Lanes.Scalar] where Lanes.Scalar: DifferentiableScalar & BinaryFloatingPoint {
        valueWithGradient(of: f, at: x, chunk: chunk).gradient
    }

    /// The value f(x) and the gradient ∇f(x) of f: Rⁿ → R, by chunked forward mode with
    /// 8 lanes.
    ///
    /// - Complexity: ⌈n / 8⌉ evaluations of `f` on 8-lane duals.
    @inlinable
    public static func valueWithGradient<T>(
        of f: ([MultiDual<SIMD8<T>>]) -> MultiDual<SIMD8<T>>, at x: [T]
    ) -> (value: T, gradient: [T]) where T: DifferentiableScalar & BinaryFloatingPoint & SIMDScalar {
        valueWithGradient(of: f, at: x, chunk: SIMD8<T>.self)
    }

    /// The value f(x) and the gradient ∇f(x) of f: Rⁿ → R, by chunked forward mode with
    /// the lanes of `chunk`.
    ///
    /// Sweep k seeds the inputs k·L ..< (k + 1)·L (L lanes) with the columns of the
    /// identity and reads those L partial derivatives off the result; every sweep computes
    /// the same value, which is returned from the first.
    ///
    /// - Complexity: ⌈n / `Lanes.scalarCount`⌉ evaluations of `f` on multi-lane duals.
    ///   Stops with a message when `x` is empty, or when `f` mixes in duals of an
    ///   enclosing derivative call.
    @inlinable
    public static func valueWithGradient<Lanes: SIMD>(
        of f: ([MultiDual<Lanes>]) -> MultiDual<Lanes>, at x: [Lanes.Scalar], chunk: Lanes.Type
    ) -> (value: Lanes.Scalar, gradient: [Lanes.Scalar]) where Lanes.Scalar: DifferentiableScalar & BinaryFloatingPoint {
        let n = x.count
        if n == 0 { forwardEmptyInput("Forward.gradient(of:at:)") }
        let tag = PerturbationTag.fresh()
        var inputs = x.map { MultiDual<Lanes>($0, partials: Lanes(), tag: tag) }
        var gradient = [Lanes.Scalar](repeating: 0, count: n)
        var value: Lanes.Scalar = 0
        var start = 0
        while start < n {
            let width = Swift.min(Lanes.scalarCount, n - start)
            for k in 0..<width { inputs[start + k].partials[k] = 1 }
            let y = f(inputs)
            tag.checkResult(y.tag, of: "Forward.gradient(of:at:)")
            if start == 0 { value = y.value }
            for k in 0..<width {
                gradient[start + k] = y.partials[k]
                inputs[start + k].partials[k] = 0
            }
            start += width
        }
        return (value, gradient)
    }
}

// The adjoint method (Pontryagin; Chen et al. 2018, "Neural Ordinary Differential
// Equations", appendix B), as one custom operation on the recording. Its input is y0 and
// the parameters flattened into one vector, its output the flattened states at every
// requested time. Its backward solves the augmented system
//
//     d/dt [y, a, g] = [f(y, t, θ), -aᵀ·∂f/∂y, -aᵀ·∂f/∂θ]
//
// from the last time to the first, one interval at a time, adding each time's incoming
// cotangent to a; at the first time a = ∂L/∂y0 and g = ∂L/∂θ. Nothing per step is kept,
// so memory does not grow with the number of steps (torchdiffeq's odeint_adjoint).

/// What the adjoint's forward and backward share; made per `odeint` call.
///
/// `@unchecked Sendable`: `CustomFunction` asks for sendable closures, but the forward
/// runs inside `odeint` and the backward inside the backward pass of its result, on the
/// thread that runs them; the context is never used by two threads at once.
@usableFromInline
final class ODEAdjointContext<Scalar: TensorScalar>: @unchecked Sendable {
    @usableFromInline let dynamics: (Tensor<Scalar>, Scalar, [Tensor<Scalar>]) -> Tensor<Scalar>
    @usableFromInline let parameters: [Tensor<Scalar>]
    @usableFromInline let times: [Scalar]
    @usableFromInline let method: ODEMethod<Scalar>
    @usableFromInline let relativeTolerance: Scalar
    @usableFromInline let absoluteTolerance: Scalar
    @usableFromInline let maximumSteps: Int
    @usableFromInline let statistics: ODEStatistics?
    @usableFromInline let stateShape: [Int]
    /// The forward solution, flattened: what the custom operation returns.
    @usableFromInline var solution: Tensor<Scalar>
    /// y at the last time, where the backward solve starts.
    @usableFromInline var finalState: Tensor<Scalar>

    @inlinable init(
        dynamics: @escaping (Tensor<Scalar>, Scalar, [Tensor<Scalar>]) -> Tensor<Scalar>, parameters: [Tensor<Scalar>],
        times: [Scalar], method: ODEMethod<Scalar>, relativeTolerance: Scalar, absoluteTolerance: Scalar,
        maximumSteps: Int, statistics: ODEStatistics?, states: [Tensor<Scalar>]
    ) {
        self.dynamics = dynamics
        self.parameters = parameters
        self.times = times
        self.method = method
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maximumSteps = maximumSteps
        self.statistics = statistics
        self.stateShape = states[0].shape
        self.finalState = states[states.count - 1]
        var flat = [Scalar]()
        flat.reserveCapacity(states.count * states[0].scalarCount)
        for s in states { flat.append(contentsOf: s.scalars) }
        self.solution = Tensor(uncheckedStorage: flat, shape: [flat.count], device: states[0].placement)
    }

    /// ∂L/∂[y0, θ] (flattened) from ∂L/∂(flattened states), by the backward solve.
    @inlinable func backward(_ upstream: Tensor<Scalar>) -> Tensor<Scalar> {
        let n = finalState.scalarCount
        let parameterCount = parameters.reduce(0) { $0 + $1.scalarCount }
        let g = upstream.scalars
        let recording = TensorRecording<Scalar>()
        let shape = stateShape, parameters = self.parameters, dynamics = self.dynamics
        let placement = finalState.placement
        var integrator = ODEIntegrator<Scalar>(
            method: method, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
            maximumSteps: maximumSteps
        ) { z, t in
            let y = Tensor(uncheckedStorage: Array(z.scalars[0..<n]), shape: shape, device: placement)
            let a = Tensor(uncheckedStorage: Array(z.scalars[n..<(2 * n)]), shape: shape, device: placement)
            let (f, vy, vp) = recording.odeVectorJacobianProduct(y, parameters, cotangent: a) { y, p in dynamics(y, t, p) }
            var out = [Scalar]()
            out.reserveCapacity(z.scalarCount)
            out.append(contentsOf: f.scalars)
            if let vy { out.append(contentsOf: vy.scalars.lazy.map { -$0 }) } else { out.append(contentsOf: repeatElement(0, count: n)) }
            for (k, v) in vp.enumerated() {
                if let v { out.append(contentsOf: v.scalars.lazy.map { -$0 }) } else { out.append(contentsOf: repeatElement(0, count: parameters[k].scalarCount)) }
            }
            return Tensor(uncheckedStorage: out, shape: [out.count], device: placement)
        }
        var y = finalState.scalars
        let last = times.count - 1
        var a = Array(g[(last * n)..<((last + 1) * n)])
        var gp = [Scalar](repeating: 0, count: parameterCount)
        for i in stride(from: last, to: 0, by: -1) {
            let z = Tensor(uncheckedStorage: y + a + gp, shape: [2 * n + parameterCount], device: placement)
            let end: Tensor<Scalar>
            do {
                end = try integrator.solve(z, times: [times[i], times[i - 1]])[1]
            } catch {
                wengertODEInvalid("the adjoint's backward solve failed: \(error)")
            }
            let s = end.scalars
            y = Array(s[0..<n])
            a = Array(s[n..<(2 * n)])
            gp = Array(s[(2 * n)...])
            let start = (i - 1) * n
            for j in 0..<n { a[j] += g[start + j] }
        }
        statistics?.recordAdjoint(
            evaluations: integrator.evaluations, steps: integrator.acceptedSteps, rejected: integrator.rejectedSteps)
        return Tensor(uncheckedStorage: a + gp, shape: [n + parameterCount], device: placement)
    }
}

/// The states at `times` as one recorded custom operation whose backward is the
/// adjoint solve; `states` is the forward solution already computed.
@inlinable
func odeAdjointResult<Scalar: TensorScalar>(
    y0: Tensor<Scalar>, parameters: [Tensor<Scalar>], context: ODEAdjointContext<Scalar>
) -> Tensor<Scalar> {
    var flatInputs = [y0.reshaped(to: [y0.scalarCount])]
    for p in parameters { flatInputs.append(p.reshaped(to: [p.scalarCount])) }
    let packed = Tensor(concatenating: flatInputs, alongAxis: 0)
    let operation = CustomFunction<Scalar>(
        forward: { _ in context.solution },
        backward: { _, upstream in context.backward(upstream) })
    return operation(packed).reshaped(to: [context.times.count] + context.stateShape)
}

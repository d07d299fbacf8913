import Testing
@testable import Wengert

/// Dot products in the shapes the sweep's loop over a run's interior must handle: a
/// long run, operands that repeat (x[j] == y[j], one Var in several terms), a constant
/// among the operands (the run breaks and resumes), an empty dot, an accumulator that is
/// not the latest entry, a first term whose operand is its own accumulator, and a dot's
/// result used twice.
func dotShapes<T: DifferentiableScalar>(_ x: [T]) -> T {
    let n = x.count / 2
    let a = Array(x[..<n]), b = Array(x[n...])
    let long = dot(a, b)
    let squares = dot(a, a)
    let repeated = dot([x[1], x[1], x[2], x[1]], [x[3], x[1], x[1], x[0]], adding: long)
    let withConstant = dot([a[0], a[1], T(2.5), a[2], a[3], a[4]], [b[0], b[1], a[2], b[2], b[3], b[4]],
                           adding: squares)
    let older = exp(repeated)                         // `long` is no longer the latest entry
    let fromOlder = dot(Array(a[1...]), Array(b[1...]), adding: long)
    let empty = dot([T](), [T](), adding: fromOlder)
    let selfFirst = dot([empty, b[0], b[1]], [empty, a[0], a[1]], adding: empty)
    return sin(selfFirst) * withConstant + older * long
}

/// The same function as running sums of `multiplyAdd`, term by term.
func dotShapesByLoop<T: DifferentiableScalar>(_ x: [T]) -> T {
    func loop(_ u: [T], _ v: [T], adding z: T) -> T {
        var s = z
        for j in 0..<u.count { s = multiplyAdd(u[j], v[j], s) }
        return s
    }
    let n = x.count / 2
    let a = Array(x[..<n]), b = Array(x[n...])
    let long = loop(Array(a.dropFirst()), Array(b.dropFirst()), adding: a[0] * b[0])
    let squares = loop(Array(a.dropFirst()), Array(a.dropFirst()), adding: a[0] * a[0])
    let repeated = loop([x[1], x[1], x[2], x[1]], [x[3], x[1], x[1], x[0]], adding: long)
    let withConstant = loop([a[0], a[1], T(2.5), a[2], a[3], a[4]], [b[0], b[1], a[2], b[2], b[3], b[4]],
                            adding: squares)
    let older = exp(repeated)
    let fromOlder = loop(Array(a[1...]), Array(b[1...]), adding: long)
    let selfFirst = loop([fromOlder, b[0], b[1]], [fromOlder, a[0], a[1]], adding: fromOlder)
    return sin(selfFirst) * withConstant + older * long
}

/// Dot products over many exponentials and sines: enough batched functions for the
/// vectorised replay's schedule to pay, so that its ordered C loop evaluates the runs.
func dotsOfElementaryFunctions<T: DifferentiableScalar>(_ x: [T]) -> T {
    let e = x.map { exp($0) }, s = x.map { sin($0) }
    let d1 = dot(e, x)
    let d2 = dot(s, e, adding: d1)
    return log(1 + d2 * d2) + dot(x, x, adding: d2)
}

@Suite("dot: the sweep runs a run's interior as one loop, with the loop's bits", .tags(.reverseMode))
struct ReverseDotSweepTests {
    static let point: [Double] = (0..<24).map { Double(($0 * 7) % 11) * 0.13 - 0.6 }

    @Test func gradientsHaveTheBitsOfTheMultiplyAddLoop() {
        let x = Self.point
        #expect(dotShapes(x).bitPattern == dotShapesByLoop(x).bitPattern)
        // The clearing sweep of the convenience functions.
        #expect(sameBits(gradient(of: dotShapes, at: x), gradient(of: dotShapesByLoop, at: x)))
        #expect(sameBits(gradient(of: dotShapes, at: x), gradient(of: dotShapesByLoop, at: x)))
        // The sweep that keeps every adjoint, from the output and from an intermediate.
        let dotted = Tape<Double>(), looped = Tape<Double>()
        let u = dotted.variables(x), v = looped.variables(x)
        let y = dotShapes(u), z = dotShapesByLoop(v)
        #expect(dotted.entryCount == looped.entryCount)
        #expect(sameBits(dotted.gradient(of: y)[u], looped.gradient(of: z)[v]))
        let n = x.count / 2
        let p = dot(Array(u[..<n]), Array(u[n...]))
        let expected = (0..<x.count).map { 0.75 * ($0 < n ? x[$0 + n] : x[$0 - n]) }
        #expect(sameBits(dotted.gradient(of: p, seed: 0.75)[u], expected))
        // Second order (Var<Dual>) and forward mode agree too.
        let w = (0..<x.count).map { Double($0 % 3) - 1 }
        #expect(hessianVectorProduct(of: dotShapes, at: x, along: w)
                == hessianVectorProduct(of: dotShapesByLoop, at: x, along: w))
        #expect(close(gradient(of: dotShapes, at: x), Forward.gradient(of: dotShapes, at: x)))
    }

    @Test func finiteDifferencesAgree() {
        let check = gradientCheck(of: dotShapes, at: Self.point)
        #expect(check.passed, "\(check)")
    }

    @Test("replay recomputes a run's interior at new inputs, exactly and vectorised",
          arguments: [ReplayElementaryFunctions.exact, .vectorized])
    func replayAtNewInputs(_ mode: ReplayElementaryFunctions) {
        let x = Self.point.map { 1.3 - $0 * 0.7 }
        let tape = Tape<Double>()
        tape.replayElementaryFunctions = mode
        let u = tape.variables(Self.point)
        let y = dotShapes(u)
        tape.replay(at: x)
        let fresh = valueWithGradient(of: dotShapes, at: x)
        // No schedule pays on so few elementary functions: both modes run the exact interpreter.
        #expect(tape.value(of: y).bitPattern == fresh.value.bitPattern)
        #expect(sameBits(tape.gradient(of: y)[u], fresh.gradient))
        expectReplayMatchesFreshRecording(of: dotShapes, recordedAt: Self.point, at: x)
    }

    @Test func aZeroPartialPassesNothingFromAnInfiniteAdjoint() {
        // sqrt at 0 sends an infinite adjoint into the run; the terms with a zero factor
        // pass nothing (0 · ∞ = 0), as the loop's entries do.
        let f = { (x: [Var<Double>]) in sqrt(dot(Array(x[..<4]), Array(x[4...]))) }
        let x: [Double] = [0, 1, 0, 2, 3, 0, 5, 0]
        let g = gradient(of: f, at: x)
        let byLoop = gradient(of: { x in
            var s = x[0] * x[4]
            for j in 1..<4 { s = multiplyAdd(x[j], x[4 + j], s) }
            return sqrt(s)
        }, at: x)
        #expect(sameBits(g, byLoop))
        #expect(g[1] == 0 && g[3] == 0 && g[0] == .infinity && g[2] == .infinity)
    }

    @Test func anomalyDetectionNamesTheTermsMultiplyAdd() throws {
        let error = #expect(throws: Anomaly.self) {
            try withAnomalyDetection {
                // The middle term overflows: an interior entry of the run.
                gradient(of: { x in dot(Array(x[..<3]), Array(x[3...]), adding: x[0] * x[3]) },
                         at: [1, 1e308, 3, 4, 1e308, 6])
            }
        }
        let anomaly = try #require(error)
        #expect(anomaly.phase == .forward && anomaly.operation == "multiplyAdd", "\(anomaly)")
    }

    @Test func theVectorisedScheduleAndFloatReplayRecomputeRuns() {
        let n = 64
        let recorded = (0..<n).map { sin(Double($0) * 0.37) * 0.8 }, x = recorded.map { 0.9 * $0 - 0.05 }
        let compiled = CompiledGradient(of: dotsOfElementaryFunctions, at: recorded, elementaryFunctions: .vectorized)
        let (value, g) = compiled.valueWithGradient(at: x)
        let fresh = valueWithGradient(of: dotsOfElementaryFunctions, at: x)
        #expect(compiled.tape.replaySchedule?.pays == true)
        #expect(Swift.abs(value - fresh.value) <= 1e-13 * Swift.max(1, Swift.abs(fresh.value)))
        #expect(close(g, fresh.gradient, tolerance: 1e-13))
        // Float through its own C loop, exactly.
        let xf = x.map { Float($0) }
        let exact = CompiledGradient(of: dotsOfElementaryFunctions, at: recorded.map { Float($0) })
        let (vf, gf) = exact.valueWithGradient(at: xf)
        let freshF = valueWithGradient(of: dotsOfElementaryFunctions, at: xf)
        #expect(vf.bitPattern == freshF.value.bitPattern)
        #expect(gf.map(\.bitPattern) == freshF.gradient.map(\.bitPattern))
    }
}

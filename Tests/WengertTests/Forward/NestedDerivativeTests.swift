import Testing
import Wengert

/// Higher derivatives by nesting, and the perturbation-confusion cases.
@Suite("Nested derivatives and perturbation confusion", .tags(.forwardMode))
struct NestedDerivativeTests {
    @Test("Second derivative by nesting: d/dx [d/dy (x·y²) at y = x] = d/dx 2x² = 4x")
    func secondDerivative() {
        let d2 = derivative(of: { x in derivative(of: { y in x * y * y }, at: x) }, at: 3.0)
        #expect(d2 == 12)
        // d²/dx² sin x = -sin x, and the value check of the inner level.
        let s = derivative(of: { x in derivative(of: { y in sin(y) }, at: x) }, at: 0.7)
        #expect(forwardClose(s, -sin(0.7)))
    }

    @Test("Third derivative by nesting three levels deep", arguments: [-1.5, 0.0, 2.0])
    func thirdDerivative(_ a: Double) {
        // f(x) = x⁴ + exp(2x): f‴(x) = 24x + 8 exp(2x).
        let d3 = derivative(of: { x in
            derivative(of: { y in
                derivative(of: { z in z * z * z * z + exp(2 * z) }, at: y)
            }, at: x)
        }, at: a)
        #expect(forwardClose(d3, 24 * a + 8 * exp(2 * a)))
    }

    @Test("Second derivatives through singular rules keep their higher-order part")
    func singularRuleSecondOrder() {
        // d²/dx² √(1 + x²) at 0 is 1; the first-order tangent is 0 there.
        let d2 = derivative(of: { x in derivative(of: { y in sqrt(1 + y * y) }, at: x) }, at: 0.0)
        #expect(d2 == 1)
    }

    @Test("The classic confusion example, as Swift types it, traps with a message about nesting")
    func classicConfusionTraps() async {
        // With the inner call at T = Double (the homogeneous `x + y` on Dual<Double>),
        // both perturbations would share one Dual<Double>: untagged, this would return 2.
        // The tags stop it instead. (Written without the annotation, the expression no
        // longer type-checks since derivative(of:at:) also takes array-valued closures:
        // "ambiguous use of operator '+'".)
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = derivative(of: { x in x * derivative(of: { (y: Dual<Double>) in x + y }, at: 1) }, at: 1.0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("perturbation confusion: an operation combined duals of two different derivative computations"))
        #expect(message.contains("Make the inner call at a value of the outer type"))
    }

    @Test("The same example nested by type, as the message advises, gives 1")
    func confusionNestedByType() {
        let d = derivative(of: { x in x * derivative(of: { y in x + y }, at: Dual(1.0)) }, at: 1.0)
        #expect(d == 1)
        // With the inner call at the outer variable: d/dx [x · d/dy (x·y)|y=x] = d/dx x² = 2x.
        let e = derivative(of: { x in x * derivative(of: { y in x * y }, at: x) }, at: 1.5)
        #expect(e == 3)
    }

    @Test("Forcing both levels onto Dual<Double> traps with a message about nesting")
    func confusionTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let inner: (Dual<Double>) -> Double = { x in
                derivative(of: { (y: Dual<Double>) -> Dual<Double> in x + y }, at: 1.0)
            }
            _ = derivative(of: { x in x * Dual(inner(x)) }, at: 1.0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("perturbation confusion"))
        #expect(message.contains("Dual<Dual<Double>>"))
    }

    @Test("A closure returning an outer dual untouched traps instead of answering 1")
    func escapedOuterDualTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = derivative(of: { x in
                Dual(derivative(of: { (_: Dual<Double>) -> Dual<Double> in x }, at: 1.0))
            }, at: 1.0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("returned a dual of another derivative computation"))
    }

    @Test("valueWithDerivative returns both parts")
    func valueWithDerivativeParts() {
        let (v, d) = valueWithDerivative(of: { x in exp(x) }, at: 1.0)
        #expect(v == exp(1.0) && d == exp(1.0))
    }
}

/// Tags come from one atomic counter, so derivative calls on many threads at once never
/// share a tag and never trap.
@Suite("Forward mode across concurrent tasks", .tags(.forwardMode))
struct ForwardConcurrencyTests {
    @Test("Concurrent nested derivatives are all correct")
    func concurrentDerivatives() async {
        let results = await withTaskGroup(of: (Double, Double).self) { group in
            for i in 0..<64 {
                group.addTask {
                    let a = Double(i) / 16
                    let d2 = derivative(of: { x in derivative(of: { y in y * y * y }, at: x) }, at: a)
                    return (a, d2)
                }
            }
            var all: [(Double, Double)] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64)
        for (a, d2) in results { #expect(forwardClose(d2, 6 * a)) }
    }

    @Test("Fresh tags are distinct and never untagged")
    func freshTagsAreDistinct() {
        let tags = (0..<1000).map { _ in PerturbationTag.fresh() }
        #expect(Set(tags).count == 1000 && !tags.contains(.untagged))
    }
}

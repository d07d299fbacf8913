import Testing
import Wengert
@testable import WengertExamples

/// The tutorials of `wengert-examples`, run in a short configuration with their figures
/// checked, so an example that stops converging (or stops compiling) fails here.
@Suite("Examples")
struct ExampleTests {
    @Test("sin-cubic: gradients by hand and by autograd give the same fit, and it improves")
    func sinCubicShort() {
        let fit = sinCubic(Double.self, steps: 300, log: { _ in })
        #expect(fit.lossesByHand.count == 3 && fit.lossesByAutograd.count == 3)
        for i in 0..<4 {
            #expect(Swift.abs(fit.byHand[i] - fit.byAutograd[i]) <= 1e-12 * Swift.max(1, Swift.abs(fit.byHand[i])),
                    "coefficient \(i): \(fit.byHand) vs \(fit.byAutograd)")
        }
        for (h, a) in zip(fit.lossesByHand, fit.lossesByAutograd) { #expect(Swift.abs(h - a) <= 1e-9 * h) }
        #expect(fit.lossesByHand[2] < fit.lossesByHand[0], "\(fit.lossesByHand)")
        // The fit heads for sin x ≈ x - x³/6 on [-π, π]: b > 0 and d < 0 once it has moved.
        #expect(fit.byAutograd[1] > 0 && fit.byAutograd[3] < 0, "\(fit.byAutograd)")
        let float = sinCubic(Float.self, steps: 100, log: { _ in })
        #expect(Swift.abs(Double(float.lossesByAutograd[0]) - Double(sinCubic(Double.self, steps: 100, log: { _ in }).lossesByAutograd[0]))
                <= 1e-3 * Double(float.lossesByAutograd[0]))
    }

    @Test("legendre: the CustomFunction's backward trains the model, loss falling")
    func legendreShort() {
        let run = legendre(steps: 300, log: { _ in })
        #expect(run.losses.count == 3)
        #expect(run.losses[2] < run.losses[0], "\(run.losses)")
        // P3's hand-written derivative agrees with autograd through the same polynomial.
        let x = Tensor<Float>([-0.7, 0.2, 0.9]).requiringGradient()
        legendreP3(x).sum().backward()
        let y = Tensor<Float>([-0.7, 0.2, 0.9]).requiringGradient()
        (0.5 * (5 * y * y * y - 3 * y)).sum().backward()
        for (a, b) in zip(x.grad!.scalars, y.grad!.scalars) { #expect(Swift.abs(a - b) <= 1e-5, "\(x.grad!) vs \(y.grad!)") }
    }

    @Test("mlp: Adam on the two crescents lowers the loss and classifies better than chance")
    func mlpShort() {
        let figures = mlp(steps: 90, log: { _ in })
        #expect(figures.map(\.step) == [30, 60, 90])
        #expect(figures[2].loss < figures[0].loss, "\(figures)")
        #expect(figures[2].loss < 0.6932, "\(figures)")   // below ln 2, the untrained loss
        #expect(figures[2].accuracy > 75, "\(figures)")
    }
}

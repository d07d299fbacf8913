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

/// The two seed loops added with issue 14, and the grad_fn names the seeds print.
@Suite("Seed examples")
struct SeedExampleTests {
    @Test("per-sample: w heads to 2; the prediction at 4 goes from 4 to about 8")
    func perSampleLoop() {
        var lines: [String] = []
        let run = perSample(epochs: 100, log: { lines.append($0) })
        #expect(run.before == 4)
        #expect(Swift.abs(run.after - 8) < 1e-3 && Swift.abs(run.w - 2) < 1e-3, "\(run)")
        #expect(run.losses.count == 100 && run.losses[99] < run.losses[0])
        // The first gradient: d/dw (w·1 - 2)² at w = 1 is 2·(1 - 2)·1 = -2.
        #expect(lines[1] == "\tgrad: 1.0 2.0 -2.000000", "\(lines.prefix(3))")
        #expect(lines.filter { $0.hasPrefix("\tgrad:") }.count == 300)
    }

    @Test("two-by-two: -0.25, accumulated to -0.5, zeroed, -0.25 again")
    func twoByTwoAccumulation() {
        let lines = twoByTwo()
        let expected: [Float] = [-0.25, -0.5, 0, -0.25]
        for (line, value) in zip(lines, expected) {
            #expect(line.w == Array(repeating: value, count: 4) && line.b == Array(repeating: value, count: 4), "\(line)")
        }
    }

    @Test("grad_fn names as the seeds print them: MeanBackward, PowBackward")
    func gradientFunctionNames() {
        let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
        #expect(x.mean().gradientFunctionName == "MeanBackward")
        #expect(x.mean(alongAxes: 0).gradientFunctionName == "MeanBackward")
        #expect(x.squared().gradientFunctionName == "PowBackward")
        #expect("\(x.mean())".hasSuffix("grad_fn MeanBackward"))
        // The mean's gradient is 1/n per scalar, along all axes or some.
        ((x + 2) * (x + 2) * 3).mean().backward()
        #expect(x.grad!.scalars == [4.5, 4.5, 4.5, 4.5])
        let y = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).requiringGradient()
        #expect(gradientCheck(of: { $0.mean(alongAxes: 1).squared().sum() }, at: y).passed)
        #expect(Tensor<Float>(zeros: [0]).mean().scalar.isNaN)
    }
}

/// `--plot FILE`'s SVG writer: a well-formed document with one polyline per line series.
@Suite("Example plots")
struct ExamplePlotTests {
    @Test func svgHasTheSeriesAndLabels() {
        let svg = svgDocument([
            PlotPanel(
                title: "loss", xLabel: "epoch", yLabel: "loss",
                series: [PlotSeries(name: "loss", points: [(1, 4), (2, 1), (3, 0.25)], color: "#1f77b4")], logY: true),
            PlotPanel(
                title: "fit", xLabel: "x", yLabel: "y",
                series: [
                    PlotSeries(name: "data", points: [(0, 0), (1, 1)], color: "#999", dots: true),
                    PlotSeries(name: "fit <a&b>", points: [(0, 0.1), (1, 0.9)], color: "#d62728"),
                ]),
        ])
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"640\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.components(separatedBy: "<circle").count == 3)
        #expect(svg.contains("fit &lt;a&amp;b>") && svg.contains("loss (log)"))
    }
}

import Testing
import Wengert
@testable import WengertExamples

/// `wengert-examples neural-ode` in a short configuration: the training lowers the
/// loss with both gradient modes, counts evaluations, and the SVG has both panels.
@Suite("Neural ODE example", .tags(.ode))
struct NeuralODEExampleTests {
    @Test(arguments: [ODEGradient.adjoint, .backpropagation])
    func shortTrainingLowersTheLoss(gradient: ODEGradient) {
        var configuration = SpiralConfiguration()
        configuration.iterations = 40
        configuration.batchSize = 8
        configuration.learningRate = 0.01  // a short run needs a larger step to show progress
        configuration.printEvery = 40
        configuration.gradient = gradient
        let result = trainSpiral(configuration)
        #expect(result.batchLosses.count == 40)
        let first = result.batchLosses.prefix(5).reduce(0, +), last = result.batchLosses.suffix(5).reduce(0, +)
        #expect(last < 0.7 * first, "batch loss went from \(first / 5) to \(last / 5)")
        #expect(result.forwardEvaluations.allSatisfy { $0 >= 8 })
        if gradient == .adjoint {
            #expect(result.adjointEvaluations.allSatisfy { $0 > 0 })
        } else {
            #expect(result.adjointEvaluations.allSatisfy { $0 == 0 })
        }
        #expect(result.trueTrajectory.count == 2000 && result.learnedTrajectory.count == 2000)
        // The true spiral starts at (2, 0) and decays towards the origin.
        #expect(result.trueTrajectory[0] == 2 && abs(result.trueTrajectory[1998]) < 1)
        let svg = spiralSVG(result, title: "test")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count == 4)  // true, learned, loss
    }
}

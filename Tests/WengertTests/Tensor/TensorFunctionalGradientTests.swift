import Testing
import Wengert

/// `gradients(of:withRespectTo:)`, the functional backward (PyTorch's torch.autograd.grad).
@Suite("Tensor functional gradients", .tags(.tensor))
struct TensorFunctionalGradientTests {
    @Test func matchesBackwardAndLeavesGradUntouched() {
        let x = Tensor<Double>([0.5, -1, 2]).requiringGradient()
        let w = Tensor<Double>([3, 1, -2]).requiringGradient()
        let unrelated = Tensor<Double>(ones: [2, 2]).requiringGradient()
        let f = { (sin(x * w) + x.squared() * w).sum() }
        let found = gradients(of: f(), withRespectTo: [x, unrelated, w])
        #expect(x.grad == nil && w.grad == nil && unrelated.grad == nil)
        f().backward()
        #expect(found[0] == x.grad! && found[2] == w.grad!)
        #expect(found[1] == Tensor<Double>(zeros: [2, 2]))
    }

    @Test func withRespectToAnInteriorTensor() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let h = x * 3
        let y = (h.squared()).sum()
        let found = gradients(of: y, withRespectTo: [h, x])
        #expect(found[0].scalars == [6, 12])  // 2h
        #expect(found[1].scalars == [18, 36])  // 2h · 3
    }

    @Test func retainingGraphAllowsASecondCallAndSeedsScale() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        let y = x * x
        let first = gradients(of: y, withRespectTo: [x], seed: Tensor([1, 1]), retainingGraph: true)[0]
        let second = gradients(of: y, withRespectTo: [x], seed: Tensor([2, 0]))[0]
        #expect(first.scalars == [2, 4])
        #expect(second.scalars == [4, 0])
    }

    @Test func aLeafOutputAndALeafThatTwoJoinedRecordingsShare() {
        let x = Tensor<Double>([1, 2]).requiringGradient()
        #expect(gradients(of: x, withRespectTo: [x], seed: Tensor([1, 1]))[0].scalars == [1, 1])
        let a = (x * 2).sum()
        (x * 1).sum().backward()  // the next computation starts a new recording
        let b = (x * 5).sum()
        let g = gradients(of: a * b, withRespectTo: [x])[0]  // x has an entry in each part
        let expected: Double = 2 * 15 + 5 * 6  // d(a·b) = 2b + 5a per scalar
        #expect(g.scalars == [expected, expected])
    }

    @Test func afterAFreeingCallItStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Double>([1, 2]).requiringGradient()
            let y = (x * x).sum()
            _ = gradients(of: y, withRespectTo: [x])
            _ = gradients(of: y, withRespectTo: [x])
        }
        #expect(standardError(of: result).contains("gradients(of:withRespectTo:) through a recording that an earlier"))
    }
}

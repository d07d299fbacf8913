import Testing
import Wengert

@Suite("GradientCheckReport")
struct GradientCheckReportTests {
    func report(_ pairs: [(Double, Double)], atol: Double = 1e-5, rtol: Double = 1e-3) -> GradientCheckReport {
        GradientCheckReport(subject: "gradient", absoluteTolerance: atol, relativeTolerance: rtol,
                            comparisons: pairs.enumerated().map { ($0.offset, .reverse, $0.element.0, $0.element.1) })
    }

    @Test func withinToleranceIsAPass() {
        let r = report([(1.0, 1.0005), (0, 5e-6), (-3, -3)])
        #expect(r.passed)
        #expect(r.failures.isEmpty)
        #expect(Swift.abs(r.maxAbsoluteError - 5e-4) < 1e-12)
        #expect(r.worstIndex == 1)  // 5e-6 of an allowed 1e-5 is closer to the edge than 5e-4 of 1e-3
        #expect(r.description.hasPrefix("gradient check passed"))
    }

    @Test func outsideToleranceFailsAndPointsAtTheWorstEntry() {
        let r = report([(1.0, 1.0), (2.0, 3.0), (5.0, 5.01)])
        #expect(!r.passed)
        #expect(r.worstIndex == 1)
        #expect(r.maxAbsoluteError == 1)
        #expect(Swift.abs(r.maxRelativeError - 1.0 / 3) < 1e-12)
        #expect(r.failures.map(\.index) == [1, 2])
        let text = r.description
        #expect(text.hasPrefix("gradient check FAILED: 2 of 3 entries"), "\(text)")
        #expect(text.contains("index  mode"), "\(text)")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[2].contains("reverse") && lines[2].contains("2.0") && lines[2].contains("3.0") && lines[2].hasSuffix("✗"))
    }

    @Test func nanNeverPassesAndEqualInfinitiesDo() {
        #expect(!report([(.nan, .nan)]).passed)
        #expect(!report([(1, .nan)]).passed)
        #expect(!report([(.infinity, 1e300)]).passed)
        #expect(report([(.infinity, .infinity)]).passed)
        #expect(!report([(.infinity, -.infinity)]).passed)
        #expect(report([(.nan, 1)]).maxAbsoluteError == .infinity)
    }

    @Test func emptyReportPasses() {
        let r = report([])
        #expect(r.passed && r.worstIndex == nil && r.maxAbsoluteError == 0)
    }
}

@Suite("GradientCheckReport formatting")
struct GradientCheckReportFormattingTests {
    @Test func tinyAndHugeNumbersPrintInScientificNotation() {
        let r = GradientCheckReport(subject: "gradient", absoluteTolerance: 1e-5, relativeTolerance: 1e-3,
                                    comparisons: [(0, .forward, 3.6914915568786455e-14, 0),
                                                  (1, .reverse, 2.5e9, 2.5e9)])
        let text = r.description
        #expect(text.contains("3.691e-14"), "\(text)")
        #expect(text.contains("2.5e9"), "\(text)")
    }
}

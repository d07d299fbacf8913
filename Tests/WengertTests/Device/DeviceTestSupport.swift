import Testing
import Wengert

/// Whether an OpenCL device exists here; tests that need one are enabled by it and,
/// when it is false, print `Device.openCLUnavailableReason` as their skip reason.
let openCLAvailable = Device.openCL != nil

/// The skip message for OpenCL tests.
let openCLSkipReason = Comment(
    rawValue: "no OpenCL device: \(Device.openCLUnavailableReason ?? "none listed") (CI installs PoCL: .ci/run)")

/// The OpenCL backend of `Device.openCL`.
func openCLBackend() throws -> any Backend {
    try #require(Device.openCL).makeBackend()
}

/// Deterministic test data in [lower, upper).
func testScalars<S: TensorScalar>(_ count: Int, seed: UInt64, lower: S = -0.95, upper: S = 0.95) -> [S] {
    Tensor<S>(randomUniform: [count], lower: lower, upper: upper, seed: seed).scalars
}

/// Whether `a` and `b` agree position by position within `relative` (of the larger
/// magnitude) plus `absolute`; NaN matches NaN and equal infinities match.
func agree<S: TensorScalar>(_ a: [S], _ b: [S], relative: S, absolute: S = 0) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        if x.isNaN && y.isNaN { continue }
        if x == y { continue }
        if !(Swift.abs(x - y) <= absolute + relative * Swift.max(Swift.abs(x), Swift.abs(y))) { return false }
    }
    return true
}

/// The first position where `a` and `b` disagree, for failure messages.
func firstDisagreement<S: TensorScalar>(_ a: [S], _ b: [S], relative: S, absolute: S = 0) -> String {
    if a.count != b.count { return "counts \(a.count) and \(b.count)" }
    for (i, (x, y)) in zip(a, b).enumerated()
    where !(x.isNaN && y.isNaN) && x != y && !(Swift.abs(x - y) <= absolute + relative * Swift.max(Swift.abs(x), Swift.abs(y))) {
        return "position \(i): \(x) vs \(y)"
    }
    return "none"
}

/// Runs `work` on the CPU backend and on the OpenCL backend and expects the same scalars.
func expectSameOnBothBackends<S: TensorScalar>(
    _: S.Type, relative: S, absolute: S = 0, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ work: (any Backend) throws -> [S]
) throws {
    let cpu = try work(CPUBackend())
    let gpu = try work(try openCLBackend())
    // A Bool, not the call: #expect would print both arrays in full.
    let same = agree(cpu, gpu, relative: relative, absolute: absolute)
    #expect(same, "\(label) (\(S.self)): \(firstDisagreement(cpu, gpu, relative: relative, absolute: absolute))",
            sourceLocation: sourceLocation)
}

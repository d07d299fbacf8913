/// A deterministic, well-scaled input: values in [lower, upper] from a fixed sequence.
func deterministicInput(count: Int, lower: Double = -1, upper: Double = 1, seed: UInt64 = 42) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in lower + (upper - lower) * rng.nextUnit() }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so that inputs and
/// check directions are the same on every run and every machine.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

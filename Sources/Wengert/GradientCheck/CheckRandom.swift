// A small seeded generator for the verification suite (Steele, Lea & Flood 2014,
// SplitMix64). Checks must be reproducible from one printed number, on every platform
// and toolchain, which `SystemRandomNumberGenerator` cannot promise.

/// A seeded pseudo-random generator (SplitMix64): the same seed gives the same stream
/// on every platform, so a failing random check is reproduced from its seed alone.
///
/// ```swift
/// var rng = CheckRandom(seed: 42)
/// let x = Double.random(in: -1...1, using: &rng)
/// ```
///
/// - Complexity: O(1) per number, 8 bytes of state. Not for cryptography.
@frozen
public struct CheckRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A generator whose stream is determined by `seed`.
    @inlinable public init(seed: UInt64) { state = seed }

    /// The next 64 pseudo-random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import CWengert

/// The settings of the CPU kernels behind `Tensor<Float>` and `Tensor<Double>`: which
/// instruction set they use and how many threads split large work.
///
/// The kernels are compiled for AVX-512F, for AVX2 + FMA and portably, and choose the best
/// the CPU has once per process (lower when the `WENGERT_KERNEL_LEVEL` environment
/// variable says `avx2` or `portable`). Large matrix products and elementwise passes are
/// split across a small persistent thread pool of `WENGERT_THREADS` threads (default: the
/// online CPUs); small work stays on the calling thread.
public enum CPUKernels {
    /// An instruction-set level of the kernels.
    public enum Level: Int, Sendable, CaseIterable, CustomStringConvertible {
        /// Plain C the compiler vectorises for the baseline x86-64 (SSE2) or other CPUs.
        case portable = 0
        /// 256-bit AVX2 with fused multiply-add.
        case avx2 = 1
        /// 512-bit AVX-512F.
        case avx512 = 2

        /// The level's name as `WENGERT_KERNEL_LEVEL` spells it.
        public var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }
    }

    /// The best level this CPU supports. - Complexity: O(1).
    public static var supportedLevel: Level { Level(rawValue: Int(wengert_kernel_level_supported())) ?? .portable }

    /// The level the kernels use on the calling thread. - Complexity: O(1).
    public static var level: Level { Level(rawValue: Int(wengert_kernel_level())) ?? .portable }

    /// Runs `body` with the calling thread's kernels at `level` (capped at
    /// ``supportedLevel``), then restores the previous level. Other threads are not
    /// affected, and work the pool splits runs at the caller's level. For tests and
    /// measurements of each code path on one machine.
    /// - Complexity: O(1) besides `body`.
    public static func withLevel<R, E: Error>(_ level: Level, _ body: () throws(E) -> R) throws(E) -> R {
        let previous = wengert_set_thread_kernel_level(Int32(level.rawValue))
        defer { _ = wengert_set_thread_kernel_level(previous) }
        return try body()
    }

    /// The number of threads (the caller included) that large kernels are split across.
    /// Setting it to 0 or less restores the default (`WENGERT_THREADS`, else the online
    /// CPUs); at most 64. - Complexity: O(1); the pool starts threads on first need.
    public static var threadCount: Int {
        get { Int(wengert_thread_count()) }
        set { _ = wengert_set_thread_count(Int32(clamping: newValue)) }
    }
}

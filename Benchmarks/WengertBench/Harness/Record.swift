/// One measured cell: a mode on a problem at a size.
struct Record: Codable, Sendable {
    enum Status: String, Codable, Sendable {
        /// Checked and timed.
        case ok
        /// The check before timing failed: no time is posted.
        case wrong
        /// The mode does not apply to this problem or size.
        case skipped
    }

    var problem: String
    var size: Int
    /// n, inputs.
    var inputs: Int
    /// m, outputs.
    var outputs: Int
    var mode: String
    var status: Status
    /// Why a cell is wrong or skipped.
    var note: String?
    /// The note of a cell whose mode does not apply to its problem.
    static let doesNotApply = "does not apply"
    /// Nanoseconds per call.
    var timing: TimingSummary?
    /// Median time over the plain function's median time, same problem and size.
    var ratioToPlain: Double?
    /// Minimum time over the plain function's minimum: steadier than the median ratio
    /// on a machine shared with other work, which inflates medians more than minimums.
    var minimumRatioToPlain: Double?
    var tapeEntries: Int?
    var tapeBytes: Int?
    /// Median nanoseconds per tape entry (time per call / entries).
    var nanosecondsPerEntry: Double?
    /// Tape bytes / entries.
    var bytesPerEntry: Double?
    /// Bytes read plus bytes written by one call, where the mode reports them.
    var bytesMoved: Int?
    /// bytesMoved over the median time per call, in 10⁹ bytes per second.
    var gigabytesPerSecond: Double?
    /// Floating-point operations of one call, where the mode reports them.
    var floatingPointOperations: Int?
    /// floatingPointOperations over the median time per call, in 10⁹ per second.
    var gigaflopsPerSecond: Double?
    /// Peak resident memory while this cell ran, above what was resident before it.
    var peakResidentGrowth: Int?
}

/// Everything a run produced: what `--json` writes.
struct BenchmarkReport: Codable, Sendable {
    struct ProblemInfo: Codable, Sendable { var name: String; var summary: String; var sizeMeaning: String }
    struct ModeInfo: Codable, Sendable { var name: String; var summary: String }

    var tool = "wengert-bench"
    var machine: MachineDescription
    /// Seconds of timing per cell.
    var budget: Double
    var quick: Bool
    var problems: [ProblemInfo]
    var modes: [ModeInfo]
    var records: [Record]
    /// Peak resident memory of the whole run.
    var peakResidentBytes: Int?
    /// Wall-clock seconds of the whole run.
    var wallSeconds: Double
    /// The issues' headline figures, derived from `records`.
    var derived: DerivedFigures
}

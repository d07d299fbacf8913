import Foundation

/// Runs the selected problems, sizes and modes, and collects one `Record` per cell.
struct Runner {
    var options: Options
    /// Where progress lines go (stderr by default); nil for none.
    var progress: ((String) -> Void)?

    /// The problems this run covers, in display order.
    var selectedProblems: [Problem] {
        options.problems.isEmpty ? Problem.all : Problem.all.filter { options.problems.contains($0.name) }
    }

    /// The modes this run covers, in display order, always starting with plain.
    var selectedModes: [Mode] {
        if options.modes.isEmpty { return Mode.all }
        return Mode.all.filter { $0.name == Mode.plain.name || options.modes.contains($0.name) }
    }

    /// The sizes of a problem in this run: a size below the problem's minimum is raised
    /// to it (so `--sizes 2` runs every problem at its smallest), duplicates dropped.
    func sizes(of problem: Problem) -> [Int] {
        let sizes = options.sizes ?? (options.quick ? problem.quickSizes : problem.defaultSizes)
        var seen = Set<Int>()
        return sizes.map { Swift.max($0, problem.minimumSize) }.filter { seen.insert($0).inserted }
    }

    func run() -> BenchmarkReport {
        let start = monotonicNanoseconds()
        var records: [Record] = []
        let problems = selectedProblems, modes = selectedModes
        let cells = problems.reduce(0) { $0 + sizes(of: $1).count } * modes.count
        var done = 0
        // VmHWM is reset before each cell, so the run's peak is the largest cell peak.
        var runPeak = ResidentMemory.peak()
        for problem in problems {
            for size in sizes(of: problem) {
                let objective = problem.make(size)
                var checker = ResultChecker(objective: objective)
                var plainMedian: Double?, plainMinimum: Double?
                for mode in modes {
                    done += 1
                    progress?("[\(done)/\(cells)] \(problem.name) \(problem.sizeMeaning)=\(size) \(mode.name)")
                    var record = Record(
                        problem: problem.name, size: size, inputs: objective.inputCount,
                        outputs: objective.outputCount, mode: mode.name, status: .skipped)
                    defer { records.append(record) }
                    // Preparing is cheap for the modes with a limit, and asking first keeps
                    // "does not apply" apart from "too large".
                    guard let prepared = mode.prepare(objective) else {
                        record.note = Record.doesNotApply
                        continue
                    }
                    guard objective.inputCount <= mode.maximumInputs else {
                        record.note = "n > \(mode.maximumInputs)"
                        continue
                    }
                    if let wrong = checker.problem(with: prepared.output(), exact: prepared.isExact, precision: prepared.precision) {
                        record.status = .wrong
                        record.note = wrong
                        continue
                    }
                    let before = ResidentMemory.current()
                    ResidentMemory.resetPeak()
                    let timing = measure(budget: options.effectiveBudget, minimumSamples: 3, prepared.run)
                    if let after = ResidentMemory.peak() {
                        runPeak = Swift.max(runPeak ?? 0, after)
                        if let before { record.peakResidentGrowth = Swift.max(0, after - before) }
                    }
                    record.status = .ok
                    record.timing = timing
                    if mode.name == Mode.plain.name { (plainMedian, plainMinimum) = (timing.median, timing.min) }
                    if let plainMedian, plainMedian > 0 { record.ratioToPlain = timing.median / plainMedian }
                    if let plainMinimum, plainMinimum > 0 { record.minimumRatioToPlain = timing.min / plainMinimum }
                    record.tapeEntries = prepared.tapeEntries
                    record.tapeBytes = prepared.tapeBytes
                    if let bytes = prepared.bytesMoved, timing.median > 0 {
                        record.bytesMoved = bytes
                        record.gigabytesPerSecond = Double(bytes) / timing.median
                    }
                    if let operations = prepared.floatingPointOperations, timing.median > 0 {
                        record.floatingPointOperations = operations
                        record.gigaflopsPerSecond = Double(operations) / timing.median
                    }
                    if let entries = prepared.tapeEntries, entries > 0 {
                        record.nanosecondsPerEntry = timing.median / Double(entries)
                        if let bytes = prepared.tapeBytes { record.bytesPerEntry = Double(bytes) / Double(entries) }
                    }
                }
            }
        }
        let problemInfo = problems.map { BenchmarkReport.ProblemInfo(name: $0.name, summary: $0.summary, sizeMeaning: $0.sizeMeaning) }
        return BenchmarkReport(
            machine: .current(), budget: options.effectiveBudget, quick: options.quick,
            problems: problemInfo,
            modes: modes.map { .init(name: $0.name, summary: $0.summary) },
            records: records, peakResidentBytes: runPeak,
            wallSeconds: Double(monotonicNanoseconds() - start) / 1e9, derived: DerivedFigures(records: records, problems: problemInfo))
    }
}

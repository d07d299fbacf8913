import Foundation
import Wengert

/// The wengert-bench command: parses options, runs, prints, writes files.
enum BenchCommand {
    /// Runs the command line `arguments` (without the program name) and returns the exit
    /// status: 0 success, 1 a mode failed its check, 2 a bad command line, 3 a file could
    /// not be written.
    static func main(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try Options(arguments: arguments)
        } catch {
            printError("wengert-bench: \(error.description)")
            return 2
        }
        if options.help {
            print(Options.usage)
            return 0
        }
        if options.list {
            print(listing())
            return 0
        }
        if let count = options.randomPrograms {
            return checkRandomPrograms(count: count, firstSeed: options.firstSeed)
        }
        if let scale = options.neuralODEMemoryScale {
            let (bytes, steps) = NeuralODEBenchmark.peakMemoryOfThisProcess(
                scale: scale, gradient: options.neuralODEMemoryAdjoint ? .adjoint : .backpropagation)
            guard let bytes else { return 3 }
            print("\(bytes) \(steps)")
            return 0
        }
        if let threads = options.threads { CPUKernels.threadCount = threads }
        if options.neuralODE {
            let (text, agreed) = NeuralODEBenchmark.report(
                iterations: options.quick ? 5 : 40, scales: options.quick ? [1, 10] : [1, 10, 100])
            print(text)
            return agreed ? 0 : 1
        }
        if options.hessianVectorProduct {
            let (text, agreed) = HessianVectorProductBench.report(iterations: options.quick ? 5 : 40)
            print(text)
            return agreed ? 0 : 1
        }
        if !options.devices.isEmpty {
            return DeviceBench.run(devices: options.devices, quick: options.quick, budget: options.budget)
        }
        var runner = Runner(options: options)
        // On a terminal the progress line rewrites itself; in a log, one line per cell.
        let terminal = isatty(STDERR_FILENO) != 0
        if !options.quiet {
            runner.progress = { line in
                if terminal { printError("\r\u{1B}[K" + line, terminator: "") } else { printError(line) }
            }
        }
        let report = runner.run()
        if !options.quiet {
            if terminal { printError("\r\u{1B}[K", terminator: "") }
            print(report.table())
            print("time/call: median; /plain: median over the plain function's median; spread: half the")
            print("interquartile range over the median; memory or rate: tape bytes, growth of peak resident memory,")
            print("or bytes read plus written per second (bandwidth).")
            print()
            print(report.summary())
        }
        do {
            if let path = options.jsonPath { try report.jsonData().write(to: URL(fileURLWithPath: path)) }
            if let path = options.svgPath { try Data(report.svg().utf8).write(to: URL(fileURLWithPath: path)) }
        } catch {
            printError("wengert-bench: could not write output: \(error.localizedDescription)")
            return 3
        }
        return report.records.contains { $0.status == .wrong } ? 1 : 0
    }

    /// `--random-programs N`: the verification suite's random-program check, at a scale
    /// `swift test` cannot afford. Exit status 1 when any program fails.
    static func checkRandomPrograms(count: Int, firstSeed: UInt64) -> Int32 {
        let start = ContinuousClock.now
        let summary = RandomProgram.checkMany(count: count, firstSeed: firstSeed)
        let elapsed = ContinuousClock.now - start
        print(summary)
        print("seeds \(firstSeed) to \(firstSeed &+ UInt64(summary.checked) &- 1), \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        return summary.passed ? 0 : 1
    }

    /// The text of `--list`.
    static func listing() -> String {
        let problems = Problem.all.map { p in
            [p.name, p.sizeMeaning + " = " + p.defaultSizes.map(String.init).joined(separator: ","), p.summary]
        }
        let modes = Mode.all.map { m in
            [m.name, m.maximumInputs == .max ? "" : "n <= \(m.maximumInputs)", m.summary]
        }
        return "PROBLEMS\n" + Format.table(header: ["name", "default sizes", "function"], rows: problems, leftAligned: 3)
            + "\n\nMODES\n" + Format.table(header: ["name", "limit", "what"], rows: modes, leftAligned: 3)
    }

    static func printError(_ s: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((s + terminator).utf8))
    }
}

extension BenchmarkReport {
    /// The report as pretty-printed JSON with sorted keys.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}

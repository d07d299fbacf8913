import Foundation
import Testing
@testable import WengertBench

@Suite("wengert-bench harness")
struct HarnessTests {
    /// A run small enough for a debug test: the smallest size of every problem, every mode.
    static func tinyReport() throws -> BenchmarkReport {
        let options = try Options(arguments: ["--quick", "--budget", "0.0005", "--sizes", "2", "--quiet"])
        return Runner(options: options).run()
    }

    @Test("the JSON of a tiny run holds every declared problem and mode, all checked")
    func jsonHoldsEverything() throws {
        let data = try Self.tinyReport().jsonData()
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let machine = try #require(root["machine"] as? [String: Any])
        for key in ["cpu", "cores", "operatingSystem", "swiftVersion", "date", "buildConfiguration"] {
            #expect(machine[key] != nil, "machine.\(key) missing")
        }
        let problems = try #require(root["problems"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        let modes = try #require(root["modes"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(problems == Problem.all.map(\.name))
        #expect(modes == Mode.all.map(\.name))
        let records = try #require(root["records"] as? [[String: Any]])
        for problem in Problem.all {
            for mode in Mode.all {
                let cell = records.first { $0["problem"] as? String == problem.name && $0["mode"] as? String == mode.name }
                #expect(cell != nil, "no record for \(problem.name) × \(mode.name)")
                #expect(cell?["status"] as? String != "wrong", "\(problem.name) × \(mode.name): \(cell?["note"] ?? "")")
            }
        }
        // Every plain cell is timed, and its ratio to itself is 1.
        for r in records where r["mode"] as? String == "plain" {
            #expect(r["status"] as? String == "ok")
            #expect(r["ratioToPlain"] as? Double == 1)
            #expect(r["minimumRatioToPlain"] as? Double == 1)
        }
        // The issues' figures are in the JSON, ready-made.
        let derived = try #require(root["derived"] as? [String: Any])
        let dual = try #require(derived["dualOverPlainOnElementary"] as? [[String: Any]])
        #expect(dual.first?["size"] as? Int == 2)
        #expect((dual.first?["value"] as? Double ?? 0) > 0)
        // Issue 4's figures: a + b against memcpy, and the whole loops and steps.
        let bandwidth = try #require(derived["bandwidth"] as? [[String: Any]])
        #expect(bandwidth.first?["size"] as? Int == 2)
        #expect((bandwidth.first?["kernelGigabytesPerSecond"] as? Double ?? 0) > 0)
        #expect((bandwidth.first?["copyGigabytesPerSecond"] as? Double ?? 0) > 0)
        let whole = try #require(derived["wholeRuns"] as? [[String: Any]])
        for (problem, mode) in [("seed-linear-regression", "autograd"), ("seed-sin-cubic", "autograd"),
                                ("seed-linear-regression", "plain"), ("mlp-784-256-10", "train-step")] {
            #expect(whole.contains { $0["problem"] as? String == problem && $0["mode"] as? String == mode },
                    "no whole-run figure for \(problem) × \(mode)")
        }
        // Issue 16's SGEMM rates, over the median call and over the fastest one.
        for key in ["matrixProduct", "matrixProductBest"] {
            let points = try #require(derived[key] as? [[String: Any]], "derived.\(key) missing")
            #expect(points.first?["size"] as? Int == 2)
            #expect((points.first?["value"] as? Double ?? 0) > 0, "derived.\(key) holds no rate")
        }
        // The same bytes decode back into the report type.
        let decoded = try JSONDecoder().decode(BenchmarkReport.self, from: data)
        #expect(decoded.records.count == records.count)
    }

    @Test("the table and the SVG name every problem")
    func textOutputs() throws {
        let report = try Self.tinyReport()
        let table = report.table(), svg = report.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for problem in Problem.all {
            #expect(table.contains(problem.name))
            #expect(svg.contains(">\(problem.name)<"))
        }
        #expect(!table.contains("WRONG"))
        let summary = report.summary()
        #expect(summary.contains("SGEMM on ") && summary.contains("s=2 ") && summary.contains(" GFLOP/s (best "))
    }

    @Test("a wrong mode is caught before it is timed")
    func wrongModeIsNotTimed() {
        let objective = Problem.rosenbrock.make(5)
        var checker = ResultChecker(objective: objective)
        guard case .scalar(let f) = objective else { Issue.record("rosenbrock is scalar"); return }
        let right = FiniteDifferencesTests.rosenbrockGradient(f.input)
        #expect(checker.problem(with: .gradient(right), exact: true) == nil)
        var wrong = right
        wrong[2] += 1e-3
        #expect(checker.problem(with: .gradient(wrong), exact: true) != nil)
        #expect(checker.problem(with: .gradient([1, 2]), exact: true)?.contains("2 entries, expected 5") == true)
    }

    @Test("the seeds' loops: the Double reference gives the seed's figures, and a wrong loop is caught")
    func seedLoops() throws {
        let loop = SeedLinearRegression(epochs: 5_000)
        let reference = loop.reference()
        for (computed, printed) in zip(reference, [5.3671, -17.3012, 2.927647]) {
            #expect(abs(computed - printed) <= 1e-4 * abs(printed), "\(reference)")
        }
        #expect(loop.check(reference) == nil)
        var checker = ResultChecker(objective: Problem.seedLinearRegression.make(3))
        let short = SeedLinearRegression(epochs: 3)
        #expect(checker.problem(with: .trained(short.handWritten().map { Double($0) }), exact: true) == nil)
        #expect(checker.problem(with: .trained(short.autograd().map { Double($0) }), exact: true) == nil)
        var wrong = short.reference()
        wrong[1] += 1e-2
        #expect(checker.problem(with: .trained(wrong), exact: true) != nil)
    }

    @Test("bandwidth: a + b and the copy are checked entry by entry")
    func bandwidthChecks() {
        let f = StreamObjective(count: 5)
        #expect(f.bytesMoved == 60)
        #expect(f.checkCopy() != nil)
        f.copy()
        #expect(f.checkCopy() == nil)
        #expect(f.checkSum(zip(f.a, f.b).map { $0 + $1 }) == nil)
        #expect(f.checkSum(f.a) != nil)
    }

    @Test("bad command lines are refused with a message naming the argument",
          arguments: [
            (["--problem", "nope"], "no problem named 'nope'"),
            (["--modes", "plain,teleport"], "no mode named 'teleport'"),
            (["--sizes", "10,x"], "'x' is not a positive integer"),
            (["--sizes", "0"], "'0' is not a positive integer"),
            (["--budget", "-1"], "'-1' is not a positive number"),
            (["--json"], "--json needs a value"),
            (["--frobnicate"], "unknown argument '--frobnicate'"),
            (["--random-programs", "0"], "'0' is not a positive integer"),
            (["--first-seed", "-3"], "'-3' is not a seed"),
          ])
    func badArguments(arguments: [String], message: String) {
        #expect(throws: UsageError.self) { try Options(arguments: arguments) }
        do {
            _ = try Options(arguments: arguments)
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("exit statuses: 0 for --list and --help, 2 for a bad command line")
    func exitStatuses() {
        #expect(BenchCommand.main(["--list"]) == 0)
        #expect(BenchCommand.main(["--help"]) == 0)
        #expect(BenchCommand.main(["--problem", "nope"]) == 2)
        #expect(BenchCommand.listing().contains("rosenbrock"))
        #expect(BenchCommand.listing().contains("n <= 2000"))
    }

    @Test("--random-programs checks programs in every mode and exits 0 when all agree")
    func randomProgramsCommand() throws {
        let options = try Options(arguments: ["--random-programs", "1_000", "--first-seed", "7"])
        #expect(options.randomPrograms == 1000)
        #expect(options.firstSeed == 7)
        #expect(BenchCommand.main(["--random-programs", "50", "--first-seed", "7"]) == 0)
    }

    @Test("sizes accept 1e6 and 1_000_000; plain always runs")
    func sizesAndModes() throws {
        let options = try Options(arguments: ["--sizes", "1e6,1_000,7", "--modes", "finite-diff"])
        #expect(options.sizes == [1_000_000, 1_000, 7])
        #expect(Runner(options: options).selectedModes.map(\.name) == ["plain", "finite-diff"])
        // Rosenbrock needs n >= 2: a size of 1 is raised to 2, once.
        let small = Runner(options: try Options(arguments: ["--sizes", "1,2,5"]))
        #expect(small.sizes(of: .rosenbrock) == [2, 5])
    }

    @Test("timing summary statistics", arguments: [[1.0, 2, 3, 4, 5], [5.0, 1, 4, 2, 3]])
    func statistics(sample: [Double]) {
        let s = TimingSummary(perCall: sample, callsPerSample: 1)
        #expect(s.median == 3 && s.min == 1 && s.max == 5 && s.q1 == 2 && s.q3 == 4)
        #expect(abs(s.relativeSpread - 2.0 / 3) < 1e-12)
    }

    @Test("units are chosen per value")
    func formatting() {
        #expect(Format.duration(nanoseconds: 812) == "812 ns")
        #expect(Format.duration(nanoseconds: 3_410) == "3.41 µs")
        #expect(Format.duration(nanoseconds: 12_000_000) == "12.0 ms")
        #expect(Format.bytes(3 * 1024 * 1024) == "3.00 MiB")
        #expect(Format.ratio(1.834) == "1.83x")
        #expect(Format.ratio(181.2) == "181x")
    }
}

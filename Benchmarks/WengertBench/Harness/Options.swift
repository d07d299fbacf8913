import Foundation

/// The command line of wengert-bench, parsed.
struct Options: Equatable, Sendable {
    var problems: [String] = []
    var sizes: [Int]? = nil
    var modes: [String] = []
    var quick = false
    /// Seconds of timing per cell; nil for the default of the run kind.
    var budget: Double? = nil
    var jsonPath: String? = nil
    var svgPath: String? = nil
    var list = false
    var help = false
    /// No table or progress (for tests).
    var quiet = false
    /// When set, check this many random programs in every mode instead of timing.
    var randomPrograms: Int? = nil
    /// The seed of the first random program.
    var firstSeed: UInt64 = 0
    /// When set, time the neural-ode training iteration instead of the suite.
    var neuralODE = false
    /// When set, time a tensor Hessian-vector product against a gradient instead.
    var hessianVectorProduct = false
    /// When set (internal, used by --neural-ode): print the peak memory of three
    /// iterations at this interval scale and gradient mode, then exit.
    var neuralODEMemoryScale: Double? = nil
    /// The gradient mode of `--neural-ode-memory`: adjoint (true) or backpropagation.
    var neuralODEMemoryAdjoint = true
    /// Threads for the tensor kernels; nil leaves WENGERT_THREADS or the online CPUs.
    var threads: Int? = nil
    /// When set, time the backend operations on these devices ("cpu", "opencl")
    /// instead of the problem suite.
    var devices: [String] = []

    /// Seconds of timing per (problem, size, mode) cell.
    var effectiveBudget: Double { budget ?? (quick ? 0.004 : 0.15) }

    static let usage = """
        USAGE: wengert-bench [options]

        Times every differentiation mode of Wengert on a suite of problems and prints a
        table of time per call and ratio to the plain function. The default run takes about
        a minute on two cores; --quick takes a few seconds.

        OPTIONS:
          --list                 List problems and modes, then exit.
          --problem NAME[,NAME]  Run only these problems (repeatable).
          --sizes N[,N...]       Sizes to run, replacing each problem's defaults (a size
                                 below a problem's smallest is raised to it).
          --modes NAME[,NAME]    Run only these modes; plain always runs (ratios need it).
          --quick                A smoke run of a few seconds (small sizes, short budget).
          --budget SECONDS       Timing per cell (default 0.15, quick 0.004).
          --json FILE            Write every figure and the machine description as JSON.
          --svg FILE             Write scaling curves and ratio bars as an SVG chart.
          --quiet                Print nothing but errors.
          --random-programs N    Instead of timing: check N seeded random programs in every
                                 mode (forward, reverse, replay, forward over reverse,
                                 finite differences); print failures shrunk, exit 1 on any.
          --first-seed S         The seed of the first random program (default 0).
          --neural-ode           Instead of the suite: time one training iteration of the
                                 spiral Neural ODE (adjoint and backpropagation, Float and
                                 Double; evaluations) and peak memory at intervals 1, 10
                                 and 100 (with --quick: 5 iterations, intervals 1 and 10).
          --hvp                  Instead of the suite: time a tensor Hessian-vector product
                                 (reverse over reverse) against a gradient on the
                                 mlp-784-256-10 loss, alternately; print both and the ratio.
          --threads N            Threads the tensor kernels split large work across
                                 (default: WENGERT_THREADS, else the online CPUs).
                                 WENGERT_KERNEL_LEVEL=avx2 or portable forces a lower
                                 instruction set than the CPU's.
          --device NAME[,NAME]   Instead of the suite: time the Backend operations (matmul
                                 256² to 2048², elementwise, reductions) and whole tensor
                                 programs (mlp-784-256-10 step, seed loops) on these
                                 devices, cpu and/or opencl (the first OpenCL GPU, else
                                 device).
          --help                 Show this text.
        """

    /// Parses arguments (without the program name). Throws a message naming the bad
    /// argument.
    init(arguments: [String]) throws(UsageError) {
        var it = arguments.makeIterator()
        func value(for flag: String) throws(UsageError) -> String {
            guard let v = it.next(), !v.hasPrefix("--") else { throw UsageError("\(flag) needs a value") }
            return v
        }
        func list(_ s: String) -> [String] {
            s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        while let arg = it.next() {
            switch arg {
            case "--list": self.list = true
            case "--help", "-h": help = true
            case "--quick": quick = true
            case "--quiet": quiet = true
            case "--problem", "--problems": problems += list(try value(for: arg))
            case "--modes", "--mode": modes += list(try value(for: arg))
            case "--sizes":
                let raw = list(try value(for: arg))
                var parsed: [Int] = []
                for s in raw {
                    // Accept 1e6 and 1_000_000 as well as 1000000.
                    let cleaned = s.replacingOccurrences(of: "_", with: "")
                    if let n = Int(cleaned) ?? Double(cleaned).flatMap({ $0 == $0.rounded() && $0 < 1e15 ? Int($0) : nil }),
                       n > 0 {
                        parsed.append(n)
                    } else {
                        throw UsageError("--sizes: '\(s)' is not a positive integer")
                    }
                }
                if parsed.isEmpty { throw UsageError("--sizes needs at least one size") }
                sizes = parsed
            case "--budget":
                let s = try value(for: arg)
                guard let b = Double(s), b > 0, b.isFinite else {
                    throw UsageError("--budget: '\(s)' is not a positive number of seconds")
                }
                budget = b
            case "--random-programs":
                let s = try value(for: arg)
                guard let n = Int(s.replacingOccurrences(of: "_", with: "")), n > 0 else {
                    throw UsageError("--random-programs: '\(s)' is not a positive integer")
                }
                randomPrograms = n
            case "--first-seed":
                let s = try value(for: arg)
                guard let seed = UInt64(s) else { throw UsageError("--first-seed: '\(s)' is not a seed (0 to 2^64 - 1)") }
                firstSeed = seed
            case "--neural-ode": neuralODE = true
            case "--hvp": hessianVectorProduct = true
            case "--neural-ode-memory":
                let scale = try value(for: arg), mode = try value(for: arg)
                guard let s = Double(scale), s > 0, mode == "adjoint" || mode == "backpropagation" else {
                    throw UsageError("--neural-ode-memory needs a positive scale and adjoint or backpropagation")
                }
                neuralODEMemoryScale = s
                neuralODEMemoryAdjoint = mode == "adjoint"
            case "--threads":
                let s = try value(for: arg)
                guard let n = Int(s), n > 0, n <= 64 else { throw UsageError("--threads: '\(s)' is not a thread count (1 to 64)") }
                threads = n
            case "--device", "--devices":
                for name in list(try value(for: arg)) {
                    guard ["cpu", "opencl"].contains(name.lowercased()) else {
                        throw UsageError("--device: '\(name)' is not a device; devices: cpu, opencl")
                    }
                    devices.append(name.lowercased())
                }
            case "--json": jsonPath = try value(for: arg)
            case "--svg": svgPath = try value(for: arg)
            default: throw UsageError("unknown argument '\(arg)' (see --help)")
            }
        }
        for name in problems where Problem.named(name) == nil {
            throw UsageError("no problem named '\(name)'; problems: \(Problem.all.map(\.name).joined(separator: ", "))")
        }
        for name in modes where Mode.named(name) == nil {
            throw UsageError("no mode named '\(name)'; modes: \(Mode.all.map(\.name).joined(separator: ", "))")
        }
    }
}

/// A bad command line, with the message to print.
struct UsageError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

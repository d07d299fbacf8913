import CWengert
import Foundation
import Wengert

/// `wengert-bench --device cpu,opencl`: the Backend operations, and whole tensor programs
/// (an mlp training step, the seed loops), timed on each device, side by side. Every
/// sample is one operation followed by `synchronize()`, so an OpenCL row includes the
/// enqueue and the wait (the cost a caller that reads the result pays);
/// uploads and the first run (program build, arena warm-up) are outside the timing.
enum DeviceBench {
    /// One timed operation: what it is, its work for the rate column, and the closure.
    struct Row {
        var name: String
        var size: String
        /// Floating-point operations (matmul) or bytes moved (the rest) per call.
        var work: Double
        var isFlops: Bool
        var run: () throws -> Void
    }

    static func run(devices: [String], quick: Bool, budget: Double?) -> Int32 {
        let seconds = budget ?? (quick ? 0.02 : 0.5)
        var columns: [(String, [String: Timing])] = []  // device label, row key → seconds
        var notes: [String] = []
        var rowOrder: [(key: String, work: Double, isFlops: Bool)] = []
        for name in devices {
            let backend: any Backend
            do {
                if name == "opencl" {
                    guard let device = Device.openCL else {
                        print("opencl: no OpenCL device (\(Device.openCLUnavailableReason ?? "none listed")); skipped")
                        continue
                    }
                    backend = try device.makeBackend()
                } else {
                    backend = CPUBackend()
                }
            } catch {
                print("\(name): \(error)")
                return 1
            }
            do {
                var times: [String: Timing] = [:]
                for row in try rows(backend, quick: quick) + programs(on: backend.device, quick: quick) {
                    let key = "\(row.name) \(row.size)"
                    if !rowOrder.contains(where: { $0.key == key }) { rowOrder.append((key, row.work, row.isFlops)) }
                    try row.run()  // warm-up: program build, arena
                    try backend.synchronize()
                    times[key] = try timing(seconds: seconds) {
                        try row.run()
                        try backend.synchronize()
                    }
                }
                columns.append((backend.device.description, times))
                if let openCL = backend as? OpenCLBackend {
                    let properties = openCL.properties
                    notes.append("\(backend.name): \(properties.platform), \(properties.version), \(properties.computeUnits) compute units, \(properties.globalMemory >> 20) MiB; programs built in \(String(format: "%.3f", openCL.programBuildSeconds)) s this run (PoCL caches compiled kernels on disk, so a first run on a machine takes longer)")
                }
            } catch {
                print("\(backend.name): \(error)")
                return 1
            }
        }
        var header = ["operation"]
        for (label, _) in columns { header += ["\(label) time", "rate", "best rate"] }
        var table: [[String]] = []
        for row in rowOrder {
            var cells = [row.key]
            for (_, times) in columns {
                guard let t = times[row.key] else { cells += ["-", "-", "-"]; continue }
                func rateCell(_ seconds: Double) -> String {
                    let rate = row.work / seconds
                    return row.work == 0 ? "-" : row.isFlops ? String(format: "%.1f GFLOP/s", rate / 1e9) : String(format: "%.1f GB/s", rate / 1e9)
                }
                cells += [Format.duration(nanoseconds: t.median * 1e9), rateCell(t.median), rateCell(t.minimum)]
            }
            table.append(cells)
        }
        print(Format.table(header: header, rows: table, leftAligned: 1))
        print("time: median of runs of the operation plus synchronize(); rate: at that median, best rate: at the fastest run (steadier than the median when other programs share the cores); 2·s³ flops for matmul, the fused multiply-adds' flops for the peak (Float, the kernels' widest vectors, independent chains, on every kernel thread), bytes read plus written otherwise.")
        for note in notes { print(note) }
        return 0
    }

    /// The operations on `backend`, inputs uploaded.
    static func rows(_ backend: any Backend, quick: Bool) throws -> [Row] {
        var rows: [Row] = []
        if backend is CPUBackend {
            // What the cores can do at most, so the matmul rows read as a fraction of it.
            let threads = CPUKernels.threadCount, iterations = quick ? 10_000 : 100_000
            let flops = Double(wengert_fma_peak_flops_per_iteration() * iterations * threads)
            rows.append(Row(name: "multiply-add peak", size: "\(threads) thread\(threads == 1 ? "" : "s")", work: flops, isFlops: true) {
                _ = opaque(wengert_fma_peak(iterations, threads))
            })
        }
        // s × s products, 2·s³ flops each, of `data` converted to the row's scalar type.
        func matmulRows<S: TensorScalar>(_ name: String, sizes: [Int], _ scalar: (Float) -> S) throws {
            for s in sizes {
                let a = try backend.view(data(s * s, seed: 1).map(scalar), shape: [s, s])
                let b = try backend.view(data(s * s, seed: 2).map(scalar), shape: [s, s])
                let c = try backend.empty(S.self, shape: [s, s])
                rows.append(Row(name: name, size: "\(s)²", work: 2 * Double(s * s * s), isFlops: true) {
                    try backend.matmul(a, b, into: c, accumulate: false)
                })
            }
        }
        try matmulRows("matmul", sizes: quick ? [256] : [256, 512, 1024, 2048]) { $0 }
        if backend is CPUBackend {
            // Double products on the CPU (the tensor GMM's and ODEs' type), where the
            // multiply-add peak is half the Float one.
            try matmulRows("matmul Double", sizes: quick ? [256] : [256, 1024]) { Double($0) }
        }
        let n = quick ? 65_536 : 1 << 20
        let x = try backend.view(data(n, seed: 3), shape: [n])
        let y = try backend.view(data(n, seed: 4), shape: [n])
        let out = try backend.empty(Float.self, shape: [n])
        let bytes = Double(n * 4)
        rows.append(Row(name: "add", size: "\(n)", work: 3 * bytes, isFlops: false) {
            try backend.binary(.add, x, y, into: out)
        })
        rows.append(Row(name: "exp", size: "\(n)", work: 2 * bytes, isFlops: false) {
            try backend.unary(.exp, x, into: out)
        })
        let columns = 1024, rowsCount = n / 1024
        let wide = BufferView<Float>(x.buffer, .contiguous([rowsCount, columns]))
        let rowMajorBias = BufferView<Float>(y.buffer, StridedLayout.contiguous([columns]).expanded(to: [rowsCount, columns]))
        rows.append(Row(name: "add broadcast row", size: "\(rowsCount)×\(columns)", work: 2 * bytes, isFlops: false) {
            try backend.binary(.add, wide, rowMajorBias, into: BufferView(out.buffer, .contiguous([rowsCount, columns])))
        })
        let total = try backend.empty(Float.self, shape: [])
        rows.append(Row(name: "sum", size: "\(n)", work: bytes, isFlops: false) {
            try backend.reduce(.sum, x, axes: [0], into: total)
        })
        let perRow = try backend.empty(Float.self, shape: [rowsCount, 1])
        rows.append(Row(name: "sum along axis 1", size: "\(rowsCount)×\(columns)", work: bytes, isFlops: false) {
            try backend.reduce(.sum, wide, axes: [1], into: perRow)
        })
        let perColumn = try backend.empty(Float.self, shape: [1, columns])
        rows.append(Row(name: "sum along axis 0", size: "\(rowsCount)×\(columns)", work: bytes, isFlops: false) {
            try backend.reduce(.sum, wide, axes: [0], into: perColumn)
        })
        return rows
    }

    /// Whole tensor programs on `device`, recorded and differentiated there: one training
    /// step of the mlp-784-256-10 (batch 64, plain gradient descent, the loss read back
    /// each step) and the seed loops by autograd (`SeedLinearRegression`, `SeedSinCubic`,
    /// the loss read back each epoch, as the seeds print it). The rate of the mlp row
    /// counts the three GEMMs of each layer.
    static func programs(on device: Device, quick: Bool) -> [Row] {
        let batch = 64, (inputs, hidden, outputs) = (784, 256, 10)
        let x = Tensor<Float>(randomNormal: [batch, inputs], seed: 1).moved(to: device)
        let labels = (0..<batch).map { $0 % outputs }
        var w1 = Tensor<Float>(randomNormal: [inputs, hidden], standardDeviation: 0.036, seed: 2).moved(to: device).requiringGradient()
        var b1 = Tensor<Float>(zeros: [hidden], on: device).requiringGradient()
        var w2 = Tensor<Float>(randomNormal: [hidden, outputs], standardDeviation: 0.06, seed: 3).moved(to: device).requiringGradient()
        var b2 = Tensor<Float>(zeros: [outputs], on: device).requiringGradient()
        let flops = 3 * 2 * Double(batch * (inputs * hidden + hidden * outputs))
        let mlp = Row(name: "mlp-784-256-10 train step", size: "batch \(batch)", work: flops, isFlops: true) {
            let loss = softmaxCrossEntropy(logits: matmul(tanh(matmul(x, w1) + b1), w2) + b2, labels: labels)
            for p in [w1, b1, w2, b2] { p.zeroGradient() }
            loss.backward()
            withoutGradient {
                w1 -= 0.01 * w1.grad!
                b1 -= 0.01 * b1.grad!
                w2 -= 0.01 * w2.grad!
                b2 -= 0.01 * b2.grad!
            }
            _ = loss.scalar
        }
        let epochs = quick ? 20 : 500, steps = quick ? 10 : 200
        let linear = Row(name: "seed linear regression", size: "\(epochs) epochs", work: 0, isFlops: false) {
            _ = SeedLinearRegression(epochs: epochs, device: device).autograd()
        }
        let cubic = Row(name: "seed sin cubic fit", size: "\(steps) steps × 2000", work: 0, isFlops: false) {
            _ = SeedSinCubic(steps: steps, device: device).autograd()
        }
        return [mlp, linear, cubic]
    }

    static func data(_ count: Int, seed: UInt64) -> [Float] {
        Tensor<Float>(randomUniform: [count], lower: -1, upper: 1, seed: seed).scalars
    }

    /// The median seconds of `body` over at least 3 runs and about `seconds` of time.
    /// The median and the fastest of a row's runs, in seconds.
    struct Timing {
        var median: Double
        var minimum: Double
    }

    /// Runs `body` for about `seconds` (at least 3 times, at most 1000) and times each run.
    static func timing(seconds: Double, _ body: () throws -> Void) throws -> Timing {
        var samples: [Double] = []
        let start = monotonicNanoseconds()
        while samples.count < 3 || (Double(monotonicNanoseconds() - start) * 1e-9 < seconds && samples.count < 1000) {
            let t0 = monotonicNanoseconds()
            try body()
            samples.append(Double(monotonicNanoseconds() - t0) * 1e-9)
        }
        samples.sort()
        return Timing(median: samples[samples.count / 2], minimum: samples[0])
    }
}

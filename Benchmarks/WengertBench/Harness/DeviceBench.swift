import Foundation
import Wengert

/// `wengert-bench --device cpu,opencl`: the Backend operations timed on each device, side
/// by side. Every sample is one operation followed by `synchronize()`, so an OpenCL row
/// includes the enqueue and the wait (the cost a caller that reads the result pays);
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
        var columns: [(String, [String: Double])] = []  // device label, row key → seconds
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
                var times: [String: Double] = [:]
                for row in try rows(backend, quick: quick) {
                    let key = "\(row.name) \(row.size)"
                    if !rowOrder.contains(where: { $0.key == key }) { rowOrder.append((key, row.work, row.isFlops)) }
                    try row.run()  // warm-up: program build, arena
                    try backend.synchronize()
                    times[key] = try median(seconds: seconds) {
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
        for (label, _) in columns { header += ["\(label) time", "rate"] }
        var table: [[String]] = []
        for row in rowOrder {
            var cells = [row.key]
            for (_, times) in columns {
                guard let t = times[row.key] else { cells += ["-", "-"]; continue }
                let rate = row.work / t
                cells += [Format.duration(nanoseconds: t * 1e9), row.isFlops ? String(format: "%.1f GFLOP/s", rate / 1e9) : String(format: "%.1f GB/s", rate / 1e9)]
            }
            table.append(cells)
        }
        print(Format.table(header: header, rows: table, leftAligned: 1))
        print("time: median of runs of the operation plus synchronize(); rate: 2·s³ flops for matmul, bytes read plus written otherwise.")
        for note in notes { print(note) }
        return 0
    }

    /// The operations on `backend`, inputs uploaded.
    static func rows(_ backend: any Backend, quick: Bool) throws -> [Row] {
        var rows: [Row] = []
        for s in quick ? [256] : [256, 512, 1024, 2048] {
            let a = try backend.view(data(s * s, seed: 1), shape: [s, s])
            let b = try backend.view(data(s * s, seed: 2), shape: [s, s])
            let c = try backend.empty(Float.self, shape: [s, s])
            rows.append(Row(name: "matmul", size: "\(s)²", work: 2 * Double(s * s * s), isFlops: true) {
                try backend.matmul(a, b, into: c, accumulate: false)
            })
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

    static func data(_ count: Int, seed: UInt64) -> [Float] {
        Tensor<Float>(randomUniform: [count], lower: -1, upper: 1, seed: seed).scalars
    }

    /// The median seconds of `body` over at least 3 runs and about `seconds` of time.
    static func median(seconds: Double, _ body: () throws -> Void) throws -> Double {
        var samples: [Double] = []
        let start = monotonicNanoseconds()
        while samples.count < 3 || (Double(monotonicNanoseconds() - start) * 1e-9 < seconds && samples.count < 1000) {
            let t0 = monotonicNanoseconds()
            try body()
            samples.append(Double(monotonicNanoseconds() - t0) * 1e-9)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

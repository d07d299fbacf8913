import Testing
import Wengert
@testable import WengertBench

@Suite("wengert-bench --device")
struct DeviceBenchTests {
    @Test func parsesDevicesAndRejectsUnknownOnes() throws {
        #expect(try Options(arguments: ["--device", "cpu,OpenCL"]).devices == ["cpu", "opencl"])
        #expect(try Options(arguments: []).devices.isEmpty)
        #expect(throws: UsageError("--device: 'tpu' is not a device; devices: cpu, opencl")) {
            try Options(arguments: ["--device", "tpu"])
        }
    }

    @Test func quickRowsRunOnTheCPUWithTheirWork() throws {
        let rows = try DeviceBench.rows(CPUBackend(), quick: true)
        // The peak row names the kernel threads it ran on. Read them from the row, not from
        // `CPUKernels.threadCount`: kernel tests running beside this one set that global
        // for a moment (1, then 4) to compare one thread with several.
        let threads = try #require(Int(rows.first?.size.prefix { $0.isNumber } ?? ""))
        #expect(threads >= 1)
        #expect(rows.map { "\($0.name) \($0.size)" } == [
            "multiply-add peak \(threads) thread\(threads == 1 ? "" : "s")", "matmul 256²", "matmul Double 256²", "add 65536", "exp 65536",
            "add broadcast row 64×1024", "sum 65536", "sum along axis 1 64×1024", "sum along axis 0 64×1024",
        ])
        // The peak's flops: 12 chains of one vector of the level's width, 10⁴ iterations a thread.
        let lanes = [CPUKernels.Level.portable: 1.0, .avx2: 8, .avx512: 16][CPUKernels.level]!
        #expect(rows[0].isFlops && rows[0].work == 12 * 2 * lanes * 10_000 * Double(threads))
        #expect(rows[1].isFlops && rows[1].work == 2 * 256 * 256 * 256)
        #expect(rows[2].isFlops && rows[2].work == 2 * 256 * 256 * 256 && rows[3].work == 3 * 65536 * 4)
        for row in rows { try row.run() }
    }
}

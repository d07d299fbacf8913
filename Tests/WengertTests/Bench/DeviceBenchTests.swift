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
        #expect(rows.map { "\($0.name) \($0.size)" } == [
            "matmul 256²", "add 65536", "exp 65536", "add broadcast row 64×1024", "sum 65536",
            "sum along axis 1 64×1024", "sum along axis 0 64×1024",
        ])
        #expect(rows[0].isFlops && rows[0].work == 2 * 256 * 256 * 256 && rows[1].work == 3 * 65536 * 4)
        for row in rows { try row.run() }
    }
}

import Testing
@testable import Wengert

/// The OpenCL loader, device list, program cache and the errors it reports.
@Suite("OpenCL runtime")
struct OpenCLRuntimeTests {
    @Test func errorCodesAreReportedByName() {
        #expect(DeviceError.openCLErrorName(-4) == "CL_MEM_OBJECT_ALLOCATION_FAILURE")
        #expect(DeviceError.openCLErrorName(-5) == "CL_OUT_OF_RESOURCES")
        #expect(DeviceError.openCLErrorName(-11) == "CL_BUILD_PROGRAM_FAILURE")
        #expect(DeviceError.openCLErrorName(-54) == "CL_INVALID_WORK_GROUP_SIZE")
        #expect(DeviceError.openCLErrorName(-1001) == "CL_PLATFORM_NOT_FOUND_KHR")
        #expect(DeviceError.openCLErrorName(-999) == "unknown OpenCL error")
        // Every code of the Khronos list from 0 to -72 except the gaps has a name.
        let named = (-72...0).filter { DeviceError.openCLErrorName(Int32($0)) != "unknown OpenCL error" }
        #expect(named.count == 20 + 43)
        #expect(String(describing: DeviceError.openCLCall(function: "clCreateBuffer", code: -61))
                == "clCreateBuffer failed with CL_INVALID_BUFFER_SIZE (-61).")
        #expect(String(describing: DeviceError.doubleUnsupported(device: "openCL:1 (Mali)")).contains("does not support Double"))
    }

    @Test func noDeviceIsNilOrAThrownErrorNeverACrash() {
        // Device index 1000 exists nowhere: with OpenCL it is "no such device", without it
        // "unavailable"; either way a thrown error.
        do {
            _ = try OpenCLBackend(index: 1000)
            Issue.record("OpenCLBackend(index: 1000) should throw")
        } catch let error as DeviceError {
            switch error {
            case .noSuchDevice(let index, let count): #expect(index == 1000 && count == Device.openCLDevices.count)
            case .openCLUnavailable(let reason): #expect(!reason.isEmpty && Device.openCL == nil)
            default: Issue.record("unexpected \(error)")
            }
        } catch { Issue.record("unexpected \(error)") }
        #expect(Device(kind: .openCL(1000)).openCLProperties == nil)
        #expect(Device.cpu.openCLProperties == nil)
        #expect((Device.openCL == nil) == (Device.openCLUnavailableReason != nil))
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func devicesAreListedWithNameKindAndMemory() throws {
        let devices = Device.openCLDevices
        #expect(!devices.isEmpty)
        for (position, device) in devices.enumerated() {
            let properties = try #require(device.openCLProperties)
            #expect(properties.index == position && !properties.name.isEmpty && !properties.platform.isEmpty)
            #expect(properties.globalMemory > 0 && properties.maxAllocation > 0 && properties.maxAllocation <= properties.globalMemory)
            #expect(properties.maxWorkGroupSize >= 1 && properties.computeUnits >= 1)
            #expect(properties.version.hasPrefix("OpenCL"))
        }
        // Device.openCL is the first GPU, else the first device.
        let first = devices.first { $0.openCLProperties?.kind == .gpu } ?? devices[0]
        #expect(Device.openCL == first)
        let name = try #require(first.openCLProperties?.name)
        #expect(Device.openCL(named: String(name.prefix(6)).uppercased()) != nil)
        #expect(Device.openCL(named: "no such device name") == nil)
        let backend = try first.makeBackend()
        #expect(backend.device == first && backend.name == "openCL:\(devices.firstIndex(of: first)!) (\(name))")
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func oneContextPerDeviceAndProgramsBuiltOnce() throws {
        let index = try #require(Device.openCL?.openCLProperties?.index)
        let first = try OpenCLBackend(index: index), second = try OpenCLBackend(index: index)
        #expect(first.context === second.context && first.arena === second.arena)
        let x = try first.view([1, 2, 3] as [Float], shape: [3])
        try first.unary(.exp, x, into: x)
        #expect(first.programBuildSeconds > 0)
        #expect(first.programBuildCount("wengert-kernels/float") == 1)
        try second.unary(.log, x, into: x)
        #expect(try second.scalars(of: x) == [1, 2, 3].map { Float.log(Float.exp($0)) } || agree(try second.scalars(of: x), [1, 2, 3], relative: 1e-6))
        // Counted for this program alone: the build seconds also grow when a test running
        // beside this one builds another program on the shared context.
        #expect(first.programBuildCount("wengert-kernels/float") == 1, "a cached program was built again")
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func aBuildFailureThrowsTheDevicesBuildLog() throws {
        let index = try #require(Device.openCL?.openCLProperties?.index)
        let backend = try OpenCLBackend(index: index)
        let broken = OpenCLSource(name: "broken-test", text: "__kernel void k(__global float *x) { x[0] = undeclared_name; }")
        do {
            _ = try backend.context.locked { try backend.context.program(broken, scalar: "float") }
            Issue.record("a broken program built")
        } catch let DeviceError.buildFailed(device, log) {
            #expect(device == backend.name)
            #expect(log.contains("undeclared_name"), "build log: \(log)")
        }
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func outOfDeviceMemoryNamesTheSizeAndTheDevice() throws {
        let backend = try openCLBackend()
        let properties = try #require(backend.device.openCLProperties)
        // One byte past the largest buffer the device allows (PoCL derives it from the
        // free memory, so it can be beyond 32-bit indexing: ask the arena directly).
        let bytes = properties.maxAllocation + 1
        do {
            _ = try backend.arena.allocate(bytes)
            Issue.record("allocated beyond CL_DEVICE_MAX_MEM_ALLOC_SIZE")
        } catch let error as DeviceError {
            #expect(error == .outOfMemory(bytes: bytes, device: backend.name))
            #expect(String(describing: error).contains("out of memory on \(backend.name): could not allocate \(bytes) bytes"))
        }
        #expect(throws: DeviceError.tooLarge(count: 1 << 31, device: backend.name)) {
            _ = try backend.allocate(Float.self, count: 1 << 31)
        }
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func doubleFollowsTheDevicesFp64Report() throws {
        let backend = try openCLBackend()
        let properties = try #require(backend.device.openCLProperties)
        if properties.supportsDouble {
            let x = try backend.view([1.5, -2] as [Double], shape: [2])
            try backend.unary(.square, x, into: x)
            #expect(try backend.scalars(of: x) == [2.25, 4])
        } else {
            #expect(throws: DeviceError.doubleUnsupported(device: backend.name)) {
                _ = try backend.allocate(Double.self, count: 1)
            }
        }
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason), arguments: [OpenCLMatmulKernel.tiled, .rows])
    func bothMatmulKernelsAgreeWithTheCPU(_ variant: OpenCLMatmulKernel) throws {
        // Each device runs one kernel by default (PoCL the rows kernel, GPUs the tiled
        // one); both are checked here, on odd sizes, a transposed operand and accumulation.
        let index = try #require(Device.openCL?.openCLProperties?.index)
        let device = try OpenCLBackend(index: index).with(matmulKernel: variant)
        let cpu = CPUBackend()
        for (m, n, k) in [(1, 1, 1), (9, 13, 5), (65, 33, 129), (130, 70, 1), (0, 3, 4), (3, 4, 0)] {
            let a: [Float] = testScalars(Swift.max(m * k, 1), seed: 20)
            let b: [Float] = testScalars(Swift.max(k * n, 1), seed: 21)
            let c: [Float] = testScalars(Swift.max(m * n, 1), seed: 22)
            for (transposed, accumulate) in [(false, false), (true, true)] {
                func run(_ backend: any Backend) throws -> [Float] {
                    let layoutA = transposed ? StridedLayout.contiguous([k, m]).permuted([1, 0]) : .contiguous([m, k])
                    let out = BufferView<Float>(try backend.upload(c), .contiguous([m, n]))
                    try backend.matmul(BufferView(try backend.upload(a), layoutA), BufferView(try backend.upload(b), .contiguous([k, n])),
                                       into: out, accumulate: accumulate)
                    return try backend.scalars(of: out)
                }
                let expected = try run(cpu), got = try run(device)
                let same = agree(expected, got, relative: 1e-5, absolute: 1e-5)
                #expect(same, "\(variant) \(m)x\(n)x\(k) transposed \(transposed): \(firstDisagreement(expected, got, relative: 1e-5, absolute: 1e-5))")
            }
        }
    }

    @Test(.enabled(if: openCLAvailable, openCLSkipReason))
    func steadyStepsAllocateNoDeviceMemory() throws {
        // Its own arena: the suites running in parallel share the device's.
        let index = try #require(Device.openCL?.openCLProperties?.index)
        let backend = try OpenCLBackend(index: index).withSeparateArena()
        #expect(try arenaTrainingStep(on: backend) == 32768)
        let warm = backend.arena.statistics
        for _ in 0..<1000 { _ = try arenaTrainingStep(on: backend) }
        let after = backend.arena.statistics
        #expect(after.systemAllocations == warm.systemAllocations,
                "clCreateBuffer calls in 1,000 steady steps: \(after.systemAllocations - warm.systemAllocations)")
        #expect(after.reuses == warm.reuses + 4000 && after.bytesInUse == 0)
    }
}

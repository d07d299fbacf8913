import Foundation
import Wengert

/// The machine and build a run was made on, recorded with every figure.
struct MachineDescription: Codable, Sendable {
    var cpu: String
    var cores: Int
    var operatingSystem: String
    var swiftVersion: String
    var buildConfiguration: String
    var date: String
    /// Threads the tensor kernels split large work across, and their instruction set.
    var kernelThreads: Int? = nil
    var kernelLevel: String? = nil

    static func current() -> MachineDescription {
        MachineDescription(
            cpu: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount,
            operatingSystem: operatingSystemName(), swiftVersion: compiledSwiftVersion,
            buildConfiguration: buildConfiguration,
            date: ISO8601DateFormatter().string(from: Date()),
            kernelThreads: CPUKernels.threadCount, kernelLevel: CPUKernels.level.description)
    }

    /// "model name" from /proc/cpuinfo, or "unknown".
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// PRETTY_NAME from /etc/os-release with the kernel's name and release from uname(2).
    static func operatingSystemName() -> String {
        var names = utsname()
        uname(&names)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let kernel = "\(text(names.sysname)) \(text(names.release))"
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return kernel }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            let name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return "\(name), \(kernel)"
        }
        return kernel
    }

    /// The compiler that built this binary, to the patch level the ladder knows.
    static let compiledSwiftVersion: String = {
        #if compiler(>=6.4)
        return "Swift 6.4 or later"
        #elseif compiler(>=6.3.1)
        return "Swift 6.3.1"
        #elseif compiler(>=6.3)
        return "Swift 6.3"
        #elseif compiler(>=6.2)
        return "Swift 6.2"
        #else
        return "Swift 6.0 or 6.1"
        #endif
    }()

    static let buildConfiguration: String = {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }()
}

/// Resident memory of this process, from /proc/self/status (Linux; nil elsewhere).
enum ResidentMemory {
    /// VmRSS: bytes resident now.
    static func current() -> Int? { field("VmRSS:") }
    /// VmHWM: the peak of VmRSS since the process started or `resetPeak()`.
    static func peak() -> Int? { field("VmHWM:") }

    /// Resets VmHWM to the current VmRSS (writing 5 to /proc/self/clear_refs, Linux ≥ 4.0),
    /// so the next `peak()` measures one piece of work. Returns false where unsupported.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return digits.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}

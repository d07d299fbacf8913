// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Wengert",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Wengert", targets: ["Wengert"]),
        .executable(name: "wengert-bench", targets: ["WengertBench"]),
        .executable(name: "wengert-examples", targets: ["WengertExamples"]),
    ],
    targets: [
        // C kernels with run-time CPU dispatch, per-thread storage and (later) the
        // OpenCL loader: the parts Swift cannot express without unsafeFlags.
        .target(name: "CWengert", path: "Sources/CWengert"),
        .target(name: "Wengert", dependencies: ["CWengert"], path: "Sources/Wengert"),
        .executableTarget(name: "WengertBench", dependencies: ["Wengert", "CWengert"], path: "Benchmarks/WengertBench"),
        .executableTarget(name: "WengertExamples", dependencies: ["Wengert"], path: "Examples/WengertExamples"),
        .testTarget(
            name: "WengertTests", dependencies: ["Wengert", "WengertBench", "WengertExamples"], path: "Tests/WengertTests"),
    ],
    swiftLanguageModes: [.v6]
)

import Foundation
import Testing
import Wengert

/// Codable tensors and one-call saving and loading of a model's parameters; a file is
/// untrusted input, so every malformed one throws and leaves the model as it was.
@Suite("Saving parameters", .tags(.tensor))
struct SavingTests {
    struct Net: Layer {
        var hidden = Linear<Float>(inputSize: 3, outputSize: 4, seed: 1)
        var output = Linear<Float>(inputSize: 4, outputSize: 1, seed: 2)
        func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { output(relu(hidden(x))) }
    }

    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("wengert-\(UUID().uuidString).json")
    }

    @Test func tensorCodableRoundTripIsExact() throws {
        let t = Tensor<Float>(randomNormal: [3, 5], seed: 3)
        let back = try JSONDecoder().decode(Tensor<Float>.self, from: JSONEncoder().encode(t))
        #expect(back == t && back.shape == [3, 5])
        let d = Tensor<Double>(shape: [2], scalars: [0.1, 1.0 / 3])
        #expect(try JSONDecoder().decode(Tensor<Double>.self, from: JSONEncoder().encode(d)) == d)
    }

    @Test(arguments: [
        (#"{"shape":[2,2],"scalars":[1,2,3]}"#, "shape [2, 2] holds 4 scalars but 3 were given"),
        (#"{"shape":[-1,-2],"scalars":[1,2]}"#, "shape [-1, -2] has a negative dimension -1"),
        (#"{"shape":[4294967296,4294967296],"scalars":[]}"#, "is too large: its product overflows Int"),
    ])
    func malformedTensorThrows(json: String, message: String) {
        #expect {
            _ = try JSONDecoder().decode(Tensor<Double>.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func saveThenLoadRestoresEveryParameterExactly() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let trained = Net()
        try trained.saveParameters(to: url)
        var fresh = Net()
        fresh.hidden = Linear(inputSize: 3, outputSize: 4, seed: 99)
        #expect(fresh.parameters != trained.parameters)
        try fresh.loadParameters(from: url)
        #expect(fresh.parameters == trained.parameters)
        // Loaded parameters are still trainable leaves.
        #expect(fresh.parameters.allSatisfy { $0.isLeaf && $0.requiresGradient })
        // A Float file loads into a Double model (widening is exact).
        struct DoubleNet: Module {
            typealias Scalar = Double
            var hidden = Linear<Double>(inputSize: 3, outputSize: 4, seed: 5)
            var output = Linear<Double>(inputSize: 4, outputSize: 1, seed: 6)
        }
        var wide = DoubleNet()
        try wide.loadParameters(from: url)
        #expect(wide.hidden.weight.scalars == trained.hidden.weight.scalars.map { Double($0) })
    }

    /// Each bad file throws an error naming its problem and changes nothing.
    @Test(arguments: [
        ("not json", "is not a valid Wengert parameter file"),
        (#"{"format":"other","version":1,"scalarType":"Float","parameters":[]}"#, #"format "other" version 1"#),
        (#"{"format":"wengert-parameters","version":1,"scalarType":"Float","parameters":[]}"#, #"has no parameter "hidden.weight""#),
        (#"{"format":"wengert-parameters","version":1,"scalarType":"Half","parameters":[]}"#, #"unknown scalar type "Half""#),
    ])
    func badFileLeavesModelUntouched(contents: String, message: String) throws {
        var model = Net()
        let before = model.parameters
        #expect {
            try model.loadParameters(fromFileData: Data(contents.utf8), path: "bad.json")
        } throws: { error in
            (error as? ParameterFileError).map { "\($0)".contains(message) } ?? false
        }
        #expect(model.parameters == before)
    }

    @Test func wrongShapeMissingAndExtraParametersAreNamed() throws {
        let good = try Net().parameterFileData()
        var model = Net()
        let before = model.parameters
        // A shape that disagrees with the model: change output.bias from [1] to a [2].
        let wrongShape = Data(
            try JSONSerialization.data(withJSONObject: editedFile(good) { entries in
                entries[3]["tensor"] = ["shape": [2], "scalars": [1, 2]]
            }))
        #expect(throws: ParameterFileError.shapeMismatch(path: "f", name: "output.bias", model: [1], file: [2])) {
            try model.loadParameters(fromFileData: wrongShape, path: "f")
        }
        let extra = Data(
            try JSONSerialization.data(withJSONObject: editedFile(good) { entries in
                entries.append(["name": "output.scale", "tensor": ["shape": [1], "scalars": [1]]])
            }))
        #expect(throws: ParameterFileError.unexpectedParameter(path: "f", name: "output.scale")) {
            try model.loadParameters(fromFileData: extra, path: "f")
        }
        let disagreeing = Data(
            try JSONSerialization.data(withJSONObject: editedFile(good) { entries in
                entries[0]["tensor"] = ["shape": [3, 4], "scalars": [1, 2, 3]]
            }))
        #expect {
            try model.loadParameters(fromFileData: disagreeing, path: "f")
        } throws: { "\($0)".contains("shape [3, 4] holds 12 scalars but 3 were given at parameters.[0].tensor.scalars") }
        #expect(model.parameters == before)
    }

    @Test func unreadableFileThrows() {
        var model = Net()
        #expect {
            try model.loadParameters(from: URL(fileURLWithPath: "/nonexistent/wengert.json"))
        } throws: { error in
            // The reason is the system's phrase, not a dump of Foundation's error value.
            guard case .inaccessible(let path, let reason) = error as? ParameterFileError else { return false }
            return path == "/nonexistent/wengert.json" && reason == "No such file or directory"
        }
    }

    func editedFile(_ data: Data, _ edit: (inout [[String: Any]]) -> Void) throws -> [String: Any] {
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var entries = object["parameters"] as! [[String: Any]]
        edit(&entries)
        object["parameters"] = entries
        return object
    }
}

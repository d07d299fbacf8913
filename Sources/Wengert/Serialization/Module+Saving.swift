// Saving and loading a model's parameters in one call each (PyTorch's
// torch.save(model.state_dict()) / model.load_state_dict(torch.load(...))). The file is
// JSON: readable, diffable, and exact, because Swift writes the shortest decimal that
// reads back as the same Float or Double. A file is untrusted input: loading checks
// everything before it changes anything, so a bad file throws and leaves the model as
// it was.
//
// Only FoundationEssentials where it exists (Linux, Swift 6): Data, URL and the JSON
// coders are there, and the whole of Foundation would link its ICU tables (about 30 MB)
// into every program that uses the library, and add about 9 MB to their resident memory.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why parameters could not be saved or loaded; `description` says it as a sentence.
public enum ParameterFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written (`reason` is the system's).
    case inaccessible(path: String, reason: String)
    /// The file is not a parameter file, or its contents contradict themselves.
    case malformed(path: String, reason: String)
    /// The model has a parameter the file lacks.
    case missingParameter(path: String, name: String)
    /// The file has a parameter the model lacks.
    case unexpectedParameter(path: String, name: String)
    /// A parameter's shape in the file differs from the model's.
    case shapeMismatch(path: String, name: String, model: [Int], file: [Int])

    /// The problem as a sentence naming the file and the parameter.
    public var description: String {
        switch self {
        case .inaccessible(let path, let reason): "cannot access \(path): \(reason)"
        case .malformed(let path, let reason): "\(path) is not a valid Wengert parameter file: \(reason)"
        case .missingParameter(let path, let name): "\(path) has no parameter \"\(name)\", which the model has"
        case .unexpectedParameter(let path, let name): "\(path) has a parameter \"\(name)\", which the model lacks"
        case .shapeMismatch(let path, let name, let model, let file):
            "\(path): parameter \"\(name)\" has shape \(file) in the file but \(model) in the model"
        }
    }
}

/// The file's layout: a format tag and version, the scalar type, the named tensors in
/// the model's order.
struct ParameterFile<Scalar: TensorScalar & Codable>: Codable {
    struct Entry: Codable {
        var name: String
        var tensor: Tensor<Scalar>
    }
    var format: String
    var version: Int
    var scalarType: String
    var parameters: [Entry]
}

/// The part of the file read first, to choose the scalar type to decode.
struct ParameterFileHeader: Decodable {
    var format: String
    var version: Int
    var scalarType: String
}

extension Module where Scalar: Codable {
    /// The parameters as the bytes of a parameter file (see ``saveParameters(to:)``).
    /// - Complexity: O(parameter scalars).
    public func parameterFileData() throws -> Data {
        let file = ParameterFile<Scalar>(
            format: "wengert-parameters", version: 1, scalarType: "\(Scalar.self)",
            parameters: parameterPaths.map { .init(name: $0.name, tensor: self[parameter: $0]) })
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(file)
    }

    /// Writes every parameter, by name, to the file at `url` (replacing it atomically, so
    /// a failed save leaves an earlier file whole). Reading it back with
    /// ``loadParameters(from:)`` gives the same scalars exactly.
    /// Throws ``ParameterFileError/inaccessible(path:reason:)`` when the file cannot be written.
    /// - Complexity: O(parameter scalars).
    public func saveParameters(to url: URL) throws {
        let data = try parameterFileData()
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ParameterFileError.inaccessible(path: url.path, reason: Self.describe(system: error))
        }
    }

    /// Replaces every parameter's value with the one of the same name in the file at
    /// `url`, keeping each parameter's identity (it still requires a gradient; its `grad`
    /// is kept). Everything is checked before anything changes: an unreadable file, one
    /// that is not a parameter file, a tensor whose shape and scalars disagree, a negative
    /// or overflowing dimension, or a parameter missing, unexpected or of another shape
    /// throws a ``ParameterFileError`` naming it, and the model is left as it was. A file
    /// of the other scalar type (Float for a Double model) is converted.
    /// - Complexity: O(parameter scalars).
    public mutating func loadParameters(from url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ParameterFileError.inaccessible(path: url.path, reason: Self.describe(system: error))
        }
        try loadParameters(fromFileData: data, path: url.path)
    }

    /// ``loadParameters(from:)`` from bytes already in memory; `path` names them in errors.
    public mutating func loadParameters(fromFileData data: Data, path: String = "parameter data") throws {
        let loaded = try Self.decodeParameters(data, path: path)
        let paths = parameterPaths
        var values: [Tensor<Scalar>] = []
        values.reserveCapacity(paths.count)
        for p in paths {
            guard let tensor = loaded.first(where: { $0.name == p.name })?.tensor else {
                throw ParameterFileError.missingParameter(path: path, name: p.name)
            }
            let current = self[parameter: p].shape
            if tensor.shape != current {
                throw ParameterFileError.shapeMismatch(path: path, name: p.name, model: current, file: tensor.shape)
            }
            values.append(tensor)
        }
        let names = Set(paths.map(\.name))
        if let extra = loaded.first(where: { !names.contains($0.name) }) {
            throw ParameterFileError.unexpectedParameter(path: path, name: extra.name)
        }
        withoutGradient {
            for (p, value) in zip(paths, values) { p.modify(&self) { $0.replaceValue(with: value) } }
        }
    }

    static func decodeParameters(_ data: Data, path: String) throws -> [(name: String, tensor: Tensor<Scalar>)] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let header = try decoder.decode(ParameterFileHeader.self, from: data)
            if header.format != "wengert-parameters" || header.version != 1 {
                throw ParameterFileError.malformed(
                    path: path, reason: "format \"\(header.format)\" version \(header.version); expected \"wengert-parameters\" version 1")
            }
            let entries: [(name: String, tensor: Tensor<Scalar>)]
            switch header.scalarType {
            case "Float":
                entries = try decoder.decode(ParameterFile<Float>.self, from: data).parameters.map {
                    ($0.name, Tensor<Scalar>(uncheckedStorage: $0.tensor.scalars.map { Scalar($0) }, shape: $0.tensor.shape))
                }
            case "Double":
                entries = try decoder.decode(ParameterFile<Double>.self, from: data).parameters.map {
                    ($0.name, Tensor<Scalar>(uncheckedStorage: $0.tensor.scalars.map { Scalar($0) }, shape: $0.tensor.shape))
                }
            default:
                throw ParameterFileError.malformed(path: path, reason: "unknown scalar type \"\(header.scalarType)\"")
            }
            var seen = Set<String>()
            for entry in entries where !seen.insert(entry.name).inserted {
                throw ParameterFileError.malformed(path: path, reason: "parameter \"\(entry.name)\" appears twice")
            }
            return entries
        } catch let error as DecodingError {
            throw ParameterFileError.malformed(path: path, reason: Self.describe(error))
        }
    }

    /// A file system error as the system's own phrase ("No such file or directory"), from
    /// the POSIX error under Foundation's; any other error as it prints itself.
    static func describe(system error: any Error) -> String {
        if let posix = (error as? CocoaError)?.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return "\(error)"
    }

    /// A decoding error as a phrase with the path to the offending value.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let c): return c.debugDescription + at(c.codingPath)
        case .keyNotFound(let key, let c): return "missing \"\(key.stringValue)\"" + at(c.codingPath)
        case .typeMismatch(let type, let c): return "expected \(type)" + at(c.codingPath)
        case .valueNotFound(let type, let c): return "expected \(type), found null" + at(c.codingPath)
        @unknown default: return "\(error)"
        }
    }
}

extension Tensor {
    /// Gives this tensor `value`'s scalars, keeping its identity as a leaf (and its
    /// `grad`); the shapes agree. Called inside `withoutGradient`.
    mutating func replaceValue(with value: Tensor) {
        Tensor.update(&self, { current in value.moved(to: current.device) }, operation: "loadParameters")
    }
}

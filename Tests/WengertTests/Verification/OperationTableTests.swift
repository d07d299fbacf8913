import Foundation
import Testing
import Wengert

@Suite("The operation table", .tags(.verification))
struct OperationTableTests {
    /// The requirement names declared in Scalar/DifferentiableScalar.swift, read from the
    /// source so that a requirement added there without a table entry fails here.
    static func declaredRequirements() throws -> Set<String> {
        let source = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Sources/Wengert/Scalar/DifferentiableScalar.swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("static func ") else { continue }
            let rest = trimmed.dropFirst("static func ".count)
            names.insert(String(rest.prefix { $0 != "(" && $0 != " " }))
        }
        return names
    }

    @Test("every requirement of DifferentiableScalar and SignedNumeric has a table entry")
    func tableCoversEveryRequirement() throws {
        let declared = try Self.declaredRequirements()
        #expect(declared.count >= 25, "parsed only \(declared.sorted()) from DifferentiableScalar.swift")
        let signedNumeric: Set<String> = ["+", "-", "*", "prefix -", "+=", "-=", "*=", "magnitude"]
        let covered = Set(ScalarOperation.allCases.map(\.requirement))
        let missing = declared.union(signedNumeric).subtracting(covered)
        #expect(missing.isEmpty, "operations without a ScalarOperation case: \(missing.sorted())")
    }

    @Test("every operation has sample and edge points", arguments: ScalarOperation.allCases)
    func pointsExist(_ op: ScalarOperation) {
        #expect(op.samplePoints.count >= 3, "\(op): \(op.samplePoints)")
        #expect(op.edgePoints.count >= 2, "\(op): \(op.edgePoints)")
        for p in op.samplePoints { #expect(op.isValid(p.x, p.y, margin: 0.1)) }
    }

    @Test("reference partials agree with central differences of the plain operation",
          arguments: ScalarOperation.allCases)
    func referenceMatchesDifferences(_ op: ScalarOperation) {
        for p in op.samplePoints {
            let r = op.referencePartials(p.x, p.y)
            let h = 1e-6
            let dx = (op.apply(p.x + h, p.y) - op.apply(p.x - h, p.y)) / (2 * h)
            #expect(Swift.abs(dx - r.x) <= 1e-6 * Swift.max(1, Swift.abs(r.x)), "\(op) ∂x at \(p): \(dx) vs \(r.x)")
            if op.arity == 2 {
                let dy = (op.apply(p.x, p.y + h) - op.apply(p.x, p.y - h)) / (2 * h)
                #expect(Swift.abs(dy - r.y) <= 1e-6 * Swift.max(1, Swift.abs(r.y)), "\(op) ∂y at \(p): \(dy) vs \(r.y)")
            } else {
                #expect(r.y == 0)
            }
        }
    }

    @Test("arity matches the number of operands the expression uses", arguments: ScalarOperation.allCases)
    func arityMatchesExpression(_ op: ScalarOperation) {
        #expect(op.expression("LHS", "RHS").contains("RHS") == (op.arity == 2), "\(op.expression("LHS", "RHS"))")
    }
}

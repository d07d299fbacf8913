// Run-time tags against perturbation confusion (Siskind & Pearlmutter 2008).
//
// Nesting by type (`Dual<Dual<Double>>`) keeps the perturbations of nested derivatives
// apart when the inner call is made at the outer variable. The hole is an inner call at a
// plain value whose closure captures an outer `Dual<Double>`: both perturbations then
// live in one `Dual<Double>` and, untagged, would be added together (the classic wrong
// answer 2 for d/dx [x · d/dy (x + y)] = 1). Swift cannot mint a type per closure as
// Julia does, so every derivative call draws a fresh tag at run time (as JAX does with
// its traces), and an operation that meets two different tags stops.
//
// A closure can also hand back a captured outer dual untouched (`{ y in x }` at a plain
// number); no operation then meets two tags, so each derivative call also checks the
// tag of its closure's result (`checkResult`).
//
// Cost: 4 bytes per dual (a `Dual<Double>` is 24 bytes rather than 16) and two integer
// comparisons per binary operation, well predicted; one atomic increment per derivative
// call. Measured figures are in the documentation of `derivative(of:at:)`.

import Synchronization

/// The identity of one derivative computation, carried by every `Dual` and `MultiDual`
/// it creates.
///
/// Tag 0 is *untagged*: literals, lifted constants and duals a user builds by hand. An
/// untagged dual combines with any tag. Two different non-zero tags never meet in a
/// correct program; when they do, the operation traps with a message about nested
/// derivatives instead of silently mixing two perturbations.
@frozen
public struct PerturbationTag: Hashable, Sendable, CustomStringConvertible {
    /// The raw tag; 0 means untagged.
    public let rawValue: UInt32

    /// A tag with the given raw value.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The tag of constants and hand-built duals, which combines with any other tag.
    public static let untagged = PerturbationTag(rawValue: 0)

    /// A tag no live computation uses, drawn from a process-wide atomic counter.
    ///
    /// - Complexity: one relaxed atomic increment. After 2³² - 1 draws the counter wraps
    ///   (skipping 0); two computations alive that far apart could then share a tag.
    public static func fresh() -> PerturbationTag {
        while true {
            let raw = tagCounter.wrappingAdd(1, ordering: .relaxed).newValue
            if raw != 0 { return PerturbationTag(rawValue: raw) }
        }
    }

    /// The tag of a result whose operands carry `a` and `b`.
    ///
    /// Traps when both are tagged and differ: see the type's documentation.
    @inlinable @inline(__always)
    public static func merge(_ a: PerturbationTag, _ b: PerturbationTag) -> PerturbationTag {
        if a.rawValue == b.rawValue || b.rawValue == 0 { return a }
        if a.rawValue == 0 { return b }
        perturbationConfusion(a, b)
    }

    /// Checks that a derivative call's closure returned a result of that call (`self`)
    /// or a constant, and not a dual of another, enclosing, computation.
    @inlinable @inline(__always)
    public func checkResult(_ result: PerturbationTag, of function: StaticString) {
        if result.rawValue != rawValue && result.rawValue != 0 {
            perturbationEscape(expected: self, found: result, function: function)
        }
    }

    /// "tag N" or "untagged".
    public var description: String { rawValue == 0 ? "untagged" : "tag \(rawValue)" }
}

private let tagCounter = Atomic<UInt32>(0)

/// Stops a computation that mixed the perturbations of two derivative calls. `fatalError`
/// rather than `precondition` so that the message survives release builds.
@usableFromInline @inline(never)
func perturbationConfusion(_ a: PerturbationTag, _ b: PerturbationTag) -> Never {
    fatalError("""
        Wengert: perturbation confusion: an operation combined duals of two different \
        derivative computations (\(a), \(b)). This happens when a closure passed to an inner \
        derivative(of:at:) captures the variable of an outer one while the inner call is made \
        at a plain number, e.g. derivative(of: { x in x * derivative(of: { (y: Dual<Double>) in x + y }, at: 1) }, \
        at: 1.0). Make the inner call at a value of the outer type (at: x, or at: Dual(1.0)) \
        so that the nesting is expressed by type: Dual<Dual<Double>>.
        """)
}

/// Stops a derivative call whose closure returned a dual of an enclosing computation.
@usableFromInline @inline(never)
func perturbationEscape(expected: PerturbationTag, found: PerturbationTag, function: StaticString) -> Never {
    fatalError("""
        Wengert: perturbation confusion: the closure passed to \(function) returned a dual \
        of another derivative computation (\(found), expected \(expected) or a constant). \
        It captured the variable of an outer derivative call while the inner call was made \
        at a plain number; make the inner call at a value of the outer type (at: x, or at: \
        Dual(1.0)) so that the nesting is expressed by type: Dual<Dual<Double>>.
        """)
}

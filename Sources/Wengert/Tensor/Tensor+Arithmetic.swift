import CWengert

// Elementwise arithmetic with NumPy broadcasting, between tensors and with scalars.
// Each operator computes through the C kernels and records one entry. The mixed
// tensor-scalar operators are @_disfavoredOverload, as Dual's and Var's are: without it,
// long literal expressions over duals (`3 * x * x * x - 2 * x + 7 ...`) stopped
// type-checking in reasonable time once these overloads were in the module.

extension Tensor {
    /// a + b elementwise, broadcasting. Stops with both shapes if they do not broadcast.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public static func + (a: Tensor, b: Tensor) -> Tensor {
        recorded(TensorKernels.arithmetic(.add, a, b, operation: "+"), .add, a, b)
    }
    /// a - b elementwise, broadcasting.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public static func - (a: Tensor, b: Tensor) -> Tensor {
        recorded(TensorKernels.arithmetic(.subtract, a, b, operation: "-"), .subtract, a, b)
    }
    /// a · b elementwise, broadcasting.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public static func * (a: Tensor, b: Tensor) -> Tensor {
        recorded(TensorKernels.arithmetic(.multiply, a, b, operation: "*"), .multiply, a, b, saving: a, b, factorsOnly: true)
    }
    /// a / b elementwise, broadcasting.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = TensorKernels.arithmetic(.divide, a, b, operation: "/")
        return recorded(out, .divide, a, b, saving: b, out, savedOutput: 1)
    }
    /// -a elementwise.
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public static prefix func - (a: Tensor) -> Tensor {
        recorded(TensorKernels.elementwise(a, .negate) { -$0 }, .negate, a)
    }

    /// The tensor + a scalar (a 0-d constant, broadcast).
    @inlinable @_disfavoredOverload public static func + (a: Tensor, b: Scalar) -> Tensor {
        mixed(.add, a, b, scalarFirst: false, "+") { $0 + $1 }
    }
    /// A scalar + the tensor.
    @inlinable @_disfavoredOverload public static func + (a: Scalar, b: Tensor) -> Tensor {
        mixed(.add, b, a, scalarFirst: true, "+") { $0 + $1 }
    }
    /// The tensor - a scalar.
    @inlinable @_disfavoredOverload public static func - (a: Tensor, b: Scalar) -> Tensor {
        mixed(.subtract, a, b, scalarFirst: false, "-") { $0 - $1 }
    }
    /// A scalar - the tensor.
    @inlinable @_disfavoredOverload public static func - (a: Scalar, b: Tensor) -> Tensor {
        mixed(.subtract, b, a, scalarFirst: true, "-") { $0 - $1 }
    }
    /// The tensor · a scalar.
    @inlinable @_disfavoredOverload public static func * (a: Tensor, b: Scalar) -> Tensor {
        mixed(.multiply, a, b, scalarFirst: false, "*") { $0 * $1 }
    }
    /// A scalar · the tensor.
    @inlinable @_disfavoredOverload public static func * (a: Scalar, b: Tensor) -> Tensor {
        mixed(.multiply, b, a, scalarFirst: true, "*") { $0 * $1 }
    }
    /// The tensor / a scalar.
    @inlinable @_disfavoredOverload public static func / (a: Tensor, b: Scalar) -> Tensor {
        mixed(.divide, a, b, scalarFirst: false, "/") { $0 / $1 }
    }
    /// A scalar / the tensor.
    @inlinable @_disfavoredOverload public static func / (a: Scalar, b: Tensor) -> Tensor {
        mixed(.divide, b, a, scalarFirst: true, "/") { $0 / $1 }
    }

    /// `t op s`, or `s op t` when `scalarFirst`: when nothing is recorded
    /// (`takesScalarPath`), one kernel call that reads the scalar with stride 0; otherwise
    /// `tensorOperator` with the scalar as a 0-d tensor, which the operation's rule saves.
    @inlinable static func mixed(
        _ op: TensorArithmetic, _ t: Tensor, _ s: Scalar, scalarFirst: Bool, _ operation: StaticString,
        _ tensorOperator: (Tensor, Tensor) -> Tensor
    ) -> Tensor {
        if t.takesScalarPath { return TensorKernels.arithmetic(op, t, scalar: s, scalarFirst: scalarFirst, operation: operation) }
        return scalarFirst ? tensorOperator(Tensor(s), t) : tensorOperator(t, Tensor(s))
    }

    /// Whether an operation of this tensor with a scalar runs without making the scalar a
    /// tensor: on the CPU and not recorded (untracked, or gradients off). A recorded one
    /// saves the scalar as a tensor for its rule; another device takes it as an upload.
    @inlinable var takesScalarPath: Bool { placement.kind == .cpu && (!isTracked || !Tensor.isGradientEnabled) }

    /// x² elementwise (one entry rather than x * x's).
    /// - Complexity: O(n) and one recorded entry.
    @inlinable public func squared() -> Tensor {
        Tensor.recorded(TensorKernels.square(self), .squared, self, saving: self)
    }

    /// Replaces `lhs` with `lhs op rhs`. On a leaf that requires a gradient this is only
    /// allowed inside `withoutGradient { }`, where the leaf keeps its identity and its
    /// `grad` (the optimiser step); elsewhere it stops, as PyTorch does. The result must
    /// keep `lhs`'s shape when `lhs` is a leaf.
    @inlinable static func update(_ lhs: inout Tensor, _ result: (Tensor) -> Tensor, operation: StaticString) {
        if let box = lhs.tracking?.leafBox(Scalar.self) {
            if isGradientEnabled {
                wengertTensorInvalid(
                    "\(operation) on a leaf tensor that requires a gradient; "
                        + "update parameters inside withoutGradient { } (or detach them first).")
            }
            let shape = lhs.dimensions
            lhs = result(lhs)
            if lhs.dimensions != shape { wengertTensorShapeMismatch(shape, lhs.dimensions, operation: operation) }
            lhs.tracking = .leaf(box)
        } else {
            lhs = result(lhs)
        }
    }

    /// lhs = lhs + rhs: on a leaf that requires a gradient only inside `withoutGradient { }`
    /// (the optimiser step), where the leaf keeps its identity and its `grad`.
    /// In place (the same bits, no new buffer) when nothing else holds `lhs`'s buffer and
    /// the result keeps its shape (`TensorKernels.arithmeticInPlace`).
    @inlinable public static func += (lhs: inout Tensor, rhs: Tensor) {
        if TensorKernels.arithmeticInPlace(.add, &lhs, rhs, operation: "+=") { return }
        update(&lhs, { $0 + rhs }, operation: "+=")
    }
    /// lhs = lhs - rhs, in place when `+=` would be.
    @inlinable public static func -= (lhs: inout Tensor, rhs: Tensor) {
        if TensorKernels.arithmeticInPlace(.subtract, &lhs, rhs, operation: "-=") { return }
        update(&lhs, { $0 - rhs }, operation: "-=")
    }
    /// lhs = lhs · rhs, in place when `+=` would be.
    @inlinable public static func *= (lhs: inout Tensor, rhs: Tensor) {
        if TensorKernels.arithmeticInPlace(.multiply, &lhs, rhs, operation: "*=") { return }
        update(&lhs, { $0 * rhs }, operation: "*=")
    }
    /// lhs = lhs / rhs, in place when `+=` would be.
    @inlinable public static func /= (lhs: inout Tensor, rhs: Tensor) {
        if TensorKernels.arithmeticInPlace(.divide, &lhs, rhs, operation: "/=") { return }
        update(&lhs, { $0 / rhs }, operation: "/=")
    }
    /// lhs = lhs + rhs.
    @inlinable public static func += (lhs: inout Tensor, rhs: Scalar) { lhs += Tensor(rhs) }
    /// lhs = lhs - rhs.
    @inlinable public static func -= (lhs: inout Tensor, rhs: Scalar) { lhs -= Tensor(rhs) }
    /// lhs = lhs · rhs.
    @inlinable public static func *= (lhs: inout Tensor, rhs: Scalar) { lhs *= Tensor(rhs) }
    /// lhs = lhs / rhs.
    @inlinable public static func /= (lhs: inout Tensor, rhs: Scalar) { lhs /= Tensor(rhs) }
}

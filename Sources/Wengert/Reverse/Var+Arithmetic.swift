// Arithmetic on tape variables. Each operator records at most one entry: two recorded
// operands give a two-operand entry; a constant operand (a literal, a lifted `T`)
// gives a one-operand entry whose constant goes on the constant stream for replay;
// constants alone record nothing. Mixed `Var`/`T` operators are disfavoured, as
// `Dual`'s are, so that a literal becomes a `Var` constant (one candidate, fast type
// checking) while a variable of type `T` still finds them.

extension Var: ExpressibleByIntegerLiteral {
    /// A constant.
    @inlinable public init(integerLiteral value: Int) { self.init(constant: T(value)) }
}

extension Var: ExpressibleByFloatLiteral {
    /// A constant.
    @inlinable public init(floatLiteral value: Double) { self.init(constant: T(value)) }
}

extension Var {
    /// Records `x ∘ y` for a commutative-or-not operation with one-operand forms:
    /// `right` when y is constant, `left` when x is.
    @inlinable @inline(__always)
    static func arithmetic(_ op: ReverseOpcode, _ x: Var, _ y: Var,
                           right: ReverseOpcode, left: ReverseOpcode) -> Var {
        if x.slot != 0 && y.slot != 0 {
            let h = checkedHeader(x, y)
            let r = ReverseRule<T>.binary(op, x.value, y.value)
            return append(h, r.value, op, x.slot, r.lhs, y.slot, r.rhs)
        }
        if y.slot == 0 {
            if x.slot == 0 { return Var(constant: ReverseRule<T>.binary(op, x.value, y.value).value) }
            return recordUnary(right, x, constant: y.value, hasConstant: true)
        }
        return recordUnary(left, y, constant: x.value, hasConstant: true)
    }
}

extension Var: AdditiveArithmetic {
    /// The constant 0.
    @inlinable public static var zero: Var { Var(constant: 0) }

    /// x + y; partials 1 and 1.
    @inlinable @inline(__always)
    public static func + (lhs: Var, rhs: Var) -> Var {
        arithmetic(.add, lhs, rhs, right: .addConstant, left: .addConstant)
    }

    /// x - y; partials 1 and -1.
    @inlinable @inline(__always)
    public static func - (lhs: Var, rhs: Var) -> Var {
        arithmetic(.subtract, lhs, rhs, right: .subtractConstant, left: .constantMinus)
    }

    /// Adds in place (records a new entry; `lhs` becomes the result).
    @inlinable @inline(__always) public static func += (lhs: inout Var, rhs: Var) { lhs = lhs + rhs }
    /// Subtracts in place.
    @inlinable @inline(__always) public static func -= (lhs: inout Var, rhs: Var) { lhs = lhs - rhs }
}

extension Var: Numeric {
    /// A constant from an integer, when `T` represents it exactly.
    @inlinable
    public init?<Source: BinaryInteger>(exactly source: Source) {
        guard let v = T(exactly: source) else { return nil }
        self.init(constant: v)
    }

    /// |self|, with derivative sign(x) (0 at 0).
    @inlinable public var magnitude: Var { Var.abs(self) }

    /// x · y; partials y and x.
    @inlinable @inline(__always)
    public static func * (lhs: Var, rhs: Var) -> Var {
        arithmetic(.multiply, lhs, rhs, right: .multiplyConstant, left: .multiplyConstant)
    }

    /// Multiplies in place.
    @inlinable @inline(__always) public static func *= (lhs: inout Var, rhs: Var) { lhs = lhs * rhs }
}

extension Var: SignedNumeric {
    /// -x; partial -1.
    @inlinable @inline(__always)
    public static prefix func - (operand: Var) -> Var { recordUnary(.negate, operand) }
}

extension Var {
    /// x / y; partials 1/y and -(x/y)/y.
    @inlinable @inline(__always)
    public static func / (lhs: Var, rhs: Var) -> Var {
        arithmetic(.divide, lhs, rhs, right: .divideConstant, left: .constantOver)
    }

    /// Divides in place.
    @inlinable @inline(__always) public static func /= (lhs: inout Var, rhs: Var) { lhs = lhs / rhs }

    /// Adds a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: Var, rhs: T) -> Var { recordUnary(.addConstant, lhs, constant: rhs, hasConstant: true) }
    /// Adds to a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func + (lhs: T, rhs: Var) -> Var { recordUnary(.addConstant, rhs, constant: lhs, hasConstant: true) }
    /// Subtracts a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: Var, rhs: T) -> Var { recordUnary(.subtractConstant, lhs, constant: rhs, hasConstant: true) }
    /// Subtracts from a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func - (lhs: T, rhs: Var) -> Var { recordUnary(.constantMinus, rhs, constant: lhs, hasConstant: true) }
    /// Scales by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: Var, rhs: T) -> Var { recordUnary(.multiplyConstant, lhs, constant: rhs, hasConstant: true) }
    /// Scales a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func * (lhs: T, rhs: Var) -> Var { recordUnary(.multiplyConstant, rhs, constant: lhs, hasConstant: true) }
    /// Divides by a constant.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: Var, rhs: T) -> Var { recordUnary(.divideConstant, lhs, constant: rhs, hasConstant: true) }
    /// Divides a constant: c / x, with partial -(c/x)/x.
    @inlinable @inline(__always) @_disfavoredOverload
    public static func / (lhs: T, rhs: Var) -> Var { recordUnary(.constantOver, rhs, constant: lhs, hasConstant: true) }

    /// Adds a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func += (lhs: inout Var, rhs: T) { lhs = lhs + rhs }
    /// Subtracts a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func -= (lhs: inout Var, rhs: T) { lhs = lhs - rhs }
    /// Scales by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func *= (lhs: inout Var, rhs: T) { lhs = lhs * rhs }
    /// Divides by a constant in place.
    @inlinable @inline(__always) @_disfavoredOverload public static func /= (lhs: inout Var, rhs: T) { lhs = lhs / rhs }
}

extension Var {
    /// x · y + z, the step of a running sum of products (`s = multiplyAdd(a[j], b[j], s)`),
    /// with the value `x.value * y.value + z.value` (two roundings, as plain `x * y + z`).
    ///
    /// When x, y and z are recorded and z is the entry recorded last, as it is in such a
    /// loop, this records one entry instead of a product and a sum: the entry names x and
    /// y with partials y and x, and passes its adjoint to z (slot i − 1) with partial 1
    /// without storing it. Otherwise it records `x * y + z` as those two operations do.
    ///
    /// - Complexity: O(1); one entry, or two when z is not the latest entry.
    @inlinable @inline(__always)
    public static func multiplyAdd(_ x: Var, _ y: Var, _ z: Var) -> Var {
        if x.slot != 0 && y.slot != 0 && z.slot != 0 {
            let h = checkedHeader(x, y)
            if z.slot &+ 1 == h.pointee.count && z.header == h && z.epoch == x.epoch {
                h.pointee.hasMultiplyAdd = true
                return append(h, x.value * y.value + z.value, .multiplyAdd, x.slot, y.value, y.slot, x.value)
            }
        }
        return x * y + z
    }
}

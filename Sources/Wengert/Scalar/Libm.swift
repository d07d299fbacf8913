#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

// The C math library under names that cannot collide with the static requirements of
// `DifferentiableScalar`: inside `extension Double`, an unqualified `sin(x)` would name
// `Double.sin` itself. At module scope the C library's concrete overloads win over the
// generic free functions of this module, because Swift prefers non-generic candidates.

@inlinable func libmSin(_ x: Double) -> Double { sin(x) }
@inlinable func libmCos(_ x: Double) -> Double { cos(x) }
@inlinable func libmTan(_ x: Double) -> Double { tan(x) }
@inlinable func libmAsin(_ x: Double) -> Double { asin(x) }
@inlinable func libmAcos(_ x: Double) -> Double { acos(x) }
@inlinable func libmAtan(_ x: Double) -> Double { atan(x) }
@inlinable func libmAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
@inlinable func libmSinh(_ x: Double) -> Double { sinh(x) }
@inlinable func libmCosh(_ x: Double) -> Double { cosh(x) }
@inlinable func libmTanh(_ x: Double) -> Double { tanh(x) }
@inlinable func libmExp(_ x: Double) -> Double { exp(x) }
@inlinable func libmExpm1(_ x: Double) -> Double { expm1(x) }
@inlinable func libmLog(_ x: Double) -> Double { log(x) }
@inlinable func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inlinable func libmLog2(_ x: Double) -> Double { log2(x) }
@inlinable func libmLog10(_ x: Double) -> Double { log10(x) }
@inlinable func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inlinable func libmCbrt(_ x: Double) -> Double { cbrt(x) }
@inlinable func libmHypot(_ x: Double, _ y: Double) -> Double { hypot(x, y) }
@inlinable func libmErf(_ x: Double) -> Double { erf(x) }

@inlinable func libmSin(_ x: Float) -> Float { sin(x) }
@inlinable func libmCos(_ x: Float) -> Float { cos(x) }
@inlinable func libmTan(_ x: Float) -> Float { tan(x) }
@inlinable func libmAsin(_ x: Float) -> Float { asin(x) }
@inlinable func libmAcos(_ x: Float) -> Float { acos(x) }
@inlinable func libmAtan(_ x: Float) -> Float { atan(x) }
@inlinable func libmAtan2(_ y: Float, _ x: Float) -> Float { atan2(y, x) }
@inlinable func libmSinh(_ x: Float) -> Float { sinh(x) }
@inlinable func libmCosh(_ x: Float) -> Float { cosh(x) }
@inlinable func libmTanh(_ x: Float) -> Float { tanh(x) }
@inlinable func libmExp(_ x: Float) -> Float { exp(x) }
@inlinable func libmExpm1(_ x: Float) -> Float { expm1(x) }
@inlinable func libmLog(_ x: Float) -> Float { log(x) }
@inlinable func libmLog1p(_ x: Float) -> Float { log1p(x) }
@inlinable func libmLog2(_ x: Float) -> Float { log2(x) }
@inlinable func libmLog10(_ x: Float) -> Float { log10(x) }
@inlinable func libmPow(_ x: Float, _ y: Float) -> Float { pow(x, y) }
@inlinable func libmCbrt(_ x: Float) -> Float { cbrt(x) }
@inlinable func libmHypot(_ x: Float, _ y: Float) -> Float { hypot(x, y) }
@inlinable func libmErf(_ x: Float) -> Float { erf(x) }

// Which backend unary codes the vectorised C kernels (Elementary.c) compute: one table
// for both CPU paths, the tensors' kernels (TensorKernels.unaryCode) and the CPU
// backend's contiguous rows, so neither falls back to libm per element where the other
// does not.

import CWengert

extension UnaryOperation {
    /// The `wengert_unary_op` of the vectorised C kernel for this operation, nil where
    /// there is none (a copy, x², 1/x and the sign are loops the compiler vectorises).
    @inlinable var vectorKernel: Int32? {
        let code: wengert_unary_op
        switch self {
        case .exp: code = WENGERT_UNARY_EXP
        case .expm1: code = WENGERT_UNARY_EXPM1
        case .log: code = WENGERT_UNARY_LOG
        case .log1p: code = WENGERT_UNARY_LOG1P
        case .log2: code = WENGERT_UNARY_LOG2
        case .log10: code = WENGERT_UNARY_LOG10
        case .sin: code = WENGERT_UNARY_SIN
        case .cos: code = WENGERT_UNARY_COS
        case .tan: code = WENGERT_UNARY_TAN
        case .tanh: code = WENGERT_UNARY_TANH
        case .sigmoid: code = WENGERT_UNARY_SIGMOID
        case .softplus: code = WENGERT_UNARY_SOFTPLUS
        case .sinh: code = WENGERT_UNARY_SINH
        case .cosh: code = WENGERT_UNARY_COSH
        case .sqrt: code = WENGERT_UNARY_SQRT
        case .abs: code = WENGERT_UNARY_ABS
        case .relu: code = WENGERT_UNARY_RELU
        case .negate: code = WENGERT_UNARY_NEGATE
        case .asin: code = WENGERT_UNARY_ASIN
        case .acos: code = WENGERT_UNARY_ACOS
        case .atan: code = WENGERT_UNARY_ATAN
        case .cbrt: code = WENGERT_UNARY_CBRT
        case .erf: code = WENGERT_UNARY_ERF
        case .identity, .square, .reciprocal, .sign: return nil
        }
        return Int32(code.rawValue)
    }
}

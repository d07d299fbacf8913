// The hooks of the tensor core: an observer that the recording tells about each operation
// it records and the backward sweep about each rule it ran, installed per thread around
// synchronous code. The core owns this protocol and its slot; anomaly detection
// (GradientCheck/) plugs into it, so the core never calls up into the layers above it.

import CWengert

/// Receives each recorded operation's result and each backward rule's inputs and results
/// during tensor forward and backward passes on the thread it is installed on.
@usableFromInline
protocol TensorSweepObserver: AnyObject {
    /// Called after an operation named like "log" was recorded as entry `index`, with
    /// its operands (tracked or not) and its `result`.
    func operationWasRecorded<S: TensorScalar>(_ name: String, index: Int, operands: [Tensor<S>], result: Tensor<S>)

    /// Called after the rule of entry `index` (named like "SqrtBackward") turned the
    /// cotangent `upstream` into `results`, one per operand (nil where not needed), from
    /// the tensors it had saved; `operandShapes` are the shapes of the operation's operands.
    func backwardRuleDidRun<S: TensorScalar>(
        _ name: String, index: Int, saved: ArraySlice<Tensor<S>>, operandShapes: ArraySlice<[Int]>, upstream: Tensor<S>,
        results: [Tensor<S>?])
}

/// The calling thread's installed observer: one load when there is none.
@inlinable @inline(__always)
var tensorSweepObserver: (any TensorSweepObserver)? {
    guard let raw = wengert_thread_slot(WENGERT_SLOT_TENSOR_OBSERVER) else { return nil }
    return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? any TensorSweepObserver
}

/// Installs `observer` for the calling thread (nil removes it) and returns the previous
/// one. The slot does not retain it: the caller keeps it alive while installed.
@usableFromInline
func installTensorSweepObserver(_ observer: (any TensorSweepObserver)?) -> (any TensorSweepObserver)? {
    let previous = tensorSweepObserver
    wengert_set_thread_slot(WENGERT_SLOT_TENSOR_OBSERVER, observer.map { Unmanaged.passUnretained($0 as AnyObject).toOpaque() })
    return previous
}

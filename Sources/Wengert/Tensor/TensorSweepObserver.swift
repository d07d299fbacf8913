// The one hook of the tensor backward pass: an observer that the sweep tells about each
// rule it ran, installed per thread around synchronous code. The core owns this
// protocol and its slot; anomaly detection (GradientCheck/) plugs into it, so the core
// never calls up into the layers above it.

import CWengert

/// Receives each backward rule's inputs and results during tensor backward passes on the
/// thread it is installed on.
@usableFromInline
protocol TensorSweepObserver: AnyObject {
    /// Called after the rule of entry `index` (named like "SqrtBackward") turned the
    /// cotangent `upstream` into `results`, one per operand (nil where not needed), from
    /// the tensors it had saved.
    func backwardRuleDidRun<S: TensorScalar>(
        _ name: String, index: Int, saved: ArraySlice<Tensor<S>>, upstream: Tensor<S>, results: [Tensor<S>?])
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

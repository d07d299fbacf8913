// Tensor<Scalar>: a value type with copy-on-write storage, a shape and a device, whose
// operations are recorded for reverse mode in a flat recording that belongs to the
// computation (TensorRecording.swift) and differentiated by one table of rules
// (TensorPullbacks.swift), after tinygrad's gradient.py. The scalars live in a buffer
// from the device's caching arena (TensorStorage.swift); a tensor that requires a
// gradient also carries its place in the recording.

/// An n-dimensional array of `Float` or `Double` with PyTorch's autograd semantics.
///
/// ```swift
/// let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
/// let out = ((x + 2) * (x + 2) * 3).mean()
/// out.backward()            // x.grad! == 4.5 everywhere
/// ```
///
/// `Tensor` is a value: assigning it copies (lazily), and mutating a copy never changes
/// the original. That is why PyTorch's "a variable needed for gradient computation has
/// been modified by an inplace operation" error cannot happen here. In PyTorch
///
/// ```python
/// y = x.exp(); z = y * 2; y.add_(1); z.sum().backward()   # RuntimeError (version counter)
/// ```
///
/// while in Wengert `y += 1` rebinds `y` to a new value; the recording still holds the
/// `y` that `exp` produced, so the backward pass is correct without any version counter:
///
/// ```swift
/// var y = exp(x); let z = y * 2; y += 1; z.sum().backward()   // grad = 2·eˣ, as it should
/// ```
///
/// A leaf is a tensor made by ``requiringGradient()``; its copies share its identity and
/// its ``grad``. Interior tensors (results of recorded operations) name the operation that
/// made them in ``gradientFunctionName`` (PyTorch's `grad_fn`).
///
/// A tensor is `Sendable`, tracked or not: a computation may record its forward pass in
/// one task and run `backward()` in another, many tasks may train at once (interleaved on
/// one thread across `await`s, or in parallel), and several computations may use the same
/// leaves at once; each `backward()` accumulates into the leaves' `grad` exactly once.
///
/// See <doc:TensorsAndTraining>.
@frozen
public struct Tensor<Scalar: TensorScalar> {
    /// The scalars in row-major order, in a buffer of the tensor's device that no
    /// operation writes after it is filled, so values can share it (TensorStorage.swift).
    @usableFromInline var storage: DeviceBuffer
    /// The extent of each axis, inline up to rank 4 (TensorDimensions.swift).
    @usableFromInline var dimensions: TensorDimensions
    /// Where the scalars live.
    @usableFromInline var placement: Device
    /// The object of the tensor's place in a recording (its leaf box or its recording),
    /// `TensorTrackingOwner.constant` for a constant. With `trackingIndex` it is
    /// `tracking`, stored as two plain fields: this compiler copies and destroys an
    /// optional (even an optional class reference) through the runtime's value
    /// witnesses, some 60 instructions each time a tensor value dies, while a
    /// non-optional reference is retained and released directly.
    @usableFromInline var trackingOwner: TensorTrackingOwner
    /// The entry in the recording; -1 for a leaf, `Int.min` for a constant.
    @usableFromInline var trackingIndex: Int

    /// Makes an untracked tensor over `buffer`, already filled and checked to agree
    /// with `shape` and to belong to `device`.
    @inlinable
    init(buffer: DeviceBuffer, shape: TensorDimensions, device: Device) {
        self.init(buffer: buffer, shape: shape, device: device, owner: .constant, index: .min)
    }

    /// A tensor over `buffer` (filled, agreeing with `shape` and `device`) whose place in
    /// a recording is entry `index` of `owner` (`.constant` and `.min` for none).
    @inlinable
    init(buffer: DeviceBuffer, shape: TensorDimensions, device: Device, owner: TensorTrackingOwner, index: Int) {
        self.storage = buffer
        self.dimensions = shape
        self.placement = device
        self.trackingOwner = owner
        self.trackingIndex = index
    }

    /// The tensor's place in a recording, or nil when it is a constant.
    @inlinable var tracking: TensorTracking? {
        get { isTracked ? TensorTracking(owner: trackingOwner, index: trackingIndex) : nil }
        set {
            if let newValue {
                trackingOwner = newValue.owner
                trackingIndex = newValue.index
            } else {
                trackingOwner = .constant
                trackingIndex = .min
            }
        }
    }

    /// Whether the tensor has a place in a recording (a leaf or an interior tensor).
    @inlinable var isTracked: Bool { trackingIndex != .min }

    /// `init(buffer:shape:device:)` with the shape as an array.
    @inlinable
    init(buffer: DeviceBuffer, shape: [Int], device: Device) {
        self.init(buffer: buffer, shape: TensorDimensions(shape), device: device)
    }

    /// The extent of each axis; `[]` for a 0-d tensor.
    @inlinable public var shape: [Int] { dimensions.array }
    /// The number of axes.
    @inlinable public var rank: Int { dimensions.count }
    /// The number of scalars (the product of the shape).
    @inlinable public var scalarCount: Int { storage.byteCount / MemoryLayout<Scalar>.stride }
    /// The device that holds the scalars.
    @inlinable public var device: Device { placement }
    /// All scalars in row-major order, copied to the host: for a tensor on an OpenCL
    /// device this is the explicit download (it waits for the device's queue).
    /// - Complexity: O(n); stops with the device's error if the download fails.
    @inlinable public var scalars: [Scalar] { downloaded() }

    /// The single scalar of a tensor with one element (a 0-d tensor, `[1]`, `[1, 1]`...).
    /// Stops with a message naming the shape otherwise. Downloads from a device.
    @inlinable public var scalar: Scalar {
        if scalarCount != 1 { wengertTensorNotScalar(dimensions, operation: "scalar") }
        return placement.kind == .cpu ? hostBase[0] : downloaded()[0]
    }
}

/// Checked by the compiler: the storage is a value, and the tracking's shared objects (a
/// recording, a leaf's gradient box) synchronise every access with their locks.
extension Tensor: Sendable {}

extension Tensor: CustomStringConvertible {
    /// The scalars (nested by axis up to rank 2; the first and last three when there
    /// are more than 64), the shape, and for an interior tensor the operation that made it: `[[1.0, 2.0], [3.0, 4.0]] shape [2, 2] grad_fn MultiplyBackward`.
    public var description: String {
        let storage = scalars
        var text: String
        switch dimensions.count {
        case 0: text = "\(storage[0])"
        case _ where storage.count > 64:
            // Like NumPy and PyTorch, summarise large tensors rather than print them whole.
            let head = storage.prefix(3).map { "\($0)" }, tail = storage.suffix(3).map { "\($0)" }
            text = "[" + (head + ["..."] + tail).joined(separator: ", ") + "]"
        case 2 where dimensions[1] > 0:
            let cols = dimensions[1]
            text = "[" + (0..<dimensions[0]).map { r in
                "[" + storage[(r * cols)..<((r + 1) * cols)].map { "\($0)" }.joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "]"
        default: text = "[" + storage.map { "\($0)" }.joined(separator: ", ") + "]"
        }
        text += " shape \(dimensions)"
        if placement != .cpu { text += " device \(placement)" }
        if let name = gradientFunctionName {
            text += " grad_fn \(name)"
        } else if requiresGradient {
            text += " requires_grad"
        }
        return text
    }
}

extension Tensor: Equatable {
    /// Equal shapes, devices and scalars (IEEE comparison: NaN differs from itself).
    /// Whether either requires a gradient does not matter.
    /// - Complexity: O(n).
    @inlinable public static func == (a: Tensor, b: Tensor) -> Bool {
        a.dimensions == b.dimensions && a.placement == b.placement && (a.storage === b.storage || a.scalars == b.scalars)
    }
}

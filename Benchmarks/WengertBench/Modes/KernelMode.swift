import Wengert

extension Mode {
    /// One unrecorded elementwise tensor kernel, c = a + b on `Tensor<Float>`, timed for
    /// its throughput; `plain` copies the same number of bytes with memcpy.
    static let kernel = Mode(
        name: "kernel", summary: "Tensor<Float> a + b, unrecorded: elementwise throughput (plain: memcpy)",
        prepare: { objective in
            guard case .stream(let f) = objective else { return nil }
            let a = Tensor<Float>(shape: [f.a.count], scalars: f.a)
            let b = Tensor<Float>(shape: [f.b.count], scalars: f.b)
            return PreparedRun(
                run: { sink(opaque(a) + opaque(b)) },
                output: { .selfChecked(f.checkSum((a + b).scalars)) },
                bytesMoved: f.bytesMoved)
        })
}

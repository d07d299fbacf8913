import Wengert

extension Mode {
    /// Points per call of the batch modes: enough for every core of a small machine to
    /// get whole gradients.
    static let batchPoints = 8
    /// `batch` on one thread.
    static let batchOneThread = batch(threads: 1)
    /// `batch` on every core.
    static let batchAllThreads = batch(threads: nil)

    /// The same work on one thread and on every core, so that the two rows' ratio is
    /// the speed-up: gradients at `batchPoints` points near x (`Reverse.gradients`), or
    /// the Jacobian's rows (`Reverse.jacobian(of:at:threads:)`).
    static func batch(threads: Int?) -> Mode {
        Mode(
            name: threads == 1 ? "batch" : "batch-threads",
            summary: threads == 1
                ? "Reverse.gradients at 8 points / Reverse.jacobian rows, threads: 1 (batch-threads' unit)"
                : "Reverse.gradients at 8 points / Reverse.jacobian rows, split across every core",
            prepare: { objective in
                switch objective {
                case .scalar(let f):
                    let x = f.input
                    let points = (0..<batchPoints).map { k in k == 0 ? x : x.map { $0 * (1 + 1e-3 * Double(k)) } }
                    let body = { (p: [[Double]]) in
                        Reverse.gradients(of: { f.value($0) }, atEach: p, threads: threads)
                    }
                    return PreparedRun(run: { sink(body(opaque(points))[0]) },
                                       output: { .gradient(body(points)[0]) })
                case .vector(let f):
                    let x = f.input
                    let body = { (x: [Double]) in Reverse.jacobian(of: { f.values($0) }, at: x, threads: threads) }
                    return PreparedRun(run: { sink(body(opaque(x))) }, output: { .jacobian(body(x)) })
                case .tensor, .loop, .stream, .product:
                    return nil
                }
            })
    }
}

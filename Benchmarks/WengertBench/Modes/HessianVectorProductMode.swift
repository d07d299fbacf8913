import Wengert

extension Mode {
    /// `hessianVectorProduct(of:at:along:)`: forward over reverse, one recording on
    /// `Var<Dual<Double>>` and one sweep.
    static let hessianVectorProduct = Mode(
        name: "hvp", summary: "hessianVectorProduct: H·v by forward over reverse (Var<Dual<Double>>)",
        prepare: { objective in
            guard case .scalar(let f) = objective else { return nil }
            let x = f.input
            let v = checkDirection(count: x.count)
            let body = { (x: [Double]) in Wengert.hessianVectorProduct(of: { f.value($0) }, at: x, along: v) }
            return PreparedRun(run: { sink(body(opaque(x))) }, output: { .hessianVectorProduct(body(x)) })
        })
}

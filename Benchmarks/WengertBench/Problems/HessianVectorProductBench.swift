import Foundation
import Wengert

/// `--hvp`: the cost of a tensor Hessian-vector product (reverse over reverse: a backward
/// pass that records, then a backward pass over that recording) over the cost of a
/// gradient, on the mlp-784-256-10 loss (tanh, softmax cross-entropy, batch 64, Float). The
/// two are timed alternately, call for call, so that load on a shared machine falls on
/// both; the ratio of the medians and of the minima is printed. Before timing, H·v in
/// Double is checked against central differences of the gradient along v.
enum HessianVectorProductBench {
    static func report(iterations: Int, batch: Int = 64) -> (text: String, agreed: Bool) {
        let f = MLP784Objective(batch: batch)
        let (error, agreed) = check(f)
        let floatConstants = f.constants.map { Tensor<Float>(shape: $0.shape, scalars: $0.float) }
        let w = Tensor<Float>(shape: f.parameterShape, scalars: f.input.map { Float($0) })
        let v = Tensor<Float>(randomNormal: f.parameterShape, seed: 64)
        let loss = { (p: Tensor<Float>) in f.loss(p, floatConstants) }
        let gradient = { () -> Tensor<Float> in
            let leaf = w.requiringGradient()
            loss(leaf).backward()
            return leaf.grad!
        }
        let product = { hessianVectorProduct(of: loss, at: w, along: v) }
        for _ in 0..<3 {
            sink(gradient())
            sink(product())
        }
        var gradientTimes: [Double] = [], productTimes: [Double] = []
        for _ in 0..<iterations {
            var start = monotonicNanoseconds()
            sink(gradient())
            gradientTimes.append(Double(monotonicNanoseconds() - start))
            start = monotonicNanoseconds()
            sink(product())
            productTimes.append(Double(monotonicNanoseconds() - start))
        }
        func median(_ t: [Double]) -> Double { t.sorted()[t.count / 2] }
        let ms = { (t: Double) in String(format: "%.2f", t / 1e6) }
        var text = "hvp: mlp-784-256-10 loss (tanh, softmax cross-entropy, batch \(batch), Float), \(iterations) alternating timed calls "
        text += "after 3 untimed\n\n"
        text += "| computation | median ms | min ms |\n|---|---|---|\n"
        text += "| gradient (record + backward()) | \(ms(median(gradientTimes))) | \(ms(gradientTimes.min()!)) |\n"
        text += "| Hessian-vector product (record + backward creating a graph + backward) | "
        text += "\(ms(median(productTimes))) | \(ms(productTimes.min()!)) |\n\n"
        text += "HVP / gradient: \(String(format: "%.2f", median(productTimes) / median(gradientTimes))) (medians), "
        text += "\(String(format: "%.2f", productTimes.min()! / gradientTimes.min()!)) (minima)\n"
        text += "check (Double): H·v against central differences of the gradient along v, "
        text += "largest error relative to max |H·v|: \(String(format: "%.1e", error))\(agreed ? "" : " (FAILED)")"
        return (text, agreed)
    }

    /// H·v in Double against (∇f(w + hv) - ∇f(w - hv)) / 2h.
    static func check(_ f: MLP784Objective) -> (error: Double, agreed: Bool) {
        let constants = f.constants.map(\.doubleTensor)
        let loss = { (p: Tensor<Double>) in f.loss(p, constants) }
        let w = Tensor<Double>(shape: f.parameterShape, scalars: f.input)
        let v = Tensor<Double>(randomNormal: f.parameterShape, seed: 64)
        let hv = hessianVectorProduct(of: loss, at: w, along: v).scalars
        let h = 1e-5
        func gradient(_ p: Tensor<Double>) -> [Double] {
            let leaf = p.requiringGradient()
            return gradients(of: loss(leaf), withRespectTo: [leaf])[0].scalars
        }
        let up = gradient(w + h * v), down = gradient(w - h * v)
        let scale = hv.map { Swift.abs($0) }.max()!
        let error = zip(hv, zip(up, down)).map { Swift.abs($0 - ($1.0 - $1.1) / (2 * h)) }.max()! / scale
        return (error, error < 1e-5 && scale > 0)
    }
}

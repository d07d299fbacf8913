import Wengert

// PyTorch's custom autograd.Function example: y = a + b P3(c + dx), P3 the Legendre
// polynomial of degree 3 with its derivative written by hand.
func runLegendre() {
    let p3 = CustomFunction<Float>(
        forward: { x in 0.5 * (5 * x * x * x - 3 * x) },
        backward: { x, upstream in upstream * 1.5 * (5 * x * x - 1) })
    let xs = Tensor<Float>(linspace: -Float.pi, Float.pi, count: 2000)
    let y = sin(xs)
    var p: [Tensor<Float>] = [0, -1, 0, 0.3].map { Tensor<Float>($0).requiringGradient() }
    let lr: Float = 5e-6
    for t in 0..<2000 {
        let yPred = p[0] + p[1] * p3(p[2] + p[3] * xs)
        let loss = (yPred - y).squared().sum()
        if t % 100 == 99 { print("\(t) \(fmt(loss.scalar, 6))") }
        loss.backward()
        withoutGradient {
            for i in 0..<4 {
                p[i] -= lr * p[i].grad!
                p[i].zeroGradient()
            }
        }
    }
    let r = p.map { $0.scalar }
    print("Result: y = \(fmt(r[0], 6)) + \(fmt(r[1], 6)) * P3(\(fmt(r[2], 6)) + \(fmt(r[3], 6)) x)")
}

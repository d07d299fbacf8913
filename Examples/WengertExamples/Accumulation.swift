import Wengert

// PyTorch's autograd tutorial, step by step.
func runAccumulation() {
    let x = Tensor<Float>(ones: [2, 2]).requiringGradient()
    print("x =", x)
    let y = x + 2
    print("y = x + 2 =", y)
    let z = y * y * 3
    let out = z.mean()
    print("z = 3 y^2 =", z)
    print("out = mean(z) =", out)
    out.backward()
    print("after out.backward(): x.grad =", x.grad!, "(d out/dx = 1.5 (x + 2) = 4.5)")
    ((x + 2) * (x + 2) * 3).mean().backward()
    print("a second forward and backward accumulates: x.grad =", x.grad!)
    x.zeroGradient()
    print("after x.zeroGradient(): x.grad =", x.grad!)

    let v = Tensor<Float>([1, 2, 3]).requiringGradient()
    let w = v * 2
    w.backward(seed: Tensor([0.1, 1, 0.0001]))
    print("w = 2 v; w.backward(seed: [0.1, 1, 0.0001]) gives v.grad =", v.grad!)

    print("x.requiresGradient =", x.requiresGradient)
    let inside = withoutGradient { (x * 3).sum() }
    print("withoutGradient { (x * 3).sum() } =", inside, "requiresGradient:", inside.requiresGradient)
    let d = (x * 2).detached()
    print("(x * 2).detached() =", d, "requiresGradient:", d.requiresGradient)
}

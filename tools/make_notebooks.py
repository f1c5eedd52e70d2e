"""Write the lesson notebooks in `notebooks/` from the cells below (outputs stripped).

The notebooks are generated so that they can be reviewed as code: edit a cell here, then run
`python tools/make_notebooks.py` and commit both this file and the regenerated `.ipynb` files.
`tests/test_notebooks.py` executes every notebook and checks that they match this script.
"""
import sys
import textwrap
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def md(text):
    return ("markdown", textwrap.dedent(text).strip())


def code(text):
    return ("code", textwrap.dedent(text).strip())


CHAIN_RULE = [
    md("""
    # 1. Derivatives, the chain rule and the computation graph

    Training a neural network means following the gradient of a loss downhill. chainrule computes
    those gradients by *reverse-mode automatic differentiation*: every operation is recorded in a
    graph, and `backward()` walks that graph from the output back to the inputs, applying the
    chain rule at each node.

    This notebook starts with single numbers (`Value`), then moves to arrays (`Tensor`).
    """),
    code("""
    import math

    import numpy as np

    import autograd
    from autograd import Tensor, Value
    """),
    md("""
    ## Derivatives of simple functions

    For f(x) = 2x + 1 the derivative is f'(x) = 2 everywhere: a step of size h in x changes f by 2h.
    A `Value` remembers how it was computed; `backward()` fills `x.grad` with df/dx.
    """),
    code("""
    x = Value(3.0, label="x")
    f = 2 * x + 1
    f.backward()
    print(f"f(3) = {f.data},  f'(3) = {x.grad}")
    assert f.data == 7.0 and x.grad == 2.0
    """),
    md("""
    For y = x³ − 2x the derivative is y' = 3x² − 2. We check autograd against that formula at
    several points, and against the slope measured with a tiny step h (a finite difference).
    """),
    code("""
    def y_of(x):
        return x**3 - 2 * x

    h = 1e-6
    print(f"{'x':>5} {'y(x)':>9} {'autograd dy/dx':>15} {'3x^2 - 2':>9} {'finite diff.':>13}")
    for x0 in [-2.0, -1.0, 0.0, 0.5, 1.0, 2.0]:
        x = Value(x0)
        y = y_of(x)
        y.backward()
        slope = (y_of(x0 + h) - y_of(x0 - h)) / (2 * h)
        print(f"{x0:5.1f} {y.data:9.3f} {x.grad:15.6f} {3 * x0**2 - 2:9.3f} {slope:13.6f}")
        assert math.isclose(x.grad, 3 * x0**2 - 2)
        assert math.isclose(x.grad, slope, abs_tol=1e-6)
    """),
    md("""
    ## The chain rule

    When y depends on x only through an intermediate x1 = g(x), the chain rule says

    dy/dx = dy/dx1 · dx1/dx.

    Take x1 = x² and y = exp(x1) at x = 0.5. We compute the two local derivatives separately (two
    small graphs) and the whole derivative in one graph, and compare.
    """),
    code("""
    x0 = 0.5

    # dx1/dx: the graph of x1 = x**2 alone.
    x = Value(x0)
    x1 = x**2
    x1.backward()
    dx1_dx = x.grad

    # dy/dx1: x1 as the input of y = exp(x1).
    x1_leaf = Value(x0**2)
    y = x1_leaf.exp()
    y.backward()
    dy_dx1 = x1_leaf.grad

    # dy/dx: the whole graph y = exp(x**2).
    x = Value(x0)
    y = (x**2).exp()
    y.backward()
    dy_dx = x.grad

    print(f"dy/dx1 = {dy_dx1:.6f},  dx1/dx = {dx1_dx:.6f},  product = {dy_dx1 * dx1_dx:.6f}")
    print(f"dy/dx  = {dy_dx:.6f}   (by hand: 2x exp(x^2) = {2 * x0 * math.exp(x0**2):.6f})")
    assert math.isclose(dy_dx, dy_dx1 * dx1_dx)
    """),
    md("""
    ## A computation graph

    A one-weight linear model and its error, one operation per line:

    ```
    x1 = x * w
    x2 = x1 + b
    loss_val = x2 - y_true
    ```

    With x = 2, backward gives dloss/dw = x = 2 (w is multiplied by x) and dloss/db = 1 (b is
    added once). Intermediate nodes have gradients too: dloss/dx1 = dloss/dx2 = 1.
    """),
    code("""
    x = Value(2.0, label="x")
    w = Value(0.5, label="w")
    b = Value(0.1, label="b")
    y_true = Value(4.0, label="y_true")

    x1 = x * w
    x1.label = "x1"
    x2 = x1 + b
    x2.label = "x2"
    loss_val = x2 - y_true
    loss_val.label = "loss_val"
    loss_val.backward()

    for v in (w, b, x1, x2, x, y_true):
        print(f"dloss_val/d{v.label:7} = {v.grad:+.1f}")
    assert w.grad == 2.0 and b.grad == 1.0
    assert x1.grad == 1.0 and x2.grad == 1.0 and x.grad == 0.5 and y_true.grad == -1.0
    """),
    md("""
    `draw_graph` draws the recorded graph: each box holds a value and its gradient, each oval
    the operation that produced the next box. (It renders with Graphviz: the system `dot` or the
    `graphviz-pure` package; without either it shows the DOT text.)
    """),
    code("""
    graph = autograd.draw_graph(loss_val)
    assert len(graph.nodes) == 7 and graph.root == graph.nodes[-1]["id"]
    graph
    """),
    md("""
    ## The backward pass, step by step

    For the squared error loss = (w·x + b − y)², `explain_backward` runs `backward()` and writes
    out every use of the chain rule: each line adds *upstream gradient × local derivative* to a
    parent's total. By hand: dloss/dw = 2(w·x + b − y)·x and dloss/db = 2(w·x + b − y).
    """),
    code("""
    w = Value(0.5, label="w")
    x = Value(2.0, label="x")
    b = Value(0.1, label="b")
    y = Value(4.0, label="y")
    loss = (w * x + b - y) ** 2

    steps = autograd.explain_backward(loss)
    print(steps)

    err = w.data * x.data + b.data - y.data
    assert math.isclose(w.grad, 2 * err * x.data) and math.isclose(b.grad, 2 * err)
    assert math.isclose(steps.totals[w], w.grad)
    """),
    md("""
    In Jupyter the same explanation also displays as a table:
    """),
    code("""
    steps
    """),
    md("""
    ## Tensors and `autograd.grad`

    A `Tensor` is an n-d array that records operations in the same way. `autograd.grad(outputs,
    inputs)` returns the gradients as new tensors instead of adding them to `.grad`, which makes
    the chain rule easy to check with an intermediate tensor: the derivative of a scalar with
    respect to a matrix W is a matrix of partial derivatives with W's shape.
    """),
    code("""
    x = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    x1 = x * x                 # elementwise square
    y = x1.exp().sum()         # a scalar

    (dy_dx,) = autograd.grad(y, x, retain_graph=True)
    (dy_dx1,) = autograd.grad(y, x1, retain_graph=True)
    (dx1_dx,) = autograd.grad(x1.sum(), x)  # x1 is elementwise, so this is dx1_i/dx_i

    print("dy/dx          ", dy_dx)
    print("dy/dx1 * dx1/dx", dy_dx1 * dx1_dx)
    assert np.allclose(dy_dx.numpy(), (dy_dx1 * dx1_dx).numpy())
    assert np.allclose(dy_dx.numpy(), 2 * x.numpy() * np.exp(x.numpy() ** 2))
    """),
    md("""
    Partial derivatives of f(W) = sum(tanh(W)) with respect to each entry of a 2×3 matrix:
    `grad(f, W)[i, j]` = 1 − tanh²(W[i, j]).
    """),
    code("""
    autograd.manual_seed(0)
    W = autograd.randn(2, 3, dtype=np.float64, requires_grad=True)
    f = W.tanh().sum()
    (dW,) = autograd.grad(f, W)
    print(dW)
    assert dW.shape == W.shape
    assert np.allclose(dW.numpy(), 1 - np.tanh(W.numpy()) ** 2)
    """),
    md("""
    Finally the two-layer model of the lesson, `softmax(relu(inputs @ W1 + b1) @ W2 + b2)` with a
    cross-entropy loss, as a graph of tensors. `names` labels the parameters in the drawing.
    """),
    code("""
    autograd.manual_seed(1)
    inputs = autograd.randn(4, 3)
    labels = np.array([0, 1, 1, 0])
    W1 = autograd.randn(3, 5, requires_grad=True)
    b1 = autograd.zeros(5, requires_grad=True)
    W2 = autograd.randn(5, 2, requires_grad=True)
    b2 = autograd.zeros(2, requires_grad=True)

    probs = autograd.softmax(autograd.relu(inputs @ W1 + b1) @ W2 + b2, axis=1)
    loss = -probs[np.arange(4), labels].log().mean()
    loss.backward()

    print(f"loss = {loss.item():.4f}")
    for name, p in [("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)]:
        print(f"{name}: shape {p.shape}, grad shape {p.grad.shape}")
        assert p.grad.shape == p.shape
    autograd.draw_graph(loss, names={"W1": W1, "b1": b1, "W2": W2, "b2": b2, "inputs": inputs})
    """),
]


LINEAR_REGRESSION = [
    md("""
    # 2. Linear regression with autograd

    The PyTorch-style workflow: tensors that require grad, a hypothesis, a cost, `zero_grad()`,
    `backward()` and an optimizer `step()`. chainrule follows PyTorch's names, so the code reads
    the same.
    """),
    code("""
    import numpy as np

    import autograd
    import nn
    from autograd import Tensor
    """),
    md("""
    ## One feature

    Three points on the line y = 2x. The model is the hypothesis x·W + b with W and b starting at
    zero; the cost is the mean squared error; plain SGD with learning rate 0.01 runs for 2,000
    epochs. Everything is float32, as in PyTorch.
    """),
    code("""
    x_train = Tensor([[1.0], [2.0], [3.0]])
    y_train = Tensor([[2.0], [4.0], [6.0]])

    W = autograd.zeros(1, requires_grad=True)
    b = autograd.zeros(1, requires_grad=True)
    optimizer = nn.optim.SGD([W, b], lr=0.01)

    nb_epochs = 2000
    for epoch in range(nb_epochs + 1):
        hypothesis = x_train * W + b
        cost = ((hypothesis - y_train) ** 2).mean()

        optimizer.zero_grad()
        cost.backward()
        optimizer.step()

        if epoch % 100 == 0:
            print(f"Epoch {epoch:4d}/{nb_epochs} W: {W.item():.3f}, b: {b.item():.3f} Cost: {cost.item():.6f}")
    """),
    md("""
    The line is found: W ≈ 2 and b ≈ 0. The cost printed at each epoch is the one computed *before*
    that epoch's update. The data are float32 throughout.
    """),
    code("""
    assert W.dtype == np.float32 and b.dtype == np.float32 and cost.dtype == np.float32
    assert abs(W.item() - 2) < 0.01 and abs(b.item()) < 0.02 and cost.item() < 1e-4
    with autograd.no_grad():
        prediction = Tensor([[4.0]]) * W + b
    print(f"prediction for x = 4: {prediction.item():.3f}")
    assert abs(prediction.item() - 8) < 0.02
    """),
    md("""
    ## Autograd practice

    w = 2 requires grad; y = w², z = 2y + 5. Then dz/dw = 2 · 2w = 4w = 8.
    """),
    code("""
    w = Tensor(2.0, requires_grad=True)
    y = w**2
    z = 2 * y + 5
    z.backward()
    print(f"dz/dw = {w.grad.item()}")
    assert w.grad.item() == 8.0
    """),
    md("""
    ## Why `zero_grad()`

    `backward()` *adds* to `.grad`, so that gradients flowing into one tensor from several paths
    add up. Across training steps that accumulation is wrong: each step needs a fresh gradient.
    With z = 2w, one backward gives dz/dw = 2; calling it again without clearing gives 4, 6, ….
    """),
    code("""
    w = Tensor(2.0, requires_grad=True)
    accumulated = []
    for step in range(5):
        z = 2 * w
        z.backward()
        accumulated.append(w.grad.item())
        print(f"step {step}: w.grad = {w.grad.item()}")
    assert accumulated == [2.0, 4.0, 6.0, 8.0, 10.0]
    """),
    md("""
    With `w.grad = None` (what `optimizer.zero_grad()` does) before each backward the gradient
    stays 2:
    """),
    code("""
    cleared = []
    for step in range(5):
        w.zero_grad()
        z = 2 * w
        z.backward()
        cleared.append(w.grad.item())
    print(cleared)
    assert cleared == [2.0] * 5
    """),
    md("""
    ## Three features: exam scores

    Predict a final score from three quiz scores. First with three separate weights w1, w2, w3 and
    a bias, all starting at zero, SGD with learning rate 1e-5 for 1,000 epochs. (The inputs are
    large, around 90, so a larger learning rate would make the updates explode.)
    """),
    code("""
    x1_train = Tensor([[73.0], [93.0], [89.0], [96.0], [73.0]])
    x2_train = Tensor([[80.0], [88.0], [91.0], [98.0], [66.0]])
    x3_train = Tensor([[75.0], [93.0], [90.0], [100.0], [70.0]])
    y_train = Tensor([[152.0], [185.0], [180.0], [196.0], [142.0]])

    w1, w2, w3, b = (autograd.zeros(1, requires_grad=True) for _ in range(4))
    optimizer = nn.optim.SGD([w1, w2, w3, b], lr=1e-5)

    nb_epochs = 1000
    for epoch in range(nb_epochs + 1):
        hypothesis = x1_train * w1 + x2_train * w2 + x3_train * w3 + b
        cost = ((hypothesis - y_train) ** 2).mean()

        optimizer.zero_grad()
        cost.backward()
        optimizer.step()

        if epoch % 100 == 0:
            print(f"Epoch {epoch:4d}/{nb_epochs} w1: {w1.item():.3f} w2: {w2.item():.3f} "
                  f"w3: {w3.item():.3f} b: {b.item():.3f} Cost: {cost.item():.6f}")
    separate = (w1.item(), w2.item(), w3.item(), b.item(), cost.item())
    assert cost.item() < 1.0
    """),
    md("""
    The same model as one matrix product: the five samples are the rows of `x_train` (5×3), the
    weights a column W (3×1), and the hypothesis is `x_train.matmul(W) + b`. Same data, same
    initialisation, same optimizer: the same numbers come out.
    """),
    code("""
    x_train = Tensor([[73.0, 80.0, 75.0],
                      [93.0, 88.0, 93.0],
                      [89.0, 91.0, 90.0],
                      [96.0, 98.0, 100.0],
                      [73.0, 66.0, 70.0]])
    y_train = Tensor([[152.0], [185.0], [180.0], [196.0], [142.0]])

    W = autograd.zeros(3, 1, requires_grad=True)
    b = autograd.zeros(1, requires_grad=True)
    optimizer = nn.optim.SGD([W, b], lr=1e-5)

    nb_epochs = 1000
    for epoch in range(nb_epochs + 1):
        hypothesis = x_train.matmul(W) + b
        cost = ((hypothesis - y_train) ** 2).mean()

        optimizer.zero_grad()
        cost.backward()
        optimizer.step()

        if epoch % 100 == 0:
            print(f"Epoch {epoch:4d}/{nb_epochs} hypothesis: {np.round(hypothesis.numpy().ravel(), 2)} "
                  f"Cost: {cost.item():.6f}")

    print("W =", W.numpy().ravel(), " b =", b.item())
    matrix = (*W.numpy().ravel(), b.item(), cost.item())
    assert np.allclose(matrix, separate, rtol=1e-3, atol=1e-4)
    """),
    md("""
    A prediction for a new student with quiz scores 73, 80 and 75 (the first row of the data,
    whose final score was 152):
    """),
    code("""
    with autograd.no_grad():
        new = Tensor([[73.0, 80.0, 75.0]]).matmul(W) + b
    print(f"predicted final score: {new.item():.2f}")
    assert abs(new.item() - 152) < 3
    """),
]


BACKPROP = [
    md("""
    # 3. Backpropagation by hand, checked by autograd

    A 2-3-2 network on four inputs, written twice: a forward and backward pass derived by hand
    in numpy, and the same forward pass in chainrule, whose gradients come from autograd. They
    must agree to rounding error.
    """),
    code("""
    import numpy as np

    import autograd
    import nn
    from autograd import Tensor
    """),
    md("""
    ## The network

    Inputs X (4×2), one-hot targets y (4×2); a hidden layer of 3 sigmoid units and an output
    layer of 2 softmax units (softmax along axis 1, over each row). The weights are fixed so that
    the numbers can be followed by hand. All arrays are float64.
    """),
    code("""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([[0, 1], [1, 0], [1, 0], [0, 1]], dtype=np.float64)

    W1 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    b1 = np.array([0.7, 0.8, 0.9])
    W2 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    b2 = np.array([0.7, 0.8])


    def sigmoid(z):
        return 1 / (1 + np.exp(-z))


    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    """),
    md("""
    ## Forward and backward in numpy

    Forward: Z1 = X·W1 + b1, A1 = σ(Z1), Z2 = A1·W2 + b2, A2 = softmax(Z2), and the
    cross-entropy loss L = −Σ y·log(A2) (summed over the samples and classes).

    Backward, derived by hand with the chain rule:

    - dZ2 = A2 − y (softmax and cross-entropy together have this simple gradient)
    - dW2 = A1ᵀ·dZ2, db2 = Σ dZ2 over the samples
    - dZ1 = (dZ2·W2ᵀ) ⊙ A1 ⊙ (1 − A1) (σ' = σ(1 − σ))
    - dW1 = Xᵀ·dZ1, db1 = Σ dZ1 over the samples
    """),
    code("""
    def forward(X, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        A1 = sigmoid(Z1)
        Z2 = A1 @ W2 + b2
        A2 = softmax(Z2)
        return A1, A2


    def backward(X, y, A1, A2, W2):
        dZ2 = A2 - y
        dW2 = A1.T @ dZ2
        db2 = dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0)
        return dW1, db1, dW2, db2


    A1, A2 = forward(X, W1, b1, W2, b2)
    loss_numpy = -np.sum(y * np.log(A2))
    hand = backward(X, y, A1, A2, W2)

    np.set_printoptions(precision=6, suppress=True)
    print("A2 =\\n", A2)
    print(f"loss = {loss_numpy:.6f}")
    for name, g in zip(["dW1", "db1", "dW2", "db2"], hand):
        print(f"{name} =\\n{g}")
    """),
    md("""
    ## The same network in chainrule

    The forward pass uses the same formulas on Tensors; no backward code is written. After
    `loss.backward()` each parameter's `.grad` holds dL/dparameter.
    """),
    code("""
    params = [Tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = params

    A1_t = (Tensor(X) @ tW1 + tb1).sigmoid()
    A2_t = (A1_t @ tW2 + tb2).softmax(axis=1)
    loss = -(Tensor(y) * A2_t.log()).sum()
    loss.backward()

    print(f"loss: numpy {loss_numpy:.12f}, chainrule {loss.item():.12f}")
    print(f"{'param':6} {'max |hand - autograd|':>22}")
    for name, g, p in zip(["W1", "b1", "W2", "b2"], hand, params):
        diff = np.abs(g - p.grad.numpy()).max()
        print(f"{name:6} {diff:22.2e}")
        assert np.allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.isclose(loss.item(), loss_numpy, rtol=1e-12)
    """),
    md("""
    In practice softmax and cross-entropy are fused into one function of the raw scores Z2 (the
    logits), which is more stable numerically. `nn.functional.cross_entropy` with
    `reduction="sum"` gives the same loss and the same gradients:
    """),
    code("""
    params2 = [Tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    logits = (Tensor(X) @ params2[0] + params2[1]).sigmoid() @ params2[2] + params2[3]
    labels = y.argmax(axis=1)
    loss2 = nn.functional.cross_entropy(logits, labels, reduction="sum")
    loss2.backward()
    assert np.isclose(loss2.item(), loss_numpy, rtol=1e-12)
    for g, p in zip(hand, params2):
        assert np.allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-12)
    print(f"fused loss {loss2.item():.12f}: same loss, same gradients")
    """),
    md("""
    ## Gradient descent

    Now train from random weights with alpha = 0.1 for 100 epochs, printing the loss every 10
    epochs. The numpy version uses the hand-written backward; the chainrule version uses
    autograd and `nn.optim.SGD`. Started from the same weights, they follow the same path.
    """),
    code("""
    rng = np.random.default_rng(0)
    init = [rng.standard_normal((2, 3)), np.zeros(3), rng.standard_normal((3, 2)), np.zeros(2)]
    alpha, epochs = 0.1, 100

    # numpy, hand-written gradients.
    nW1, nb1, nW2, nb2 = (p.copy() for p in init)
    numpy_losses = []
    for epoch in range(epochs):
        A1, A2 = forward(X, nW1, nb1, nW2, nb2)
        numpy_losses.append(-np.sum(y * np.log(A2)))
        dW1, db1, dW2, db2 = backward(X, y, A1, A2, nW2)
        nW1 -= alpha * dW1
        nb1 -= alpha * db1
        nW2 -= alpha * dW2
        nb2 -= alpha * db2

    # chainrule, autograd gradients.
    params = [Tensor(p.copy(), requires_grad=True) for p in init]
    cW1, cb1, cW2, cb2 = params
    optimizer = nn.optim.SGD(params, lr=alpha)
    chainrule_losses = []
    for epoch in range(epochs):
        A2_t = ((Tensor(X) @ cW1 + cb1).sigmoid() @ cW2 + cb2).softmax(axis=1)
        loss = -(Tensor(y) * A2_t.log()).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        chainrule_losses.append(loss.item())

    print(f"{'epoch':>5} {'numpy loss':>11} {'chainrule loss':>15}")
    for epoch in range(0, epochs, 10):
        print(f"{epoch:5d} {numpy_losses[epoch]:11.6f} {chainrule_losses[epoch]:15.6f}")
    print(f"{epochs - 1:5d} {numpy_losses[-1]:11.6f} {chainrule_losses[-1]:15.6f}")

    assert np.allclose(numpy_losses, chainrule_losses, rtol=1e-10)
    for a, p in zip((nW1, nb1, nW2, nb2), params):
        assert np.allclose(a, p.numpy(), rtol=1e-10, atol=1e-12)
    assert chainrule_losses[-1] < chainrule_losses[0]
    """),
    md("""
    The loss falls, but slowly: these four points are the XOR pattern (the class is 1 when both
    inputs are equal), which no straight line separates, and 100 small steps with three hidden
    units are far from enough to learn it. Predictions after training:
    """),
    code("""
    pred = A2_t.numpy().argmax(axis=1)
    print("predicted classes", pred, " true classes", y.argmax(axis=1))
    """),
    md("""
    Keep training (with a larger step) and the hidden layer does learn XOR:
    """),
    code("""
    optimizer = nn.optim.SGD(params, lr=1.0)
    for epoch in range(2000):
        A2_t = ((Tensor(X) @ cW1 + cb1).sigmoid() @ cW2 + cb2).softmax(axis=1)
        loss = -(Tensor(y) * A2_t.log()).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    pred = A2_t.numpy().argmax(axis=1)
    print(f"loss after 2,000 more epochs: {loss.item():.4f}; predicted classes {pred}")
    assert (pred == y.argmax(axis=1)).all()
    """),
]


OPTIMIZERS = [
    md("""
    # 4. Optimizers

    Gradient descent takes steps against the gradient. How big, and in which exact direction,
    is the optimizer's choice. This notebook runs SGD, momentum, Nesterov momentum, AdaGrad,
    RMSProp and Adam on the same problems, compares batch, mini-batch and online (stochastic)
    gradient descent, and shows gradient clipping.
    """),
    code("""
    import numpy as np

    import autograd
    import nn
    from autograd import Tensor
    from nn.optim import SGD, Adagrad, Adam, RMSprop

    results = []  # (problem, method, final loss) for the table at the end
    """),
    md("""
    ## An ill-conditioned bowl

    f(x, y) = x²/20 + y² is a long, narrow valley: the gradient is 20 times steeper across the
    valley (y) than along it (x). Plain gradient descent zig-zags across it and crawls along it.
    Each optimizer starts at (−7, 2) and takes 100 steps.
    """),
    code("""
    def bowl(p):
        return p[0] ** 2 / 20 + p[1] ** 2


    OPTIMIZERS = {
        "SGD": lambda ps: SGD(ps, lr=0.9),
        "Momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        "Nesterov": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        "AdaGrad": lambda ps: Adagrad(ps, lr=1.5),
        "RMSProp": lambda ps: RMSprop(ps, lr=0.1, alpha=0.9),
        "Adam": lambda ps: Adam(ps, lr=0.3),
    }


    def minimize(f, start, make_optimizer, steps):
        p = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
        optimizer = make_optimizer([p])
        path = [p.numpy().copy()]
        for _ in range(steps):
            loss = f(p)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            path.append(p.numpy().copy())
        return np.array(path), f(p).item()


    print(f"{'method':10} {'after 10 steps':>16} {'after 100 steps':>17} {'final f':>10}")
    for name, make in OPTIMIZERS.items():
        path, final = minimize(bowl, [-7.0, 2.0], make, steps=100)
        x10, y10 = path[10]
        print(f"{name:10} ({x10:6.2f}, {y10:5.2f})  ({path[-1][0]:6.3f}, {path[-1][1]:6.3f})  {final:10.2e}")
        results.append(("bowl x²/20 + y², 100 steps", name, final))
        assert final < bowl(np.array([-7.0, 2.0])) / 10, name
    """),
    md("""
    With the largest stable learning rate for y, SGD's y coordinate flips sign at every step
    while x shrinks by only 9% per step. Momentum builds up speed along the valley; AdaGrad,
    RMSProp and Adam scale each coordinate by its own gradient history, so both directions move
    at a similar pace.

    ## The Rosenbrock function

    f(x, y) = (1 − x)² + 100(y − x²)² has its minimum at (1, 1) at the bottom of a curved,
    flat-floored valley. Start at (−1.5, 2) with 1,000 steps each.
    """),
    code("""
    def rosenbrock(p):
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


    ROSENBROCK = {
        "SGD": lambda ps: SGD(ps, lr=1e-3),
        "Momentum": lambda ps: SGD(ps, lr=1e-3, momentum=0.9),
        "Nesterov": lambda ps: SGD(ps, lr=1e-3, momentum=0.9, nesterov=True),
        "AdaGrad": lambda ps: Adagrad(ps, lr=0.5),
        "RMSProp": lambda ps: RMSprop(ps, lr=1e-2, alpha=0.9),
        "Adam": lambda ps: Adam(ps, lr=0.05),
    }
    print(f"{'method':10} {'final point':>18} {'final f':>10}")
    for name, make in ROSENBROCK.items():
        path, final = minimize(rosenbrock, [-1.5, 2.0], make, steps=1000)
        print(f"{name:10} ({path[-1][0]:7.4f}, {path[-1][1]:7.4f})  {final:10.2e}")
        results.append(("Rosenbrock, 1,000 steps", name, final))
        assert np.isfinite(final) and final < rosenbrock(np.array([-1.5, 2.0])), name
    """),
    md("""
    ## Batch, mini-batch and online gradient descent

    Linear regression on 200 noisy points of y = 3x + 2. In one *epoch* every sample is used
    once; what differs is how many samples each update looks at:

    - **batch**: all 200 (one update per epoch, exact gradient);
    - **mini-batch**: 20 at a time (10 updates per epoch);
    - **online** (stochastic): 1 at a time (200 updates per epoch, the noisiest).

    Each runs 10 epochs of SGD with learning rate 0.05 from W = b = 0.
    """),
    code("""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 1)).astype(np.float32)
    Y = (3 * X + 2 + 0.1 * rng.standard_normal((200, 1))).astype(np.float32)


    def full_loss(W, b):
        return float(np.mean((X @ W.numpy() + b.numpy() - Y) ** 2))


    def train(batch_size, epochs=10, lr=0.05, seed=0):
        W = autograd.zeros(1, 1, requires_grad=True)
        b = autograd.zeros(1, requires_grad=True)
        optimizer = SGD([W, b], lr=lr)
        order_rng = np.random.default_rng(seed)
        updates = 0
        for epoch in range(epochs):
            order = order_rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                loss = ((Tensor(X[idx]) @ W + b - Tensor(Y[idx])) ** 2).mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                updates += 1
        return W.item(), b.item(), updates, full_loss(W, b)


    print(f"{'method':12} {'batch size':>10} {'updates':>8} {'W':>7} {'b':>7} {'final MSE':>10}")
    for name, batch_size in [("batch", 200), ("mini-batch", 20), ("online", 1)]:
        W, b, updates, mse = train(batch_size)
        print(f"{name:12} {batch_size:10d} {updates:8d} {W:7.3f} {b:7.3f} {mse:10.4f}")
        results.append(("regression, 10 epochs", f"{name} SGD", mse))
    """),
    md("""
    For the same number of epochs (the same amount of computation on the data), batch gradient
    descent has made only 10 small steps and is still far from W = 3, b = 2. Mini-batches make
    10 times as many updates and get close; online updates get there too, but keep jittering
    around the best fit (the noise floor here is 0.01).
    """),
    code("""
    mse_batch, mse_mini, mse_online = (r[2] for r in results[-3:])
    assert mse_mini < mse_batch and mse_online < mse_batch
    assert mse_mini < 0.02 and mse_online < 0.05
    """),
    md("""
    ## Gradient clipping

    A very steep loss can produce a gradient so large that one step throws the parameters far
    away, where the gradient is larger still: the updates explode. Take f(w) = w⁴ from w = 10
    with learning rate 0.01. The first gradient is 4·10³ = 4,000, so the first step is −40:
    """),
    code("""
    w = Tensor(np.array([10.0]), requires_grad=True)
    optimizer = SGD([w], lr=0.01)
    for step in range(4):
        loss = (w**4).sum()
        optimizer.zero_grad()
        loss.backward()
        print(f"step {step}: w = {w.item():14.6g}, gradient = {w.grad.item():14.6g}")
        optimizer.step()
    print(f"after 4 steps w = {w.item():.6g}")
    assert abs(w.item()) > 1e6
    """),
    md("""
    **Clipping by norm** rescales the whole gradient (all parameters together) so that its norm is
    at most `max_norm`, keeping its direction. `nn.utils.clip_grad_norm_` returns the norm before
    clipping. With `max_norm=10` each step moves w by at most 0.1 until the slope is gentle,
    then the ordinary updates take over.
    """),
    code("""
    w = Tensor(np.array([10.0]), requires_grad=True)
    optimizer = SGD([w], lr=0.01)
    for step in range(300):
        loss = (w**4).sum()
        optimizer.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_([w], max_norm=10.0)
        if step % 50 == 0:
            print(f"step {step:3d}: w = {w.item():8.4f}, gradient norm {norm:10.2f} -> {abs(w.grad.item()):6.2f}")
        optimizer.step()
    final = (w**4).sum().item()
    print(f"after 300 steps: w = {w.item():.4f}, loss = {final:.2e}")
    results.append(("w⁴ from w = 10, 300 steps", "SGD + clip_grad_norm_(10)", final))
    assert abs(w.item()) < 0.5
    """),
    md("""
    **Clipping by value** clamps each gradient entry into [−clip_value, clip_value]. That can change
    the gradient's direction, which clipping by norm never does:
    """),
    code("""
    g = np.array([300.0, 4.0])
    a = Tensor(np.zeros(2), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    a.grad, b.grad = Tensor(g.copy()), Tensor(g.copy())

    nn.utils.clip_grad_norm_([a], max_norm=1.0)
    nn.utils.clip_grad_value_([b], clip_value=1.0)

    def direction(v):
        return np.degrees(np.arctan2(v[1], v[0]))

    print(f"original      {g}            angle {direction(g):5.2f} degrees")
    print(f"clip by norm  {a.grad.numpy()}  angle {direction(a.grad.numpy()):5.2f} degrees")
    print(f"clip by value {b.grad.numpy()}            angle {direction(b.grad.numpy()):5.2f} degrees")
    assert np.isclose(np.linalg.norm(a.grad.numpy()), 1.0, atol=1e-5)
    assert np.isclose(direction(a.grad.numpy()), direction(g))
    assert np.array_equal(b.grad.numpy(), [1.0, 1.0])
    """),
    md("""
    ## Summary

    Final losses of every run above:
    """),
    code("""
    width = max(len(r[0]) for r in results)
    print(f"{'problem':{width}}  {'method':26} {'final loss':>11}")
    for problem, method, loss in results:
        print(f"{problem:{width}}  {method:26} {loss:11.3e}")
    """),
]


ACTIVATIONS = [
    md("""
    # 5. Activation functions

    Each activation is checked twice on a grid of inputs: its values and its derivatives
    (computed by autograd) against the closed-form formulas. Then two identities: tanh is a
    rescaled sigmoid, and a stack of linear layers without activations is still one linear map.
    """),
    code("""
    import math

    import numpy as np

    import autograd
    import nn
    from autograd import Tensor
    from nn import functional as F

    grid = np.linspace(-3, 3, 25)  # includes 0, where relu-like functions have a kink


    def sigma(x):
        return 1 / (1 + np.exp(-x))
    """),
    md("""
    ## The functions and their derivatives

    Each row: the chainrule function, the closed-form value and the closed-form derivative.
    At a kink the convention is the right-hand... no: the derivative at 0 is taken from the
    left for ReLU (relu'(0) = 0) and is the slope for Leaky ReLU, as in PyTorch.
    """),
    code("""
    prelu = nn.PReLU(init=0.25)
    C = math.sqrt(2 / math.pi)
    ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


    def gelu_tanh(x):
        return 0.5 * x * (1 + np.tanh(C * (x + 0.044715 * x**3)))


    def gelu_tanh_grad(x):
        t = np.tanh(C * (x + 0.044715 * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * C * (1 + 3 * 0.044715 * x**2)


    ACTS = {
        "step": (F.step, lambda x: (x > 0).astype(float), lambda x: 0 * x),
        "linear": (F.identity, lambda x: x, lambda x: 1 + 0 * x),
        "sigmoid": (F.sigmoid, sigma, lambda x: sigma(x) * (1 - sigma(x))),
        "tanh": (F.tanh, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
        "relu": (F.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
        "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: np.maximum(0.1 * x, x),
                       lambda x: np.where(x > 0, 1.0, 0.1)),
        "prelu": (prelu, lambda x: np.where(x > 0, x, 0.25 * x), lambda x: np.where(x > 0, 1.0, 0.25)),
        "elu": (F.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: np.where(x > 0, 1.0, np.exp(x))),
        "swish": (F.swish, lambda x: x * sigma(x), lambda x: sigma(x) + x * sigma(x) * (1 - sigma(x))),
        "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), gelu_tanh, gelu_tanh_grad),
        "selu": (F.selu, lambda x: SCALE * np.where(x > 0, x, ALPHA * (np.exp(x) - 1)),
                 lambda x: SCALE * np.where(x > 0, 1.0, ALPHA * np.exp(x))),
        "softplus": (F.softplus, lambda x: np.log1p(np.exp(x)), sigma),
    }

    values, slopes = {}, {}
    for name, (fn, value, derivative) in ACTS.items():
        x = Tensor(grid.astype(np.float32), requires_grad=True)
        out = fn(x)
        out.sum().backward()  # the sum's gradient is 1 everywhere, so x.grad holds f'(x) elementwise
        values[name], slopes[name] = out.numpy(), x.grad.numpy()
        assert np.allclose(values[name], value(grid), atol=1e-5), name
        assert np.allclose(slopes[name], derivative(grid), atol=1e-5), name
    print(f"{len(ACTS)} activations: values and autograd derivatives match the closed forms on {len(grid)} points")
    """),
    md("""
    The values and derivatives at a few points:
    """),
    code("""
    points = [-2.0, -0.5, 0.0, 0.5, 2.0]
    cols = [int(np.argmin(np.abs(grid - p))) for p in points]
    head = "".join(f"{p:>8}" for p in points)
    print(f"{'f(x)':12}{head}      {'df/dx':12}{head}")
    for name in ACTS:
        v = "".join(f"{values[name][c]:8.3f}" for c in cols)
        d = "".join(f"{slopes[name][c]:8.3f}" for c in cols)
        print(f"{name:12}{v}      {name:12}{d}")
    """),
    md("""
    Some things to read off the table:

    - **step** has derivative 0 everywhere (and none at 0): no gradient flows through it, which
      is why the perceptron's learning rule is not gradient descent.
    - **sigmoid** and **tanh** saturate: at |x| = 2 their slopes are already 0.105 and 0.071,
      and they shrink exponentially further out, so gradients vanish in deep stacks of them.
      The sigmoid's largest slope is 0.25 (at 0).
    - **relu** passes the gradient unchanged where x > 0 and blocks it where x < 0 ("dead" units);
      **leaky_relu**, **prelu**, **elu** and **selu** keep a small slope for x < 0.
    - **swish** and **gelu** are smooth relu-like curves, slightly negative for x < 0.
    - **softplus** is a smooth relu whose derivative is the sigmoid.

    PReLU's slope for negative inputs is a parameter, so it gets a gradient too: dL/da =
    Σ x over the negative inputs (L = the sum of the outputs).
    """),
    code("""
    expected = grid[grid <= 0].sum()
    print(f"PReLU slope a = {prelu.weight.item()}, dL/da = {prelu.weight.grad.item():.4f} (expected {expected:.4f})")
    assert np.isclose(prelu.weight.grad.item(), expected, atol=1e-5)
    """),
    md("""
    `autograd.gradcheck` compares the backward pass with central differences in float64, away
    from the kinks:
    """),
    code("""
    autograd.manual_seed(0)
    smooth = Tensor(np.linspace(-2.9, 2.9, 12) + 0.013, requires_grad=True)  # no point is exactly 0
    for name, (fn, _, _) in ACTS.items():
        if name in ("step", "prelu"):
            continue
        assert autograd.gradcheck(fn, (smooth,)), name
    print("gradcheck passed for", ", ".join(n for n in ACTS if n not in ("step", "prelu")))
    """),
    md("""
    ## tanh is a rescaled sigmoid

    tanh(z) = 2σ(2z) − 1, so their derivatives are related too: tanh'(z) = 4σ'(2z).
    """),
    code("""
    z = Tensor(grid, requires_grad=True)
    lhs = z.tanh()
    rhs = 2 * (2 * z).sigmoid() - 1
    (d_lhs,) = autograd.grad(lhs.sum(), z)
    (d_rhs,) = autograd.grad(rhs.sum(), z)
    print(f"max |tanh(z) - (2 sigmoid(2z) - 1)| = {np.abs(lhs.numpy() - rhs.numpy()).max():.1e}")
    print(f"max |their derivatives' difference| = {np.abs(d_lhs.numpy() - d_rhs.numpy()).max():.1e}")
    assert np.allclose(lhs.numpy(), rhs.numpy(), atol=1e-12)
    assert np.allclose(d_lhs.numpy(), d_rhs.numpy(), atol=1e-12)
    """),
    md("""
    ## A stack of linear layers stays linear

    Three `Linear` layers in a row compute x·W1ᵀ + b1, then ·W2ᵀ + b2, then ·W3ᵀ + b3, which
    multiplies out to one linear layer x·Wᵀ + b with W = W3·W2·W1 and b = (b1·W2ᵀ + b2)·W3ᵀ + b3.
    Depth adds nothing without a non-linear activation between the layers.
    """),
    code("""
    autograd.manual_seed(0)
    deep = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 6), nn.Linear(6, 3)).double()
    l1, l2, l3 = deep
    W = l3.weight.numpy() @ l2.weight.numpy() @ l1.weight.numpy()
    b = (l1.bias.numpy() @ l2.weight.numpy().T + l2.bias.numpy()) @ l3.weight.numpy().T + l3.bias.numpy()

    x = autograd.randn(5, 4, dtype=np.float64)
    stacked = deep(x).numpy()
    single = x.numpy() @ W.T + b
    print(f"three layers: {sum(p.size for p in deep.parameters())} parameters; "
          f"one layer: {W.size + b.size} parameters")
    print(f"max |three layers - one layer| = {np.abs(stacked - single).max():.1e}")
    assert np.allclose(stacked, single, atol=1e-12)
    """),
    md("""
    Linearity can also be tested directly: for a linear (affine) map g, g(x + y) − g(0) =
    (g(x) − g(0)) + (g(y) − g(0)). The stack passes; with a ReLU between the layers it fails.
    """),
    code("""
    def affine_defect(g, x, y):
        zero = Tensor(np.zeros_like(x.numpy()))
        g0 = g(zero).numpy()
        return np.abs((g(x + y).numpy() - g0) - (g(x).numpy() - g0) - (g(y).numpy() - g0)).max()


    with_relu = nn.Sequential(l1, nn.ReLU(), l2, nn.ReLU(), l3)
    x, y = autograd.randn(5, 4, dtype=np.float64), autograd.randn(5, 4, dtype=np.float64)
    print(f"linear stack: defect {affine_defect(deep, x, y):.1e}")
    print(f"with ReLU:    defect {affine_defect(with_relu, x, y):.1e}")
    assert affine_defect(deep, x, y) < 1e-12 and affine_defect(with_relu, x, y) > 1e-3
    """),
]


MLP_CLASSIFIER = [
    md("""
    # 6. A first network: classifying handwritten digits

    The classic first network: flattened images, one hidden Dense layer with ReLU, a 10-way
    softmax output, RMSProp, and a training loop over mini-batches. The lesson uses MNIST
    (28×28 images); here scikit-learn's bundled 8×8 digits stand in for it, so nothing is
    downloaded.
    """),
    code("""
    import tempfile
    import time
    from pathlib import Path

    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    import autograd
    import nn
    from autograd import Tensor
    """),
    md("""
    ## The data

    1,797 images of 8×8 pixels with values 0–16, scaled to [0, 1]. We keep 60% for training,
    20% for validation (to watch during training) and 20% for the final test.
    """),
    code("""
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    print("images", images.shape, images.dtype, f"range [{images.min()}, {images.max()}]")

    x_rest, x_test, y_rest, y_test = train_test_split(images, labels, test_size=0.2, random_state=0, stratify=labels)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25, random_state=0, stratify=y_rest)
    print(f"train {len(x_train)}, validation {len(x_val)}, test {len(x_test)}")
    print("class counts in train:", np.bincount(y_train))
    """),
    md("""
    A digit, drawn with characters (darker pixel, denser character):
    """),
    code("""
    shades = " .:-=+*#%@"
    for row in x_train[0]:
        print("".join(shades[int(v * 9)] * 2 for v in row))
    print("label:", y_train[0])
    """),
    md("""
    ## The model

    Flatten (8×8 → 64) → Linear(64, 128) with ReLU → Linear(128, 10). The last layer outputs
    *logits*; `nn.CrossEntropyLoss` applies the softmax and the cross-entropy together (that is
    more stable than a softmax layer followed by a log), and takes the integer labels directly
    (the lesson's one-hot targets are equivalent). `summary` lists the layers, their output
    shapes and parameter counts: 64·128 + 128 = 8,320 and 128·10 + 10 = 1,290.
    """),
    code("""
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    total = model.summary((8, 8))
    assert total == 64 * 128 + 128 + 128 * 10 + 10
    """),
    md("""
    ## Training

    RMSProp with learning rate 0.001 and decay 0.9 (Keras's defaults), mini-batches of 32,
    15 epochs. The loop is written out: shuffle, and for each mini-batch run forward, loss,
    `zero_grad`, backward and `step`. After each epoch the history records the training loss and
    accuracy and the validation accuracy (computed without recording a graph, in `no_grad`).
    """),
    code("""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)


    def accuracy(model, x, y):
        model.eval()
        with autograd.no_grad():
            predicted = model(Tensor(x)).numpy().argmax(axis=1)
        return float((predicted == y).mean())


    rng = np.random.default_rng(0)
    history = {"loss": [], "accuracy": [], "val_accuracy": []}
    epochs, batch_size = 15, 32
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(len(x_train))
        total_loss, correct = 0.0, 0
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            logits = model(Tensor(x_train[idx]))
            loss = loss_fn(logits, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(idx)
            correct += int((logits.numpy().argmax(axis=1) == y_train[idx]).sum())
        history["loss"].append(total_loss / len(order))
        history["accuracy"].append(correct / len(order))
        history["val_accuracy"].append(accuracy(model, x_val, y_val))
    print(f"trained {epochs} epochs in {time.perf_counter() - start:.1f} s")

    print(f"{'epoch':>5} {'loss':>8} {'accuracy':>9} {'val_accuracy':>13}")
    for epoch in range(epochs):
        print(f"{epoch + 1:5d} {history['loss'][epoch]:8.4f} {history['accuracy'][epoch]:9.4f} "
              f"{history['val_accuracy'][epoch]:13.4f}")
    assert history["loss"][-1] < history["loss"][0] / 5
    """),
    md("""
    ## Evaluation

    The test set was not used for anything so far:
    """),
    code("""
    test_accuracy = accuracy(model, x_test, y_test)
    print(f"test accuracy: {test_accuracy:.4f}")
    assert test_accuracy > 0.9

    model.eval()
    with autograd.no_grad():
        probs = autograd.softmax(model(Tensor(x_test[:5])), axis=1).numpy()
    print("first five test images: predicted", probs.argmax(axis=1), " true", y_test[:5])
    print("their probabilities for the predicted class:", np.round(probs.max(axis=1), 3))
    """),
    md("""
    The confusion matrix shows which digits are mistaken for which (rows: true digit, columns:
    predicted digit):
    """),
    code("""
    with autograd.no_grad():
        predicted = model(Tensor(x_test)).numpy().argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (y_test, predicted), 1)
    print("     " + "".join(f"{d:4d}" for d in range(10)))
    for d in range(10):
        print(f"{d:4d} " + "".join(f"{n:4d}" for n in confusion[d]))
    assert confusion.trace() == int(round(test_accuracy * len(y_test)))
    """),
    md("""
    ## Saving and loading

    `nn.save` writes the architecture and the weights to one `.npz` file (data only, no pickled
    code); `nn.load` rebuilds the model from it. The reloaded model must give exactly the same
    outputs.
    """),
    code("""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "digits_mlp.npz"
        nn.save(model, path)
        print(f"saved {path.name}: {path.stat().st_size:,} bytes")
        restored = nn.load(path)

    print(restored)
    restored.eval()
    with autograd.no_grad():
        before = model(Tensor(x_test)).numpy()
        after = restored(Tensor(x_test)).numpy()
    assert np.array_equal(before, after)
    assert accuracy(restored, x_test, y_test) == test_accuracy
    print("the reloaded model gives identical outputs")
    """),
]


NOTEBOOKS = {
    "01_chain_rule.ipynb": CHAIN_RULE,
    "02_linear_regression.ipynb": LINEAR_REGRESSION,
    "03_backprop_small_network.ipynb": BACKPROP,
    "04_optimizers.ipynb": OPTIMIZERS,
    "05_activation_functions.ipynb": ACTIVATIONS,
    "06_mlp_classifier.ipynb": MLP_CLASSIFIER,
}


def build(cells):
    """An nbformat notebook of `cells` with stable cell ids and no outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"cell-{i:02d}"))
    nbformat.validate(nb)
    return nb


def render(cells):
    """The notebook file's text, exactly as written to disk."""
    import nbformat

    return nbformat.writes(build(cells)) + "\n"


def main(argv=None):
    NOTEBOOKS_DIR.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        (NOTEBOOKS_DIR / name).write_text(render(cells), encoding="utf-8")
        print(f"wrote notebooks/{name} ({len(cells)} cells)")


if __name__ == "__main__":
    sys.exit(main())

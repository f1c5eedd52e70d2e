# %% [markdown]
# # 1. Derivatives, the chain rule and the computation graph
#
# Training a neural network means following the gradient of a loss downhill. chainrule computes
# those gradients by *reverse-mode automatic differentiation*: every operation is recorded in a
# graph, and `backward()` walks that graph from the output back to the inputs, applying the
# chain rule at each node.
#
# This notebook starts with single numbers (`Value`), then moves to arrays (`Tensor`).

# %%
import math

import numpy as np

import autograd
from autograd import Tensor, Value

# %% [markdown]
# ## Derivatives of simple functions
#
# For f(x) = 2x + 1 the derivative is f'(x) = 2 everywhere: a step of size h in x changes f by 2h.
# A `Value` remembers how it was computed; `backward()` fills `x.grad` with df/dx.

# %%
x = Value(3.0, label="x")
f = 2 * x + 1
f.backward()
print(f"f(3) = {f.data},  f'(3) = {x.grad}")
assert f.data == 7.0 and x.grad == 2.0

# %% [markdown]
# For y = x³ − 2x the derivative is y' = 3x² − 2. We check autograd against that formula at
# several points, and against the slope measured with a tiny step h (a finite difference).

# %%
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

# %% [markdown]
# ## The chain rule
#
# When y depends on x only through an intermediate x1 = g(x), the chain rule says
#
# dy/dx = dy/dx1 · dx1/dx.
#
# Take x1 = x² and y = exp(x1) at x = 0.8. We compute the two local derivatives separately (two
# small graphs) and the whole derivative in one graph, and compare.

# %%
x0 = 0.8

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

# %% [markdown]
# ## A computation graph
#
# A one-weight linear model and its error, one operation per line:
#
# ```
# x1 = x * w
# x2 = x1 + b
# loss_val = x2 - y_true
# ```
#
# With x = 2, backward gives dloss/dw = x = 2 (w is multiplied by x) and dloss/db = 1 (b is
# added once). Intermediate nodes have gradients too: dloss/dx1 = dloss/dx2 = 1.

# %%
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

# %% [markdown]
# `draw_graph` draws the recorded graph: each box holds a value and its gradient, each oval
# the operation that produced the next box. (It renders with Graphviz: the system `dot` or the
# `graphviz-pure` package; without either it shows the DOT text.)

# %%
graph = autograd.draw_graph(loss_val)
assert len(graph.nodes) == 7 and graph.root == graph.nodes[-1]["id"]
graph

# %% [markdown]
# ## The backward pass, step by step
#
# For the squared error loss = (w·x + b − y)², `explain_backward` runs `backward()` and writes
# out every use of the chain rule: each line adds *upstream gradient × local derivative* to a
# parent's total. By hand: dloss/dw = 2(w·x + b − y)·x and dloss/db = 2(w·x + b − y).

# %%
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

# %% [markdown]
# In Jupyter the same explanation also displays as a table:

# %%
steps

# %% [markdown]
# ## Tensors and `autograd.grad`
#
# A `Tensor` is an n-d array that records operations in the same way. `autograd.grad(outputs,
# inputs)` returns the gradients as new tensors instead of adding them to `.grad`, which makes
# the chain rule easy to check with an intermediate tensor: the derivative of a scalar with
# respect to a matrix W is a matrix of partial derivatives with W's shape.

# %%
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

# %% [markdown]
# Partial derivatives of f(W) = sum(tanh(W)) with respect to each entry of a 2×3 matrix:
# `grad(f, W)[i, j]` = 1 − tanh²(W[i, j]).

# %%
autograd.manual_seed(0)
W = autograd.randn(2, 3, dtype=np.float64, requires_grad=True)
f = W.tanh().sum()
(dW,) = autograd.grad(f, W)
print(dW)
assert dW.shape == W.shape
assert np.allclose(dW.numpy(), 1 - np.tanh(W.numpy()) ** 2)

# %% [markdown]
# Finally the two-layer model of the lesson, `softmax(relu(inputs @ W1 + b1) @ W2 + b2)` with a
# cross-entropy loss, as a graph of tensors. `names` labels the parameters in the drawing.

# %%
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

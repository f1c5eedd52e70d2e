# %% [markdown]
# # 1. Derivatives, the chain rule and the computation graph
#
# Training a neural network means following the gradient of a loss downhill. chainrule computes
# those gradients by *reverse-mode automatic differentiation*: every operation is recorded in a
# graph, and `backward()` walks that graph from the output back to the inputs, applying the
# chain rule at each node.
#
# **What this notebook teaches:** the derivative as a slope (numerical and analytical), the chain
# rule, the computation graph of `loss = (w·x + b − y)²` and its backward pass step by step, and
# a few steps of gradient descent drawn on the loss curve. It starts with single numbers
# (`Value`), then moves to arrays (`Tensor`).

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

import autograd
from autograd import Tensor, Value

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

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
# The derivative is the slope of the tangent: near x0 the function is close to the straight line
# y(x0) + y'(x0)·(x − x0). Below, y = x³ − 2x with its tangents at x0 = −1 and x0 = 1.5, their
# slopes taken from autograd.

# %% tags=["thumbnail"]
xs = np.linspace(-2.2, 2.2, 200)
fig, ax = plt.subplots()
ax.plot(xs, y_of(xs), color="black", label="y = x³ − 2x")
for x0, colour in [(-1.0, "tab:blue"), (1.5, "tab:red")]:
    x = Value(x0)
    y = y_of(x)
    y.backward()
    near = np.linspace(x0 - 0.8, x0 + 0.8, 2)
    ax.plot(near, y.data + x.grad * (near - x0), color=colour, lw=2,
            label=f"tangent at x0 = {x0}: slope y'(x0) = {x.grad:g}")
    ax.plot([x0], [y.data], "o", color=colour)
ax.axhline(0, color="grey", lw=0.5)
ax.set(xlabel="x", ylabel="y", ylim=(-5, 6), title="A function and its tangents")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# How small should the step h of a finite difference be? The error of the central difference
# (y(x+h) − y(x−h)) / 2h shrinks like h² until floating-point rounding, which grows like 1/h,
# takes over. Autograd has no step at all: its derivative is exact up to rounding.

# %%
x0 = 1.5
x = Value(x0)
y_of(x).backward()
hs = np.logspace(-12, -1, 45)
errors = [abs((y_of(x0 + h) - y_of(x0 - h)) / (2 * h) - x.grad) for h in hs]
best = hs[int(np.argmin(errors))]
print(f"autograd: y'(1.5) = {x.grad}; exact 3·1.5² − 2 = {3 * x0**2 - 2}")
print(f"the finite difference is closest for h ≈ {best:.0e} (error {min(errors):.1e})")
assert x.grad == 3 * x0**2 - 2 and 1e-8 < best < 1e-2

fig, ax = plt.subplots()
ax.loglog(hs, np.maximum(errors, 1e-17), ".-")
ax.set(xlabel="step h", ylabel="|finite difference − y'(x0)|", title="Finite-difference error at x0 = 1.5")
plt.show()

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
# Now the squared error loss = (w·x + b − y)² of the same model. By hand:
# dloss/dw = 2(w·x + b − y)·x and dloss/db = 2(w·x + b − y). Its graph first (every box shows
# its value and its gradient d loss / d node):

# %%
w = Value(0.5, label="w")
x = Value(2.0, label="x")
b = Value(0.1, label="b")
y = Value(4.0, label="y")
loss = (w * x + b - y) ** 2
autograd.draw_graph(loss)

# %% [markdown]
# `explain_backward` runs `backward()` and writes out every use of the chain rule: each line adds
# *upstream gradient × local derivative* to a parent's total.

# %%
steps = autograd.explain_backward(loss)
print(steps)

err = w.data * x.data + b.data - y.data
assert math.isclose(w.grad, 2 * err * x.data) and math.isclose(b.grad, 2 * err)
assert math.isclose(steps.totals[w], w.grad)

# %% [markdown]
# The same steps as pictures: in each frame the node being processed is outlined, the edge that
# carries its gradient to a parent is drawn thick and red, the parent receiving it is green, and
# a node reads "grad ?" until the walk reaches it. (`steps.to_html("backward.html")` writes all
# frames to one page with a slider; here they are shown one under the other.)

# %%
frames = steps.frames()
for frame in frames:
    print(f"step {frame.index + 1} of {len(frames)}: {frame.text}")
    display(SVG(frame.svg))
assert len(frames) == len(steps)

# %% [markdown]
# ## Gradient descent on the loss curve
#
# The gradient says which way is uphill, so a step against it goes down: w ← w − lr · dloss/dw.
# Keep b = 0.1, x = 2 and y = 4 fixed and let only w move, starting at w = 0.5 with learning
# rate 0.05. The loss is the parabola (2w + 0.1 − 4)², smallest at w = 1.95; each step is drawn
# as an arrow.

# %%
def loss_of(w):
    return (w * 2.0 + 0.1 - 4.0) ** 2


w, lr, path = Value(0.5, label="w"), 0.05, []
for step in range(6):
    loss = loss_of(w)
    loss.backward()
    path.append((w.data, loss.data, w.grad))
    print(f"step {step}: w = {w.data:.4f}, loss = {loss.data:.4f}, dloss/dw = {w.grad:+.4f}")
    w = Value(w.data - lr * w.grad, label="w")
assert all(b[1] < a[1] for a, b in zip(path, path[1:]))

ws = np.linspace(0, 3.5, 200)
fig, ax = plt.subplots()
ax.plot(ws, loss_of(ws), color="black", label="loss(w) = (2w + 0.1 − 4)²")
for (w0, l0, _), (w1, l1, _) in zip(path, path[1:]):
    ax.annotate("", xy=(w1, l1), xytext=(w0, l0), arrowprops=dict(arrowstyle="->", color="tab:red"))
ax.plot([p[0] for p in path], [p[1] for p in path], "o", color="tab:red", label="gradient descent, lr = 0.05")
ax.set(xlabel="w", ylabel="loss", title="Each step moves w against the slope")
ax.legend()
plt.show()

# %% [markdown]
# Each step is shorter than the one before: the slope flattens near the minimum, so
# lr × slope shrinks by itself (here by the factor 1 − 2·4·lr = 0.6 per step).
#
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

# %% [markdown]
# ## Exercises
#
# 1. Check y = x³ − 2x at x = 0 by hand, with a finite difference and with `backward()`. Where is
#    the derivative zero, and what does the tangent look like there?
# 2. Compute d/dx of tanh(x²)·exp(x) with `Value` at x = 0.5 and verify it with the chain and
#    product rules (tanh' = 1 − tanh²).
# 3. In the gradient descent plot, try lr = 0.2, 0.25 and 0.3. Which one overshoots, which one
#    lands in one step, which one diverges? (The factor per step is 1 − 8·lr.)
# 4. Draw the graph of `(w * x + b - y) ** 2` with `draw_graph` after changing y so that the loss is
#    zero: what are the gradients then?

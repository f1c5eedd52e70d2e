# %% [markdown]
# # 3. The scalar engine
#
# Before arrays, one number at a time: a `Value` holds a float, remembers the operation and the
# inputs that produced it, and gets a `.grad` from `backward()`. This is all an autodiff engine
# needs; tensors (notebook 4 onwards) only make it fast.
#
# **What this notebook teaches:** building expressions from `Value`s and reading their
# gradients, a single neuron and its computation graph, the perceptron's straight line (and why
# XOR defeats it), and a small multilayer perceptron made of nothing but `Value`s, trained on the
# two-moons data set, with its decision boundary.

# %%
import random

import matplotlib.pyplot as plt
import numpy as np

import autograd
from autograd import Value
from nn.data import make_moons
from nn.scalar import MLP, Neuron

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

# %% [markdown]
# ## Expressions
#
# Every arithmetic operation on a `Value` returns a new `Value`. After `backward()` on the
# result, every input holds d(result)/d(input). Here g = (a·b + b³)·tanh(a) − b/a with a = −2,
# b = 3; by hand dg/da = b·tanh(a) + (a·b + b³)(1 − tanh²(a)) + b/a² and
# dg/db = (a + 3b²)·tanh(a) − 1/a.

# %%
a = Value(-2.0, label="a")
b = Value(3.0, label="b")
g = (a * b + b**3) * a.tanh() - b / a
g.backward()

t = np.tanh(-2.0)
by_hand_a = 3 * t + (-6 + 27) * (1 - t**2) + 3 / 4
by_hand_b = (-2 + 27) * t + 1 / 2
print(f"g = {g.data:.6f}")
print(f"dg/da = {a.grad:.6f}   (by hand {by_hand_a:.6f})")
print(f"dg/db = {b.grad:.6f}   (by hand {by_hand_b:.6f})")
assert np.isclose(a.grad, by_hand_a) and np.isclose(b.grad, by_hand_b)

# %% [markdown]
# A variable used twice gets both contributions added: for h = x·x + x, dh/dx = 2x + 1. This is
# why `backward()` *accumulates* into `.grad` rather than overwriting it.

# %%
x = Value(4.0, label="x")
h = x * x + x
h.backward()
print(f"dh/dx at x = 4: {x.grad}  (2x + 1 = {2 * 4 + 1})")
assert x.grad == 9.0

# %% [markdown]
# ## A neuron and its graph
#
# A neuron computes act(w₁x₁ + w₂x₂ + b). With tanh as the activation, here it is written out
# with labelled `Value`s, so that the drawing names every node. Each box shows the value and the
# gradient d(out)/d(node).

# %%
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
bias = Value(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + bias
n.label = "n"
out = n.tanh()
out.label = "out"
out.backward()
print(f"out = {out.data:.4f}; d out/d w1 = {w1.grad:.4f}, d out/d w2 = {w2.grad:.4f}, d out/d b = {bias.grad:.4f}")
assert np.isclose(w1.grad, x1.data * (1 - out.data**2)) and w2.grad == 0.0
autograd.draw_graph(out)

# %% [markdown]
# x2 = 0, so w2 has no effect on the output and its gradient is 0; w1's gradient is
# x1 · (1 − out²) = 2 · 0.5 = 1. `nn.scalar.Neuron` is the same computation with a ReLU and random
# weights; `nn.scalar.MLP` stacks layers of them.

# %%
random.seed(0)
neuron = Neuron(3)
print(neuron, "parameters:", [round(p.data, 3) for p in neuron.parameters()])
y = neuron([1.0, 2.0, 0.5])
print(f"output for (1, 2, 0.5): {y.data:.4f}")

# %% [markdown]
# ## One neuron draws a straight line
#
# A single neuron with a step activation is Rosenblatt's perceptron: it answers 1 where
# w·x + b > 0, so its decision boundary is the straight line w·x + b = 0. Its learning rule is
# not backpropagation (the step has no useful derivative) but "on a mistake, move the line
# towards the missed point": w += y·x. `nn.models.Perceptron` learns to tell iris setosa from the
# other two species by petal length and width, which a line can do; on XOR, which no line can
# separate, it never stops making mistakes.

# %%
from nn.data import load_iris, make_xor  # noqa: E402
from nn.models import Perceptron  # noqa: E402

iris_X, iris_y = load_iris()
petals, setosa = iris_X[:, 2:4], (iris_y == 0).astype(int)
perceptron = Perceptron(random_state=0).fit(petals, setosa)
print(f"iris: mistakes per epoch {perceptron.errors_}, accuracy {perceptron.score(petals, setosa):.3f}")
assert perceptron.errors_[-1] == 0

xor_X, xor_y = make_xor(4)
xor_perceptron = Perceptron(max_iter=20, random_state=0).fit(xor_X, xor_y)
print(f"XOR:  mistakes per epoch {xor_perceptron.errors_}, accuracy {xor_perceptron.score(xor_X, xor_y):.2f}")
assert min(xor_perceptron.errors_) > 0

(w_len, w_wid), b0 = perceptron.coef_[0], perceptron.intercept_[0]
fig, ax = plt.subplots(figsize=(5.5, 3.6))
for label, name, colour in [(1, "setosa", "tab:blue"), (0, "versicolor or virginica", "tab:orange")]:
    ax.plot(petals[setosa == label, 0], petals[setosa == label, 1], "o", ms=4, color=colour, label=name)
lengths = np.linspace(0.5, 7, 2)
ax.plot(lengths, -(w_len * lengths + b0) / w_wid, "k-", label="w·x + b = 0")
ax.set(xlabel="petal length (cm)", ylabel="petal width (cm)", ylim=(-0.2, 2.8), title="Perceptron on iris")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## A scalar MLP on two moons
#
# Sixty points in two interleaving half-circles, labels −1 and +1. The network
# `MLP(2, [8, 8, 1])` has two hidden layers of 8 ReLU neurons and a linear output: 105
# parameters, each a `Value`. The loss is the hinge loss max(0, 1 − y·score), averaged, plus a
# little L2 regularisation; plain gradient descent with a learning rate falling from 1.0 to 0.1.
# Each step builds a graph of about 20,000 `Value`s and walks it backwards.

# %%
X, labels = make_moons(60, noise=0.1, seed=0)
targets = 2 * labels - 1  # -1 and +1
random.seed(1)
model = MLP(2, [8, 8, 1])
print(model)
print("parameters:", len(model.parameters()))


def loss_and_accuracy(model):
    scores = [model([Value(a), Value(b)]) for a, b in X]
    hinge = [(1 - t * s).relu() for t, s in zip(targets, scores)]
    data_loss = sum(hinge) * (1.0 / len(hinge))
    l2 = 1e-4 * sum(p * p for p in model.parameters())
    accuracy = np.mean([(s.data > 0) == (t > 0) for t, s in zip(targets, scores)])
    return data_loss + l2, accuracy


steps, history = 40, []
for k in range(steps):
    loss, accuracy = loss_and_accuracy(model)
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * k / steps
    for p in model.parameters():
        p.data -= lr * p.grad
    history.append((loss.data, accuracy))
    if k % 5 == 0 or k == steps - 1:
        print(f"step {k:2d}: loss {loss.data:.4f}, accuracy {accuracy:.1%}")
assert history[-1][1] >= 0.95 and history[-1][0] < history[0][0] / 4

# %% [markdown]
# ## The decision boundary
#
# To colour the plane, the network is evaluated on a grid of 10,000 points. With `Value`s that
# would build millions of nodes, so the grid uses the same weights in numpy (checked against the
# `Value` network on a few points first). The boundary bends around both moons: something no
# straight line could do.

# %%
layers = [(np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
          for layer in model.layers]


def score_numpy(points):
    h = points
    for i, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0)
    return h[:, 0]


assert np.allclose(score_numpy(X[:5]), [model([Value(a), Value(b)]).data for a, b in X[:5]])

# %% tags=["thumbnail"]
gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 100), np.linspace(-1.2, 1.7, 100))
grid_scores = score_numpy(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
ax.contourf(gx, gy, grid_scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#fde2e2", "#dbeafe"])
ax.contour(gx, gy, grid_scores, levels=[0], colors="black", linewidths=1)
ax.scatter(X[:, 0], X[:, 1], c=labels, cmap="coolwarm_r", edgecolors="black", s=30)
ax.set(xlabel="x₁", ylabel="x₂", title="Decision boundary of MLP(2, [8, 8, 1])")
ax2.plot([h[0] for h in history], label="loss")
ax2.plot([h[1] for h in history], label="accuracy")
ax2.set(xlabel="step", title="Training")
ax2.legend()
plt.show()

# %% [markdown]
# ## Exercises
#
# 1. Add `Value.exp` and `Value.log` to an expression and check the gradient against a finite
#    difference.
# 2. Replace the hinge loss by the logistic loss log(1 + exp(−y·score)). Does the boundary change?
# 3. Train `MLP(2, [4, 1])` (one small hidden layer). How many steps does it need, and does it
#    still separate the moons?
# 4. Time one training step and count the nodes of its graph with `len(autograd.toposort([loss]))`.
#    Why is a `Tensor` version of the same network much faster?

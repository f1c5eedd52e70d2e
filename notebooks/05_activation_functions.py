# %% [markdown]
# # 5. Activation functions
#
# Each activation is checked twice on a grid of inputs: its values and its derivatives
# (computed by autograd) against the closed-form formulas. Then two identities: tanh is a
# rescaled sigmoid, and a stack of linear layers without activations is still one linear map.

# %%
import math

import numpy as np

import autograd
import nn
from autograd import Tensor
from nn import functional as F

grid = np.linspace(-3, 3, 25)  # includes 0, where relu-like functions have a kink


def sigma(x):
    return 1 / (1 + np.exp(-x))

# %% [markdown]
# ## The functions and their derivatives
#
# Each entry: the chainrule function, the closed-form value and the closed-form derivative.
# At a kink (x = 0) the derivative follows PyTorch's conventions: relu'(0) = 0, the negative
# slope for Leaky ReLU and PReLU, and the left-hand slope for ELU and SELU.

# %%
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

# %% [markdown]
# The values and derivatives at a few points:

# %%
points = [-2.0, -0.5, 0.0, 0.5, 2.0]
cols = [int(np.argmin(np.abs(grid - p))) for p in points]
head = "".join(f"{p:>8}" for p in points)
print(f"{'f(x)':12}{head}      {'df/dx':12}{head}")
for name in ACTS:
    v = "".join(f"{values[name][c]:8.3f}" for c in cols)
    d = "".join(f"{slopes[name][c]:8.3f}" for c in cols)
    print(f"{name:12}{v}      {name:12}{d}")

# %% [markdown]
# Some things to read off the table:
#
# - **step** has derivative 0 everywhere (at the jump it has none, and 0 is used): no gradient
#   flows through it, so layers of step units cannot be trained by backpropagation (the
#   perceptron has its own learning rule).
# - **sigmoid** and **tanh** saturate: at |x| = 2 their slopes are already 0.105 and 0.071,
#   and they shrink exponentially further out, so gradients vanish in deep stacks of them.
#   The sigmoid's largest slope is 0.25 (at 0).
# - **relu** passes the gradient unchanged where x > 0 and blocks it where x < 0 ("dead" units);
#   **leaky_relu**, **prelu**, **elu** and **selu** keep a small slope for x < 0.
# - **swish** and **gelu** are smooth relu-like curves, slightly negative for x < 0.
# - **softplus** is a smooth relu whose derivative is the sigmoid.
#
# PReLU's slope for negative inputs is a parameter, so it gets a gradient too: dL/da =
# Σ x over the negative inputs (L = the sum of the outputs).

# %%
expected = grid[grid <= 0].sum()
print(f"PReLU slope a = {prelu.weight.item()}, dL/da = {prelu.weight.grad.item():.4f} (expected {expected:.4f})")
assert np.isclose(prelu.weight.grad.item(), expected, atol=1e-5)

# %% [markdown]
# `autograd.gradcheck` compares the backward pass with central differences in float64, away
# from the kinks:

# %%
smooth = Tensor(np.linspace(-2.9, 2.9, 12) + 0.013, requires_grad=True)  # no point is exactly 0
for name, (fn, _, _) in ACTS.items():
    if name in ("step", "prelu"):
        continue
    assert autograd.gradcheck(fn, (smooth,)), name
print("gradcheck passed for", ", ".join(n for n in ACTS if n not in ("step", "prelu")))

# %% [markdown]
# ## tanh is a rescaled sigmoid
#
# tanh(z) = 2σ(2z) − 1, so their derivatives are related too: tanh'(z) = 4σ'(2z).

# %%
z = Tensor(grid, requires_grad=True)
lhs = z.tanh()
rhs = 2 * (2 * z).sigmoid() - 1
(d_lhs,) = autograd.grad(lhs.sum(), z)
(d_rhs,) = autograd.grad(rhs.sum(), z)
print(f"max |tanh(z) - (2 sigmoid(2z) - 1)| = {np.abs(lhs.numpy() - rhs.numpy()).max():.1e}")
print(f"max |their derivatives' difference| = {np.abs(d_lhs.numpy() - d_rhs.numpy()).max():.1e}")
assert np.allclose(lhs.numpy(), rhs.numpy(), atol=1e-12)
assert np.allclose(d_lhs.numpy(), d_rhs.numpy(), atol=1e-12)

# %% [markdown]
# ## A stack of linear layers stays linear
#
# Three `Linear` layers in a row compute x·W1ᵀ + b1, then ·W2ᵀ + b2, then ·W3ᵀ + b3, which
# multiplies out to one linear layer x·Wᵀ + b with W = W3·W2·W1 and b = (b1·W2ᵀ + b2)·W3ᵀ + b3.
# Depth adds nothing without a non-linear activation between the layers.

# %%
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

# %% [markdown]
# Linearity can also be tested directly: for a linear (affine) map g, g(x + y) − g(0) =
# (g(x) − g(0)) + (g(y) − g(0)). The stack passes; with a ReLU between the layers it fails.

# %%
def affine_defect(g, x, y):
    zero = Tensor(np.zeros_like(x.numpy()))
    g0 = g(zero).numpy()
    return np.abs((g(x + y).numpy() - g0) - (g(x).numpy() - g0) - (g(y).numpy() - g0)).max()


with_relu = nn.Sequential(l1, nn.ReLU(), l2, nn.ReLU(), l3)
x, y = autograd.randn(5, 4, dtype=np.float64), autograd.randn(5, 4, dtype=np.float64)
print(f"linear stack: defect {affine_defect(deep, x, y):.1e}")
print(f"with ReLU:    defect {affine_defect(with_relu, x, y):.1e}")
assert affine_defect(deep, x, y) < 1e-12 and affine_defect(with_relu, x, y) > 1e-3

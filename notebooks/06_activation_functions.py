# %% [markdown]
# # 6. Activation functions, initialisation and the health of gradients
#
# A network is linear layers with non-linear activations between them. The activation's shape
# decides how gradients flow back through many layers, and the initial weights decide whether
# the signal survives the trip forward.
#
# **What this notebook teaches:** every common activation and its derivative (computed by
# autograd, checked against closed forms, plotted); tanh = 2σ(2z) − 1; why stacked linear
# layers stay linear; vanishing gradients in a deep sigmoid stack against ReLU; Xavier and He
# initialisation and the activation statistics per layer; gradient clipping; and batch
# normalisation.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor
from nn import functional as F
from nn.optim import SGD

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

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
# Each function (black) and its derivative as autograd computes it (red), on a finer grid:

# %% tags=["thumbnail"]
fine = np.linspace(-3, 3, 241)
fig, axes = plt.subplots(3, 4, figsize=(10, 6.4), sharex=True)
for ax, (name, (fn, _, _)) in zip(axes.ravel(), ACTS.items()):
    if name == "prelu":
        fn = nn.PReLU(init=0.25)  # a fresh one: `prelu` keeps its gradient for the check below
    x = Tensor(fine.astype(np.float32), requires_grad=True)
    out = fn(x)
    out.sum().backward()
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.plot(fine, out.numpy(), color="black", label="f(x)")
    ax.plot(fine, x.grad.numpy(), color="tab:red", lw=1.2, label="f'(x)")
    ax.set_title(name, fontsize=10)
    ax.set_ylim(-1.6, 3.1)
axes[0, 0].legend(loc="upper left", fontsize=8)
plt.show()

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

# %% [markdown]
# ## Vanishing gradients: a deep sigmoid stack against ReLU
#
# Ten `Linear(64, 64)` layers, each followed by the activation, on a batch of 256 random inputs;
# the loss is the mean squared output. Backward multiplies the gradient, layer after layer, by
# the weights and by the activation's slope. The sigmoid's slope is at most 0.25, so the
# gradient shrinks by a large factor at every layer: the first layers hardly learn. ReLU's slope
# is 1 where it is active; with He initialisation (weights of variance 2/fan_in, which makes up
# for ReLU zeroing half of its inputs) the gradient keeps its size through all ten layers.
# With PyTorch's default initialisation (variance 1/(3·fan_in)) ReLU gradients shrink as well,
# only more slowly.

# %%
def deep_stack(activation, init=None, depth=10, width=64, seed=0):
    autograd.manual_seed(seed)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        if init is not None:
            init(linear.weight)
            nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
    return nn.Sequential(*layers)


def gradient_norms(model, x):
    model.zero_grad()
    (model(x) ** 2).mean().backward()
    return [float(np.linalg.norm(m.weight.grad.numpy())) for m in model if isinstance(m, nn.Linear)]


autograd.manual_seed(1)
inputs = autograd.randn(256, 64)
he = lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")  # noqa: E731
stacks = {
    "sigmoid, default init": deep_stack(nn.Sigmoid),
    "tanh, default init": deep_stack(nn.Tanh),
    "ReLU, default init": deep_stack(nn.ReLU),
    "ReLU, He init": deep_stack(nn.ReLU, he),
}
norms = {name: gradient_norms(model, inputs) for name, model in stacks.items()}
print(f"{'':24}" + "".join(f"{'layer ' + str(i + 1):>10}" for i in range(0, 10, 3)) + f"{'first/last':>12}")
for name, g in norms.items():
    print(f"{name:24}" + "".join(f"{g[i]:10.2e}" for i in range(0, 10, 3)) + f"{g[0] / g[-1]:12.2e}")
assert norms["sigmoid, default init"][0] / norms["sigmoid, default init"][-1] < 1e-3
assert norms["ReLU, He init"][0] / norms["ReLU, He init"][-1] > 0.1

fig, ax = plt.subplots()
for name, g in norms.items():
    ax.semilogy(range(1, 11), g, "o-", label=name)
ax.set(xlabel="layer (1 = nearest the input)", ylabel="‖dloss/dW‖", title="Gradient norm per layer")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Initialisation: keeping the signal alive
#
# Forward, each layer multiplies the activations by its weights. If the weights are too large
# the pre-activations grow and tanh saturates at ±1 (its slope is then 0); too small and the
# signal dies out. Xavier (Glorot) initialisation draws weights with variance 2/(fan_in +
# fan_out), which keeps the variance of tanh-like activations about constant from layer to
# layer; He (Kaiming) uses 2/fan_in for ReLU. Below, the standard deviation of each layer's
# output for ten tanh layers and ten ReLU layers.

# %%
def activation_stds(activation, init, depth=10, width=256):
    model = deep_stack(activation, init, depth, width)
    autograd.manual_seed(2)
    h = autograd.randn(512, width)
    stds = []
    with autograd.no_grad():
        for m in model:
            h = m(h)
            if not isinstance(m, nn.Linear):
                stds.append(float(h.numpy().std()))
    return stds


inits = {
    "N(0, 1)": lambda w: nn.init.normal_(w, 0.0, 1.0),
    "N(0, 0.01²)": lambda w: nn.init.normal_(w, 0.0, 0.01),
    "Xavier": lambda w: nn.init.xavier_normal_(w),
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
tanh_stds = {name: activation_stds(nn.Tanh, inits[name]) for name in ["N(0, 1)", "N(0, 0.01²)", "Xavier"]}
relu_stds = {name: activation_stds(nn.ReLU, inits[name]) for name in ["N(0, 0.01²)", "Xavier", "He"]}
for title, table in [("tanh", tanh_stds), ("ReLU", relu_stds)]:
    for name, stds in table.items():
        print(f"{title:5} {name:12} std of layer 1: {stds[0]:9.3e}   layer 10: {stds[-1]:9.3e}")
assert tanh_stds["N(0, 1)"][-1] > 0.9 and tanh_stds["N(0, 0.01²)"][-1] < 1e-6
assert 0.1 < tanh_stds["Xavier"][-1] and 0.3 < relu_stds["He"][-1] / relu_stds["He"][0] < 3

fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
for name, stds in tanh_stds.items():
    ax.semilogy(range(1, 11), stds, "o-", label=name)
for name, stds in relu_stds.items():
    ax2.semilogy(range(1, 11), stds, "o-", label=name)
ax.set(xlabel="layer", ylabel="std of the activations", title="tanh layers")
ax2.set(xlabel="layer", title="ReLU layers")
ax.legend(fontsize=8)
ax2.legend(fontsize=8)
plt.show()

# %% [markdown]
# With N(0, 1) weights the tanh outputs sit at ±1 (std near 1): saturated, with almost no
# gradient. With N(0, 0.01²) they shrink by a factor of about 0.16 per layer until nothing is
# left. Xavier keeps tanh activations in a usable range (slowly shrinking, as tanh squashes a
# little at each layer); for ReLU, Xavier halves the variance at each layer and He keeps it.
#
# ## Gradient clipping
#
# A very steep loss can produce a gradient so large that one step throws the parameters far
# away, where the gradient is larger still: the updates explode. Take f(w) = w⁴ from w = 10
# with learning rate 0.01. The first gradient is 4·10³ = 4,000, so the first step is −40:

# %%
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

# %% [markdown]
# **Clipping by norm** rescales the whole gradient (all parameters together) so that its norm is
# at most `max_norm`, keeping its direction. `nn.utils.clip_grad_norm_` returns the norm before
# clipping. With `max_norm=10` each step moves w by at most 0.1 until the slope is gentle,
# then the ordinary updates take over.

# %%
w = Tensor(np.array([10.0]), requires_grad=True)
optimizer = SGD([w], lr=0.01)
clipped_path = [w.item()]
for step in range(300):
    loss = (w**4).sum()
    optimizer.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_([w], max_norm=10.0)
    if step % 50 == 0:
        print(f"step {step:3d}: w = {w.item():8.4f}, gradient norm {norm:10.2f} -> {abs(w.grad.item()):6.2f}")
    optimizer.step()
    clipped_path.append(w.item())
print(f"after 300 steps: w = {w.item():.4f}, loss = {(w**4).sum().item():.2e}")
assert abs(w.item()) < 0.5

fig, ax = plt.subplots(figsize=(6.4, 3))
ax.plot(clipped_path)
ax.set(xlabel="step", ylabel="w", title="f(w) = w⁴ with clip_grad_norm_(max_norm=10), lr = 0.01")
plt.show()

# %% [markdown]
# The path is a straight line while the clipped step (lr × 10 = 0.1) applies, then curves once
# the true gradient is below the limit. **Clipping by value** clamps each gradient entry into
# [−clip_value, clip_value] instead. That can change the gradient's direction, which clipping by
# norm never does:

# %%
g = np.array([300.0, 4.0])
a = Tensor(np.zeros(2), requires_grad=True)
b = Tensor(np.zeros(2), requires_grad=True)
a.grad, b.grad = Tensor(g.copy()), Tensor(g.copy())

nn.utils.clip_grad_norm_([a], max_norm=1.0)
nn.utils.clip_grad_value_([b], clip_value=1.0)


def direction(v):
    return np.degrees(np.arctan2(v[1], v[0]))


for name, v in [("original", g), ("clip by norm", a.grad.numpy()), ("clip by value", b.grad.numpy())]:
    print(f"{name:14} ({v[0]:9.5f}, {v[1]:8.5f})  norm {np.linalg.norm(v):9.4f}  angle {direction(v):6.2f} degrees")
assert np.isclose(np.linalg.norm(a.grad.numpy()), 1.0, atol=1e-5)
assert np.isclose(direction(a.grad.numpy()), direction(g))
assert np.array_equal(b.grad.numpy(), [1.0, 1.0])

# %% [markdown]
# ## Batch normalisation
#
# `BatchNorm1d` normalises each feature over the batch to mean 0 and variance 1, then applies
# a learned scale and shift. Put after each linear layer of a deep sigmoid network, it keeps
# every layer's pre-activations in the sigmoid's sensitive range whatever the weights do. The
# test: a 6-layer sigmoid network on the 8×8 digits, trained with the same SGD settings with and
# without batch normalisation.

# %%
from nn.data import StandardScaler, load_digits, train_test_split  # noqa: E402

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train).astype(np.float32), scaler.transform(X_test).astype(np.float32)


def sigmoid_net(batch_norm, depth=6, width=64, seed=0):
    autograd.manual_seed(seed)
    layers, size = [], 64
    for _ in range(depth):
        layers += [nn.Linear(size, width)] + ([nn.BatchNorm1d(width)] if batch_norm else []) + [nn.Sigmoid()]
        size = width
    return nn.Sequential(*layers, nn.Linear(width, 10))


curves, accuracies = {}, {}
for batch_norm in (False, True):
    model = sigmoid_net(batch_norm)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    losses = []
    for epoch in range(8):
        order = rng.permutation(len(X_train))
        model.train()
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = F.cross_entropy(model(Tensor(X_train[idx])), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    with autograd.no_grad():
        accuracies[batch_norm] = float((model(Tensor(X_test)).numpy().argmax(1) == y_test).mean())
    curves[batch_norm] = losses
    print(f"batch norm {'on ' if batch_norm else 'off'}: final training loss {np.mean(losses[-20:]):.3f}, "
          f"test accuracy {accuracies[batch_norm]:.3f}")
assert accuracies[True] > accuracies[False]

fig, ax = plt.subplots()
for batch_norm, losses in curves.items():
    ax.plot(losses, lw=0.8, label="with BatchNorm1d" if batch_norm else "plain sigmoid layers")
ax.set(xlabel="update", ylabel="cross-entropy", title="6 sigmoid layers on the digits, SGD lr 0.1, momentum 0.9")
ax.legend()
plt.show()

# %% [markdown]
# Without normalisation the deep sigmoid stack does not learn at all in these 8 epochs: its loss
# stays at log 10 ≈ 2.3 and its test accuracy at chance, because its gradients vanish on the way
# back, as measured above. With batch normalisation the loss falls from the first epoch.
#
# ## Exercises
#
# 1. Plot the derivative of GELU next to ReLU's: where do they differ most?
# 2. Repeat the gradient-norm experiment with 30 layers. How many orders of magnitude does the
#    sigmoid stack lose?
# 3. Find the standard deviation σ of N(0, σ²) weights that keeps the tanh stack's activations
#    constant, and compare it with Xavier's.
# 4. Add `nn.BatchNorm1d` to the ReLU stack with the default initialisation. What happens to the
#    gradient norms per layer?

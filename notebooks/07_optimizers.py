# %% [markdown]
# # 7. Optimizers
#
# Gradient descent takes steps against the gradient. How big, and in which exact direction, is
# the optimizer's choice. Notebook 2 showed plain SGD's weakness: on a surface much steeper in
# one direction than another, the learning rate that the steep direction allows makes the flat
# direction crawl.
#
# **What this notebook teaches:** SGD, momentum, Nesterov momentum, AdaGrad, RMSProp, Adam and
# AdamW side by side: their trajectories on the same 2-D surfaces (contour plots), their loss
# curves on a real task (the 8×8 digits), and learning-rate schedules.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor
from nn.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from nn.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, StepLR

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})
COLOURS = dict(zip(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"],
                   ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink"]))


def minimize(f, start, make_optimizer, steps):
    """The points visited by an optimizer on f from `start`, and the final value of f."""
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

# %% [markdown]
# ## Seven optimizers on the valley
#
# f(x, y) = x²/20 + y², from (−7, 2), 30 steps each, with a learning rate that suits each
# method. The table counts how often y changes sign on the way: the zig-zag across the valley.
#
# - **Momentum** keeps a velocity v ← μv + g and steps by lr·v: a ball rolling downhill.
# - **Nesterov** evaluates the gradient where the velocity is about to take the point.
# - **AdaGrad** divides each coordinate's step by the root of its sum of squared gradients.
# - **RMSProp** uses a moving average of squared gradients instead, so it forgets old ones.
# - **Adam** combines a moving average of gradients (momentum) with RMSProp's scaling, with bias
#   correction for the first steps; **AdamW** adds weight decay applied to the weights directly.

# %%
def valley(p):
    return p[0] ** 2 / 20 + p[1] ** 2


OPTIMIZERS = {
    "SGD": lambda ps: SGD(ps, lr=0.95),
    "Momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    "Nesterov": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: Adagrad(ps, lr=1.5),
    "RMSProp": lambda ps: RMSprop(ps, lr=0.1, alpha=0.9),
    "Adam": lambda ps: Adam(ps, lr=0.3),
    "AdamW": lambda ps: AdamW(ps, lr=0.3, weight_decay=0.1),
}

start = [-7.0, 2.0]
print(f"{'method':10} {'y sign changes':>14} {'point after 30 steps':>22} {'f':>10}")
valley_paths = {}
for name, make in OPTIMIZERS.items():
    path, final = minimize(valley, start, make, steps=30)
    valley_paths[name] = path
    flips = int(np.sum(np.diff(np.sign(path[:, 1])) != 0))
    print(f"{name:10} {flips:14d}   ({path[-1][0]:7.3f}, {path[-1][1]:7.3f})  {final:10.2e}")
    assert final < valley(np.array(start)) / 5, name

# %% [markdown]
# ## The Rosenbrock function
#
# f(x, y) = (1 − x)² + 100(y − x²)² has its minimum at (1, 1) at the bottom of a curved,
# flat-floored valley. Start at (−1.5, 2) with 1,000 steps each.

# %%
def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


ROSENBROCK = {
    "SGD": lambda ps: SGD(ps, lr=1e-3),
    "Momentum": lambda ps: SGD(ps, lr=1e-3, momentum=0.9),
    "Nesterov": lambda ps: SGD(ps, lr=1e-3, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: Adagrad(ps, lr=0.5),
    "RMSProp": lambda ps: RMSprop(ps, lr=1e-2, alpha=0.9),
    "Adam": lambda ps: Adam(ps, lr=0.05),
    "AdamW": lambda ps: AdamW(ps, lr=0.05, weight_decay=0.01),
}
print(f"{'method':10} {'final point':>18} {'final f':>10}")
rosen_paths, rosen_final = {}, {}
for name, make in ROSENBROCK.items():
    path, final = minimize(rosenbrock, [-1.5, 2.0], make, steps=1000)
    rosen_paths[name], rosen_final[name] = path, final
    print(f"{name:10} ({path[-1][0]:7.4f}, {path[-1][1]:7.4f})  {final:10.2e}")
    assert np.isfinite(final) and final < rosenbrock(np.array([-1.5, 2.0])), name
assert max(rosen_final["Momentum"], rosen_final["Nesterov"], rosen_final["Adam"]) < 1e-2 < rosen_final["SGD"]

# %% [markdown]
# The trajectories, on the two surfaces:

# %% tags=["thumbnail"]
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
gx, gy = np.meshgrid(np.linspace(-8, 2, 200), np.linspace(-2.5, 2.5, 200))
ax.contour(gx, gy, gx**2 / 20 + gy**2, levels=np.geomspace(0.02, 8, 12), cmap="Greys", linewidths=0.7)
for name, path in valley_paths.items():
    ax.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, color=COLOURS[name], label=name)
ax.plot([0], [0], "k*", ms=10)
ax.set(xlabel="x", ylabel="y", title="valley x²/20 + y², 30 steps", xlim=(-8, 2), ylim=(-2.5, 2.5))
ax.legend(fontsize=8, loc="lower right")
rx, ry = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1, 3, 200))
ax2.contour(rx, ry, (1 - rx) ** 2 + 100 * (ry - rx**2) ** 2, levels=np.geomspace(0.1, 2000, 14), cmap="Greys",
            linewidths=0.7)
for name, path in rosen_paths.items():
    ax2.plot(path[:, 0], path[:, 1], "-", lw=1.2, color=COLOURS[name], label=name)
ax2.plot([1], [1], "k*", ms=10)
ax2.set(xlabel="x", ylabel="y", title="Rosenbrock, 1,000 steps", xlim=(-2, 2), ylim=(-1, 3))
plt.show()

# %% [markdown]
# On the valley, SGD's y flips sign at every step while x shrinks by under 10% per step.
# Momentum builds up speed along the valley, overshoots and comes back; Nesterov's look-ahead
# damps that swinging. AdaGrad, RMSProp, Adam and AdamW scale each coordinate by its own
# gradient history, so both directions move at a similar pace, set by the learning rate rather
# than by the slope: their paths head almost diagonally at first.
#
# On Rosenbrock, plain SGD, with the learning rate the steep walls allow, is still crawling along
# the valley floor after 1,000 steps. Momentum and Nesterov carry speed along the floor and
# arrive; so do Adam and AdamW. AdaGrad's steps shrink as its sum of squared gradients grows,
# which stops it early, and RMSProp, which forgets old gradients, gets further.
#
# ## Loss curves on a real task
#
# A small network, `nn.MLP([64, 64, 10])`, on the 8×8 digits (1,437 training images,
# standardised), mini-batches of 32 for 6 epochs, the same initial weights for every optimizer.
# Learning rates are the usual defaults (0.01 for SGD and momentum, 0.001 for the adaptive
# methods, 0.01 for AdaGrad).

# %%
from nn.data import StandardScaler, load_digits, train_test_split  # noqa: E402

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train).astype(np.float32), scaler.transform(X_test).astype(np.float32)

DIGITS = {
    "SGD": lambda ps: SGD(ps, lr=0.01),
    "Momentum": lambda ps: SGD(ps, lr=0.01, momentum=0.9),
    "Nesterov": lambda ps: SGD(ps, lr=0.01, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: Adagrad(ps, lr=0.01),
    "RMSProp": lambda ps: RMSprop(ps, lr=0.001),
    "Adam": lambda ps: Adam(ps, lr=0.001),
    "AdamW": lambda ps: AdamW(ps, lr=0.001, weight_decay=0.01),
}
epochs, batch_size = 6, 32
digit_curves, digit_accuracy = {}, {}
print(f"{'method':10} {'loss, epoch 1':>14} {'loss, epoch 6':>14} {'test accuracy':>14}")
for name, make in DIGITS.items():
    autograd.manual_seed(0)
    model = nn.MLP([64, 64, 10])
    optimizer = make(model.parameters())
    rng = np.random.default_rng(0)
    per_epoch = []
    for epoch in range(epochs):
        order, total = rng.permutation(len(X_train)), 0.0
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            loss = nn.functional.cross_entropy(model(Tensor(X_train[idx])), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        per_epoch.append(total / len(order))
    with autograd.no_grad():
        digit_accuracy[name] = float((model(Tensor(X_test)).numpy().argmax(1) == y_test).mean())
    digit_curves[name] = per_epoch
    print(f"{name:10} {per_epoch[0]:14.4f} {per_epoch[-1]:14.4f} {digit_accuracy[name]:14.3f}")
assert digit_curves["Adam"][-1] < digit_curves["SGD"][-1]

fig, ax = plt.subplots()
for name, curve in digit_curves.items():
    ax.plot(range(1, epochs + 1), curve, "o-", ms=3, color=COLOURS[name], label=name)
ax.set(xlabel="epoch", ylabel="training loss (mean over the epoch)", yscale="log",
       title="MLP([64, 64, 10]) on the 8×8 digits")
ax.legend(fontsize=8, ncol=2)
plt.show()

# %% [markdown]
# Plain SGD at lr = 0.01 is the slowest; momentum (the same lr, with μ = 0.9, so about ten times
# the effective step) and the adaptive methods train much faster. On a task this small they all
# reach a good test accuracy eventually; the differences are in how many epochs it takes.
#
# ## Learning-rate schedules
#
# A schedule changes the learning rate as training goes: large steps early to make progress,
# small steps late to settle. `scheduler.step()` is called once per epoch, after the epoch's
# updates. The rates over 30 epochs, starting from lr = 0.1:

# %%
def rates(make_scheduler, epochs=30):
    optimizer = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=0.1)
    scheduler = make_scheduler(optimizer)
    out = []
    for _ in range(epochs):
        out.append(scheduler.get_last_lr()[0])
        scheduler.step()
    return out


SCHEDULES = {
    "StepLR(step_size=10, gamma=0.5)": lambda o: StepLR(o, step_size=10, gamma=0.5),
    "ExponentialLR(gamma=0.9)": lambda o: ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR(T_max=30)": lambda o: CosineAnnealingLR(o, T_max=30),
    "LambdaLR: 5 warm-up epochs, then 1/√epoch": lambda o: LambdaLR(o, lambda e: (e + 1) / 5 if e < 5
                                                                       else (5 / (e + 1)) ** 0.5),
}
schedules = {name: rates(make) for name, make in SCHEDULES.items()}
for name, r in schedules.items():
    print(f"{name:42} epoch 0: {r[0]:.4f}  epoch 10: {r[10]:.4f}  epoch 29: {r[29]:.4f}")
assert np.isclose(schedules["StepLR(step_size=10, gamma=0.5)"][10], 0.05)
assert np.isclose(schedules["ExponentialLR(gamma=0.9)"][10], 0.1 * 0.9**10)
assert np.isclose(schedules["CosineAnnealingLR(T_max=30)"][15], 0.05)

fig, ax = plt.subplots()
for name, r in schedules.items():
    ax.step(range(len(r)), r, where="post", label=name)
ax.set(xlabel="epoch", ylabel="learning rate", title="Learning-rate schedules from lr = 0.1")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Exercises
#
# 1. On the valley, find the largest learning rate for which Adam still converges in 30 steps.
#    Why is Adam's step size nearly independent of the gradient's size?
# 2. Add `weight_decay=0.1` to `Adam` (L2 added to the gradient) and compare the path with
#    AdamW's (decay applied to the weights). On which surface do they differ most?
# 3. Train the digits network with SGD at lr = 0.1 and with a `StepLR` that halves it every two
#    epochs. Does the schedule help?
# 4. Write RMSProp's update in numpy for the valley and check it against `nn.optim.RMSprop` step
#    by step.

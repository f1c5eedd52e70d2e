# %% [markdown]
# # 4. Optimizers
#
# Gradient descent takes steps against the gradient. How big, and in which exact direction,
# is the optimizer's choice. This notebook runs SGD, momentum, Nesterov momentum, AdaGrad,
# RMSProp and Adam on the same problems, compares batch, mini-batch and online (stochastic)
# gradient descent, and shows gradient clipping.

# %%
import time

import numpy as np

import autograd
import nn
from autograd import Tensor
from nn.optim import SGD, Adagrad, Adam, RMSprop

results = []  # (problem, method, final loss) for the table at the end

# %% [markdown]
# ## The learning rate
#
# f(x, y) = x²/20 + y² is a long, narrow valley: the slope is 20 times steeper across the valley
# (y) than along it (x). Plain gradient descent multiplies y by (1 − 2·lr) and x by
# (1 − lr/10) at each step. A small learning rate is stable but slow; above lr = 1 the y
# coordinate overshoots further at every step and the iterates fly away.

# %%
def bowl(p):
    return p[0] ** 2 / 20 + p[1] ** 2


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


start = [-7.0, 2.0]
print(f"{'lr':>5} {'f after 30 steps':>17}  {'point':>20}")
by_lr = {}
for lr in [0.01, 0.1, 0.5, 0.95, 1.05]:
    path, by_lr[lr] = minimize(bowl, start, lambda ps: SGD(ps, lr=lr), steps=30)
    print(f"{lr:5} {by_lr[lr]:17.3e}  ({path[-1][0]:8.3f}, {path[-1][1]:8.3f})")
assert by_lr[0.01] > by_lr[0.1] > by_lr[0.5] and by_lr[1.05] > bowl(np.array(start))

# %% [markdown]
# ## Six optimizers on the bowl
#
# Each optimizer starts at (−7, 2) and takes 30 steps, with a learning rate that suits it.
# The table counts how often y changes sign on the way: that is the zig-zag across the valley.

# %%
OPTIMIZERS = {
    "SGD": lambda ps: SGD(ps, lr=0.95),
    "Momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    "Nesterov": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: Adagrad(ps, lr=1.5),
    "RMSProp": lambda ps: RMSprop(ps, lr=0.1, alpha=0.9),
    "Adam": lambda ps: Adam(ps, lr=0.3),
}

print(f"{'method':10} {'y sign changes':>14} {'point after 30 steps':>22} {'f':>10}")
bowl_final = {}
for name, make in OPTIMIZERS.items():
    path, final = minimize(bowl, start, make, steps=30)
    flips = int(np.sum(np.diff(np.sign(path[:, 1])) != 0))
    print(f"{name:10} {flips:14d}   ({path[-1][0]:7.3f}, {path[-1][1]:7.3f})  {final:10.2e}")
    results.append(("bowl x²/20 + y², 30 steps", name, final))
    bowl_final[name] = final
    assert final < bowl(np.array(start)) / 5, name

# %% [markdown]
# SGD's y coordinate flips sign at every step while x shrinks by under 10% per step. Momentum
# is a ball rolling downhill: it builds up speed along the valley, overshoots and comes back,
# so it is not yet settled after 30 steps; Nesterov's look-ahead damps that swinging. AdaGrad,
# RMSProp and Adam scale each coordinate by its own gradient history, so both directions move
# at a similar pace, set by the learning rate rather than by the slope: RMSProp, with steps of
# about 0.1, has covered only half of the way in x.
#
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
}
print(f"{'method':10} {'final point':>18} {'final f':>10}")
rosen_final = {}
for name, make in ROSENBROCK.items():
    path, final = minimize(rosenbrock, [-1.5, 2.0], make, steps=1000)
    print(f"{name:10} ({path[-1][0]:7.4f}, {path[-1][1]:7.4f})  {final:10.2e}")
    results.append(("Rosenbrock, 1,000 steps", name, final))
    rosen_final[name] = final
    assert np.isfinite(final) and final < rosenbrock(np.array([-1.5, 2.0])), name
assert max(rosen_final["Momentum"], rosen_final["Nesterov"], rosen_final["Adam"]) < 1e-2 < rosen_final["SGD"]

# %% [markdown]
# Plain SGD, with the learning rate the steep walls allow, is still crawling along the valley
# floor after 1,000 steps. Momentum and Nesterov carry speed along the floor and arrive; so
# does Adam. AdaGrad's steps shrink as its sum of squared gradients grows, which here stops
# it early, and RMSProp, which forgets old gradients, gets further.

# %% [markdown]
# ## Batch, mini-batch and online gradient descent
#
# Linear regression on 200 noisy points of y = 3x + 2. In one *epoch* every sample is used
# once; what differs is how many samples each update looks at:
#
# - **batch**: all 200 (one update per epoch, exact gradient);
# - **mini-batch**: 20 at a time (10 updates per epoch);
# - **online** (stochastic): 1 at a time (200 updates per epoch, the noisiest).
#
# Each runs 10 epochs of SGD with learning rate 0.05 from W = b = 0.

# %%
rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (200, 1)).astype(np.float32)
Y = (3 * X + 2 + 0.1 * rng.standard_normal((200, 1))).astype(np.float32)


def full_loss(W, b):
    return float(np.mean((X @ W.numpy() + b.numpy() - Y) ** 2))


def train(batch_size, epochs=10, lr=0.05, seed=0):
    started = time.perf_counter()
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
    return W.item(), b.item(), updates, full_loss(W, b), time.perf_counter() - started


print(f"{'method':12} {'batch size':>10} {'updates':>8} {'W':>7} {'b':>7} {'final MSE':>10} {'seconds':>8}")
for name, batch_size in [("batch", 200), ("mini-batch", 20), ("online", 1)]:
    W, b, updates, mse, seconds = train(batch_size)
    print(f"{name:12} {batch_size:10d} {updates:8d} {W:7.3f} {b:7.3f} {mse:10.4f} {seconds:8.3f}")
    results.append(("regression, 10 epochs", f"{name} SGD", mse))

# %% [markdown]
# For the same number of epochs (each sample seen 10 times), batch gradient descent has made
# only 10 steps and is still far from W = 3, b = 2. Mini-batches make 10 times as many updates
# and get close to the best possible MSE (about 0.01, the noise in the data). Online updates
# get there as well, but each one handles a single sample, so the same epochs take far
# longer: vectorised mini-batches are the usual compromise, and their gradient noise also
# helps to escape poor regions of a non-convex loss.

# %%
mse_batch, mse_mini, mse_online = (r[2] for r in results[-3:])
assert mse_mini < mse_batch and mse_online < mse_batch
assert mse_mini < 0.02 and mse_online < 0.05

# %% [markdown]
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

# %% [markdown]
# **Clipping by value** clamps each gradient entry into [−clip_value, clip_value]. That can change
# the gradient's direction, which clipping by norm never does:

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
# ## Summary
#
# Final losses of every run above:

# %%
width = max(len(r[0]) for r in results)
print(f"{'problem':{width}}  {'method':26} {'final loss':>11}")
for problem, method, loss in results:
    print(f"{problem:{width}}  {method:26} {loss:11.3e}")

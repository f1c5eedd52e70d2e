# %% [markdown]
# # 2. Gradient descent
#
# Gradient descent repeats one move: compute the gradient of the loss, step against it,
# w ← w − lr · ∇loss(w). Everything else is detail, but the details decide whether training
# works.
#
# **What this notebook teaches:** how the learning rate decides between crawling, converging and
# flying away, on a 1-D curve and on a 2-D surface (contour plots); how momentum can roll past
# a local minimum; and how batch, mini-batch and stochastic (online) gradient descent differ.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd
from autograd import Tensor
from nn.optim import SGD

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})


def minimize(f, start, lr, steps, momentum=0.0):
    """The points visited by SGD on f from `start` (the path, shape (steps + 1, dims))."""
    p = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    optimizer = SGD([p], lr=lr, momentum=momentum)
    path = [p.numpy().copy()]
    for _ in range(steps):
        loss = f(p)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append(p.numpy().copy())
    return np.array(path)

# %% [markdown]
# ## The learning rate on a 1-D loss
#
# loss(w) = (w − 3)² has slope 2(w − 3), so one step multiplies the distance to the minimum by
# (1 − 2·lr): below lr = 0.5 the iterates approach from one side, between 0.5 and 1 they jump
# across the minimum and back, and above lr = 1 every jump is longer than the last.

# %%
def parabola(w):
    return ((w - 3) ** 2).sum()


runs = {"too small, lr = 0.02": 0.02, "about right, lr = 0.3": 0.3, "too large, lr = 1.05": 1.05}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True)
ws = np.linspace(-2, 8, 200)
for ax, (title, lr) in zip(axes, runs.items()):
    path = minimize(parabola, [0.0], lr, steps=10)[:, 0]
    ax.plot(ws, (ws - 3) ** 2, color="black")
    ax.plot(path, (path - 3) ** 2, "o-", color="tab:red", ms=4, lw=1)
    ax.set(title=title, xlabel="w", ylim=(-1, 26))
    print(f"{title:22}: w after 10 steps = {path[-1]:8.4f}, distance factor per step 1 − 2·lr = {1 - 2 * lr:+.2f}")
axes[0].set_ylabel("loss")
plt.show()
assert abs(minimize(parabola, [0.0], 0.3, 10)[-1, 0] - 3) < 1e-3
assert abs(minimize(parabola, [0.0], 1.05, 10)[-1, 0] - 3) > 3

# %% [markdown]
# ## The learning rate on a 2-D loss surface
#
# f(x, y) = x²/20 + y² is a long narrow valley: 20 times steeper across (y) than along (x). One
# step multiplies y by (1 − 2·lr) and x by (1 − lr/10). The steep direction limits the learning
# rate (lr < 1, or y blows up), and with such an lr the flat direction crawls: that mismatch is
# what the optimizers of notebook 7 fix.

# %%
def valley(p):
    return p[0] ** 2 / 20 + p[1] ** 2


X, Y = np.meshgrid(np.linspace(-8, 8, 200), np.linspace(-3.2, 3.2, 200))
Z = X**2 / 20 + Y**2
start = [-7.0, 2.0]
lrs = {"too small, lr = 0.05": 0.05, "about right, lr = 0.8": 0.8, "too large, lr = 1.02": 1.02}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.0), sharey=True)
finals = {}
for ax, (title, lr) in zip(axes, lrs.items()):
    path = minimize(valley, start, lr, steps=30)
    finals[lr] = valley(path[-1])
    ax.contour(X, Y, Z, levels=np.geomspace(0.05, 12, 12), cmap="Greys", linewidths=0.7)
    ax.plot(path[:, 0], np.clip(path[:, 1], -3.1, 3.1), ".-", color="tab:red", lw=1, ms=4)
    ax.plot([0], [0], "k*", ms=8)
    ax.set(title=title, xlabel="x", xlim=(-8, 8), ylim=(-3.2, 3.2))
    print(f"{title:22}: f after 30 steps = {finals[lr]:.3g} (started at {valley(np.array(start)):.3g})")
axes[0].set_ylabel("y")
plt.show()
assert finals[0.8] < finals[0.05] < valley(np.array(start)) < finals[1.02]

# %% [markdown]
# With lr = 0.05 the path slides smoothly into the valley and then barely moves along it; with
# lr = 0.8 it zig-zags across the valley (y changes sign every step) but gets furthest; with
# lr = 1.02 the zig-zag grows until the point leaves the picture (it is clipped to the frame).
#
# ## Momentum rolls past a local minimum
#
# loss(w) = w⁴ − 4w² + w has two valleys: a shallow one near w = 1.35 and a deeper one near
# w = −1.47. Started at w = 2.3, plain gradient descent stops in the nearest valley. With
# momentum, the step keeps a share (0.9) of the previous step's velocity, like a ball rolling
# downhill: it crosses the hump and settles in the deeper valley.

# %%
def two_valleys(w):
    return (w**4 - 4 * w**2 + w).sum()


ws = np.linspace(-2.2, 2.4, 300)
plain = minimize(two_valleys, [2.3], lr=0.01, steps=150)[:, 0]
rolling = minimize(two_valleys, [2.3], lr=0.01, steps=150, momentum=0.9)[:, 0]
print(f"plain SGD ends at w = {plain[-1]:.3f}, loss {two_valleys(plain[-1:]):.3f}")
print(f"momentum  ends at w = {rolling[-1]:.3f}, loss {two_valleys(rolling[-1:]):.3f}")
assert plain[-1] > 1 and rolling[-1] < -1

fig, ax = plt.subplots()
ax.plot(ws, ws**4 - 4 * ws**2 + ws, color="black", label="loss(w) = w⁴ − 4w² + w")
for path, name, colour in [(plain, "plain SGD, lr = 0.01", "tab:blue"),
                           (rolling, "SGD + momentum 0.9", "tab:red")]:
    ax.plot(path, path**4 - 4 * path**2 + path, "o-", ms=3, lw=0.6, color=colour, label=name)
ax.set(xlabel="w", ylabel="loss", title="Momentum crosses the hump")
ax.legend()
plt.show()

# %% [markdown]
# ## Batch, mini-batch and stochastic gradient descent
#
# Linear regression on 200 noisy points of y = 3x + 2. In one *epoch* every sample is used
# once; what differs is how many samples each update looks at:
#
# - **batch**: all 200 (one update per epoch, the exact gradient);
# - **mini-batch**: 20 at a time (10 updates per epoch);
# - **stochastic** (online): 1 at a time (200 updates per epoch, the noisiest).
#
# Each runs 10 epochs of SGD with learning rate 0.05 from W = b = 0, recording where (W, b) is
# after every update. Every update is the same five steps: draw a batch, forward pass, loss,
# backward pass, and a step against the gradient.

# %%
rng = np.random.default_rng(0)
x_data = rng.uniform(-1, 1, (200, 1))
y_data = 3 * x_data + 2 + 0.1 * rng.standard_normal((200, 1))


def mse(W, b):
    return np.mean((x_data * W + b - y_data) ** 2)


def train(batch_size, epochs=10, lr=0.05, seed=0):
    W = autograd.zeros(1, 1, dtype=np.float64, requires_grad=True)
    b = autograd.zeros(1, dtype=np.float64, requires_grad=True)
    optimizer = SGD([W, b], lr=lr)
    order_rng = np.random.default_rng(seed)
    path = [(0.0, 0.0)]
    for epoch in range(epochs):
        order = order_rng.permutation(len(x_data))
        for i in range(0, len(x_data), batch_size):
            idx = order[i:i + batch_size]                      # 1. draw a batch
            prediction = Tensor(x_data[idx]) @ W + b           # 2. forward pass
            loss = ((prediction - Tensor(y_data[idx])) ** 2).mean()  # 3. loss
            optimizer.zero_grad()
            loss.backward()                                    # 4. backward pass
            optimizer.step()                                   # 5. W -= lr * grad (and b)
            path.append((W.item(), b.item()))
    return np.array(path)


paths = {name: train(size) for name, size in [("batch", 200), ("mini-batch", 20), ("stochastic", 1)]}
print(f"{'method':11} {'updates':>8} {'W':>7} {'b':>7} {'MSE':>8}")
for name, path in paths.items():
    W, b = path[-1]
    print(f"{name:11} {len(path) - 1:8d} {W:7.3f} {b:7.3f} {mse(W, b):8.4f}")
finals = {name: mse(*path[-1]) for name, path in paths.items()}
assert finals["mini-batch"] < finals["batch"] and finals["stochastic"] < finals["batch"]

# %% tags=["thumbnail"]
Wg, bg = np.meshgrid(np.linspace(-0.5, 4, 120), np.linspace(-0.5, 3, 120))
loss_grid = np.mean((x_data[None, None, :, 0] * Wg[..., None] + bg[..., None] - y_data[None, None, :, 0]) ** 2,
                    axis=-1)
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax.contour(Wg, bg, loss_grid, levels=np.geomspace(0.01, 10, 14), cmap="Greys", linewidths=0.7)
colours = {"batch": "tab:blue", "mini-batch": "tab:green", "stochastic": "tab:red"}
for name, path in paths.items():
    ax.plot(path[:, 0], path[:, 1], "-", lw=0.8 if name == "stochastic" else 1.5, color=colours[name], label=name)
ax.plot([3], [2], "k*", ms=10)
ax.set(xlabel="W", ylabel="b", title="Paths of (W, b) over 10 epochs")
ax.legend(loc="lower right")
for name, path in paths.items():
    per_epoch = (len(path) - 1) // 10
    epochs = np.arange(len(path)) / per_epoch
    ax2.semilogy(epochs, [mse(W, b) for W, b in path], color=colours[name], label=name, lw=1)
ax2.set(xlabel="epoch", ylabel="MSE on all 200 points", title="Loss against epochs")
ax2.legend()
plt.show()

# %% [markdown]
# Per epoch, batch descent makes one careful step and is still far from W = 3, b = 2 after
# 10 epochs. Mini-batches make 10 steps per epoch and reach the noise level of the data
# (MSE ≈ 0.01). Stochastic descent takes 200 tiny steps per epoch and wanders around the
# minimum, because each step follows a single sample. Per update, one sample is cheap but a
# vectorised mini-batch costs little more, so mini-batches are the usual compromise.
#
# ## Exercises
#
# 1. For the parabola, which learning rate lands exactly on w = 3 in one step? Check it.
# 2. On the valley, find by trial the largest learning rate that still converges, and explain it
#    with the factor (1 − 2·lr).
# 3. Start the two-valley example at w = −2.2 with plain SGD and with momentum. Does momentum
#    ever hurt?
# 4. Run mini-batch descent with batch sizes 5, 50 and 100, and plot the MSE against the number
#    of updates instead of the number of epochs.

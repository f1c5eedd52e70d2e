# %% [markdown]
# # 4. Linear regression the PyTorch way
#
# The PyTorch-style workflow: tensors that require grad, a hypothesis, a cost, `zero_grad()`,
# `backward()` and an optimizer `step()`. chainrule follows PyTorch's names, so the code reads
# the same.
#
# **What this notebook teaches:** fitting y = 2x with W, b and the cost printed as training goes,
# why gradients must be zeroed between steps (2, 4, 6, ...), three input features as separate
# weights and as one matrix product, and gradient descent compared with the closed-form least
# squares solution.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

# %% [markdown]
# ## One feature
#
# Three points on the line y = 2x. The model is the hypothesis x·W + b with W and b starting at
# zero; the cost is the mean squared error; plain SGD with learning rate 0.01 runs for 2,000
# epochs. Everything is float32, as in PyTorch.

# %%
x_train = Tensor([[1.0], [2.0], [3.0]])
y_train = Tensor([[2.0], [4.0], [6.0]])

W = autograd.zeros(1, requires_grad=True)
b = autograd.zeros(1, requires_grad=True)
optimizer = nn.optim.SGD([W, b], lr=0.01)

nb_epochs, costs = 2000, []
for epoch in range(nb_epochs + 1):
    hypothesis = x_train * W + b
    cost = ((hypothesis - y_train) ** 2).mean()

    optimizer.zero_grad()
    cost.backward()
    optimizer.step()

    costs.append(cost.item())
    if epoch % 100 == 0:
        print(f"Epoch {epoch:4d}/{nb_epochs} W: {W.item():.3f}, b: {b.item():.3f} Cost: {cost.item():.6f}")

# %% [markdown]
# The line is found: W ≈ 2 and b ≈ 0. The cost printed at each epoch is the one computed *before*
# that epoch's update. The checks below also confirm that everything stayed float32.

# %%
assert W.dtype == np.float32 and b.dtype == np.float32 and cost.dtype == np.float32
assert abs(W.item() - 2) < 0.01 and abs(b.item()) < 0.02 and cost.item() < 1e-4
with autograd.no_grad():
    prediction = Tensor([[4.0]]) * W + b
print(f"prediction for x = 4: {prediction.item():.3f}")
assert abs(prediction.item() - 8) < 0.02

# %% [markdown]
# The fitted line through the three points, and the cost against the epoch (log scale): after a
# fast first drop, the cost falls by a constant factor per epoch, the signature of gradient
# descent on a quadratic.

# %% tags=["thumbnail"]
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
xs = np.linspace(0, 4, 2)
ax.plot(x_train.numpy(), y_train.numpy(), "o", ms=8, label="data")
ax.plot(xs, W.item() * xs + b.item(), "-", label=f"fit: y = {W.item():.3f}x + {b.item():.3f}")
ax.set(xlabel="x", ylabel="y", title="The fitted line")
ax.legend()
ax2.semilogy(costs)
ax2.set(xlabel="epoch", ylabel="cost (MSE)", title="Cost during training")
plt.show()

# %% [markdown]
# ## Autograd practice
#
# w = 2 requires grad; y = w², z = 2y + 5. Then dz/dw = 2 · 2w = 4w = 8.

# %%
w = Tensor(2.0, requires_grad=True)
y = w**2
z = 2 * y + 5
z.backward()
print(f"dz/dw = {w.grad.item()}")
assert w.grad.item() == 8.0

# %% [markdown]
# ## Why `zero_grad()`
#
# `backward()` *adds* to `.grad`, so that gradients flowing into one tensor from several paths
# add up. Across training steps that accumulation is wrong: each step needs a fresh gradient.
# With z = 2w, one backward gives dz/dw = 2; calling it again without clearing gives 4, 6, ….

# %%
w = Tensor(2.0, requires_grad=True)
accumulated = []
for step in range(5):
    z = 2 * w
    z.backward()
    accumulated.append(w.grad.item())
    print(f"step {step}: w.grad = {w.grad.item()}")
assert accumulated == [2.0, 4.0, 6.0, 8.0, 10.0]

# %% [markdown]
# With `w.grad = None` (what `optimizer.zero_grad()` does) before each backward the gradient
# stays 2:

# %%
cleared = []
for step in range(5):
    w.zero_grad()
    z = 2 * w
    z.backward()
    cleared.append(w.grad.item())
print(cleared)
assert cleared == [2.0] * 5

# %% [markdown]
# ## Three features: exam scores
#
# Predict a final score from three quiz scores. First with three separate weights w1, w2, w3 and
# a bias, all starting at zero, SGD with learning rate 1e-5 for 1,000 epochs. (The inputs are
# large, around 90, so a larger learning rate would make the updates explode.)

# %%
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
assert cost.item() < 1.1

# %% [markdown]
# The same model as one matrix product: the five samples are the rows of `x_train` (5×3), the
# weights a column W (3×1), and the hypothesis is `x_train.matmul(W) + b`. Same data, same
# initialisation, same optimizer: the same numbers come out.

# %%
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

# %% [markdown]
# ## Closed form against gradient descent
#
# Least squares also has a closed-form answer: with a column of ones appended to the inputs
# (for b), the best weights solve the normal equations XᵀX θ = Xᵀy, which `np.linalg.lstsq`
# does stably. Its cost is the smallest any W, b can reach. Gradient descent, after 1,000 epochs
# at lr = 1e-5, fits the scores to about one point but its cost is still ten times the minimum,
# and its weights are elsewhere: the three quiz scores are almost equal for every student, so
# many weight vectors predict nearly the same thing (XᵀX is badly conditioned), and gradient
# descent moves very slowly along those flat directions. It has barely moved b from 0.

# %%
X_ones = np.c_[x_train.numpy(), np.ones(5)].astype(np.float64)
theta, *_ = np.linalg.lstsq(X_ones, y_train.numpy().astype(np.float64), rcond=None)
closed_cost = float(np.mean((X_ones @ theta - y_train.numpy()) ** 2))
print(f"{'':18} {'w1':>8} {'w2':>8} {'w3':>8} {'b':>9} {'cost':>9}")
print(f"{'closed form':18} {theta[0, 0]:8.4f} {theta[1, 0]:8.4f} {theta[2, 0]:8.4f} {theta[3, 0]:9.4f} "
      f"{closed_cost:9.4f}")
print(f"{'gradient descent':18} {matrix[0]:8.4f} {matrix[1]:8.4f} {matrix[2]:8.4f} {matrix[3]:9.4f} {matrix[4]:9.4f}")
print(f"condition number of XᵀX: {np.linalg.cond(X_ones.T @ X_ones):.2e}")
assert closed_cost <= matrix[4]

# %% [markdown]
# `nn.models.LinearRegression` packages both as a scikit-learn style estimator: by default the
# lesson's loop (weights from zero, MSE, full-batch SGD), or `closed_form=True` for least squares.
# On the exam scores it agrees with the numbers above.

# %%
from nn.models import LinearRegression  # noqa: E402

x_np, y_np = x_train.numpy().astype(np.float64), y_train.numpy()[:, 0].astype(np.float64)
exact = LinearRegression(closed_form=True).fit(x_np, y_np)
looped = LinearRegression(lr=1e-5, epochs=1000).fit(x_np, y_np)
print("closed form:      coef", np.round(exact.coef_, 4), " intercept", round(float(exact.intercept_), 4))
print("gradient descent: coef", np.round(looped.coef_, 4), " intercept", round(float(looped.intercept_), 4))
assert np.allclose(exact.coef_, theta[:3, 0], atol=1e-6)

# %% [markdown]
# The model's prediction for the first student in the data (quiz scores 73, 80 and 75, final
# score 152):

# %%
with autograd.no_grad():
    new = Tensor([[73.0, 80.0, 75.0]]).matmul(W) + b
print(f"predicted final score: {new.item():.2f}")
assert abs(new.item() - 152) < 3

# %% [markdown]
# ## Exercises
#
# 1. In the one-feature fit, print every epoch's gradient of W. Why does it shrink?
# 2. Start W at 5 instead of 0. Does it still reach 2, and in how many epochs?
# 3. Standardise the three exam features (subtract the mean, divide by the standard deviation) and
#    train with lr = 0.1. How close do you get to the closed form, and how fast?
# 4. Replace the hand-written hypothesis by `nn.Linear(3, 1)` and the cost by `nn.MSELoss()`.

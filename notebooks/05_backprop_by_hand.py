# %% [markdown]
# # 5. Backpropagation by hand and by autograd
#
# A 2-3-2 network on four inputs, written twice: a forward and backward pass derived by hand
# in numpy, and the same forward pass in chainrule, whose gradients come from autograd. They
# must agree to rounding error.
#
# **What this notebook teaches:** the backward equations of a sigmoid hidden layer and a softmax
# output with cross-entropy, derived by the chain rule and checked against `backward()`; then
# gradient descent with both, and the loss curve.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

# %% [markdown]
# ## The network
#
# Inputs X (4×2), one-hot targets y (4×2); a hidden layer of 3 sigmoid units and an output
# layer of 2 softmax units (softmax along axis 1, over each row). The weights are fixed so that
# the numbers can be followed by hand. All arrays are float64.

# %%
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

# %% [markdown]
# ## Forward and backward in numpy
#
# Forward: Z1 = X·W1 + b1, A1 = σ(Z1), Z2 = A1·W2 + b2, A2 = softmax(Z2), and the
# cross-entropy loss L = −Σ y·log(A2) (summed over the samples and classes).
#
# Backward, derived by hand with the chain rule:
#
# - dZ2 = A2 − y (softmax and cross-entropy together have this simple gradient)
# - dW2 = A1ᵀ·dZ2, db2 = Σ dZ2 over the samples
# - dZ1 = (dZ2·W2ᵀ) ⊙ A1 ⊙ (1 − A1) (σ' = σ(1 − σ))
# - dW1 = Xᵀ·dZ1, db1 = Σ dZ1 over the samples

# %%
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
print("A2 =\n", A2)
print(f"loss = {loss_numpy:.6f}")
for name, g in zip(["dW1", "db1", "dW2", "db2"], hand):
    print(f"{name} =\n{g}")

# %% [markdown]
# ## The same network in chainrule
#
# The forward pass uses the same formulas on Tensors; no backward code is written. After
# `loss.backward()` each parameter's `.grad` holds dL/dparameter.

# %%
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

# %% [markdown]
# In practice softmax and cross-entropy are fused into one function of the raw scores Z2 (the
# logits), which is more stable numerically. `nn.functional.cross_entropy` with
# `reduction="sum"` gives the same loss and the same gradients:

# %%
params2 = [Tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
logits = (Tensor(X) @ params2[0] + params2[1]).sigmoid() @ params2[2] + params2[3]
labels = y.argmax(axis=1)
loss2 = nn.functional.cross_entropy(logits, labels, reduction="sum")
loss2.backward()
assert np.isclose(loss2.item(), loss_numpy, rtol=1e-12)
for g, p in zip(hand, params2):
    assert np.allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-12)
print(f"fused loss {loss2.item():.12f}: same loss, same gradients")

# %% [markdown]
# ## Gradient descent
#
# Now train from random weights with alpha = 0.1 for 100 epochs, printing the loss every 10
# epochs. The numpy version uses the hand-written backward; the chainrule version uses
# autograd and `nn.optim.SGD`. Started from the same weights, they follow the same path.

# %%
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

# %% [markdown]
# The loss falls, but slowly: these four points are the XOR pattern (the class is 1 when both
# inputs are equal), which no straight line separates, and 100 small steps with three hidden
# units are far from enough to learn it. Predictions after training:

# %%
pred = A2_t.numpy().argmax(axis=1)
print("predicted classes", pred, " true classes", y.argmax(axis=1))

# %% [markdown]
# Keep training (with a larger step) and the hidden layer does learn XOR:

# %%
optimizer = nn.optim.SGD(params, lr=1.0)
longer_losses = []
for epoch in range(2000):
    A2_t = ((Tensor(X) @ cW1 + cb1).sigmoid() @ cW2 + cb2).softmax(axis=1)
    loss = -(Tensor(y) * A2_t.log()).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    longer_losses.append(loss.item())
pred = A2_t.numpy().argmax(axis=1)
print(f"loss after 2,000 more epochs: {loss.item():.4f}; predicted classes {pred}")
assert (pred == y.argmax(axis=1)).all()

# %% [markdown]
# The loss curves: the first 100 epochs (numpy and chainrule on top of each other), then the
# 2,000 epochs with the larger step. With alpha = 0.1 the loss hardly moves. With alpha = 1.0 the
# first steps overshoot (the spike), then after a plateau, while the hidden units become
# different enough from each other to encode XOR, the loss drops to almost zero.

# %% tags=["thumbnail"]
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
ax.plot(numpy_losses, lw=3, alpha=0.5, label="numpy, hand-written backward")
ax.plot(chainrule_losses, "--", label="chainrule, autograd")
ax.set(xlabel="epoch", ylabel="cross-entropy (sum over 4 samples)", title="alpha = 0.1, 100 epochs")
ax.legend()
ax2.plot(np.arange(epochs, epochs + len(longer_losses)), longer_losses, color="tab:green")
ax2.set(xlabel="epoch", title="then alpha = 1.0, 2,000 epochs")
plt.show()

# %% [markdown]
# ## Exercises
#
# 1. Replace the softmax output by one sigmoid unit with binary cross-entropy
#    −Σ [y log a + (1 − y) log(1 − a)], derive dZ2 by hand and check it against autograd.
# 2. Replace the hidden sigmoid by tanh: which line of the hand-written backward changes?
# 3. Use the mean instead of the sum over the samples in the loss. How must alpha change to
#    follow the same path?
# 4. Initialise all weights to the same value. What happens to the three hidden units?

# %% [markdown]
# # 9. Convolutional networks
#
# A dense layer connects every pixel to every unit. A *convolution* slides one small set of
# weights, a filter, over the whole image: the same 3×3 weights look at every position, so the
# layer finds a pattern wherever it is, with a few dozen parameters instead of thousands.
#
# **What this notebook teaches:** what a filter computes (by hand and with `F.conv2d`), pooling,
# a small convolutional network trained on the 8×8 digits with its learned filters and feature
# maps, how it copes with shifted digits compared with a dense network, AlexNet's plan
# (`nn.models.AlexNetSmall`), and what each of AlexNet's ideas (ReLU, overlapping pooling, local
# response normalisation, dropout, data augmentation) changes, measured on these small images.

# %%
import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

import autograd
import nn
from autograd import Tensor
from nn import functional as F
from nn.data import load_digits, train_test_split
from nn.data import transforms as T
from nn.featuremaps import plot_feature_maps, plot_filters

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})
threadpool_limits(1)  # products this small run fastest on one thread

X, y = load_digits()
# One mean and one spread for all pixels (not per pixel): a filter slides over every position,
# so every position must share one scale.
mean, std = X.mean(), X.std()
images = ((X - mean) / std).astype(np.float32).reshape(-1, 1, 8, 8)  # (1797, 1, 8, 8): channels first
background = float((0 - mean) / std)  # the value of an empty pixel after scaling
x_train, x_test, y_train, y_test = train_test_split(images, y, test_size=0.2, seed=0, stratify=y)
print("train", x_train.shape, " test", x_test.shape)

# %% [markdown]
# ## What a filter does
#
# Output pixel (i, j) of a convolution is the sum of the filter's weights times the 3×3 patch of
# the input around (i, j). A filter with −1 on its left column and +1 on its right answers
# strongly where the image gets brighter from left to right: a *vertical edge* detector (Sobel's
# filter weights the middle row twice). Turned by 90° it finds horizontal edges.

# %% tags=["thumbnail"]
sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
filters = Tensor(np.stack([sobel_x, sobel_x.T])[:, None])  # (2 filters, 1 input channel, 3, 3)
digit = X[y == 3][0].reshape(8, 8).astype(np.float32) / 16  # a 3, pixels in [0, 1], background 0
edges = F.conv2d(Tensor(digit[None, None]), filters, padding=1)  # (1, 2, 8, 8): one map per filter
print("feature maps", edges.shape)

# The convolution at one pixel, written out: the patch times the weights, summed.
patch = np.pad(digit, 1)[3:6, 4:7]  # the 3x3 patch around pixel (3, 4)
print("by hand", float((patch * sobel_x).sum()), " conv2d", float(edges.numpy()[0, 0, 3, 4]))
assert np.isclose((patch * sobel_x).sum(), edges.numpy()[0, 0, 3, 4])

fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.8))
for ax, picture, title in zip(axes, [digit, edges.numpy()[0, 0], edges.numpy()[0, 1]],
                              ["digit", "vertical edges", "horizontal edges"]):
    limit = np.abs(picture).max()
    ax.imshow(picture, cmap="gray_r" if title == "digit" else "RdBu", vmin=None if title == "digit" else -limit,
              vmax=None if title == "digit" else limit)
    ax.set_title(title)
    ax.set_axis_off()
plt.show()

# %% [markdown]
# ## Pooling
#
# Max pooling keeps the largest value of each window: the map gets smaller and a small shift of
# the digit changes it less. AlexNet's pooling *overlaps* (3×3 windows, stride 2): each output
# still halves the size, but neighbouring windows share a row and a column.

# %%
maps = Tensor(np.arange(36, dtype=np.float32).reshape(1, 1, 6, 6))
print("input 6x6 ->  2x2 stride 2:", F.max_pool2d(maps, 2).shape[2:],
      "  3x3 stride 2 padding 1:", F.max_pool2d(maps, 3, stride=2, padding=1).shape[2:])
print(F.max_pool2d(maps, 3, stride=2, padding=1).numpy()[0, 0])

# %% [markdown]
# ## A small convolutional network
#
# Two convolutions (8 and 16 filters of 3×3), each followed by ReLU and overlapping max pooling
# (8×8 → 4×4 → 2×2), then a dense layer of 64 and the 10 outputs. `build` takes AlexNet's ideas
# as switches, used further down. Adam (lr 0.01) for 6 epochs of mini-batches of 32.

# %%
def build(activation="relu", overlap=True, lrn=False, dropout=0.0, augment=False, seed=0):
    autograd.manual_seed(seed)
    act = {"relu": nn.ReLU, "tanh": nn.Tanh}[activation]

    def pool():
        return nn.MaxPool2d(3, stride=2, padding=1) if overlap else nn.MaxPool2d(2, stride=2)

    def norm():
        return nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0) if lrn else nn.Identity()

    net = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), act(), norm(), pool(),
        nn.Conv2d(8, 16, 3, padding=1), act(), norm(), pool(),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(16 * 2 * 2, 64), act(), nn.Dropout(dropout), nn.Linear(64, 10),
    )
    shifts = [T.Augment(T.RandomShift(1, fill=background, seed=seed))] if augment else []
    model = nn.Sequential(*shifts, net)  # the Augment layer shifts training batches only
    model.compile(optimizer="adam", loss="cross_entropy", metrics=["accuracy"], lr=0.01)
    return model, net


def accuracy(net, x):
    net.eval()
    with autograd.no_grad():
        return float((net(Tensor(x)).numpy().argmax(1) == y_test).mean())


model, cnn = build()
cnn.summary((1, 8, 8))
history = model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=0, seed=0, validation_data=(x_test, y_test))
cnn_accuracy = accuracy(cnn, x_test)
print(f"test accuracy {cnn_accuracy:.4f}")
assert cnn_accuracy > 0.9
history.plot();

# %% [markdown]
# The first layer's eight filters after training, and what they make of a test digit: each map is
# one filter slid over the image, bright where the filter's pattern is present.

# %%
plot_filters(cnn);

# %%
plot_feature_maps(cnn, x_test[0]);

# %% [markdown]
# ## Shifted digits: convolution against a dense network
#
# A dense network with about as many parameters, `nn.MLP([64, 96, 10])`, trained the same way,
# does as well on the test digits. Now move every test digit one pixel to the right (and one
# down). The dense network has learnt which *pixels* matter; the convolutional one has learnt
# *patterns*, found wherever they are, and pooling forgives a small offset.

# %%
autograd.manual_seed(0)
mlp = nn.Sequential(nn.Flatten(), nn.MLP([64, 96, 10]))
mlp.compile(optimizer="adam", loss="cross_entropy", metrics=["accuracy"], lr=0.01)
mlp.fit(x_train, y_train, epochs=6, batch_size=32, verbose=0, seed=0)


def shift(x, right=1, down=1):
    out = np.full_like(x, background)
    out[:, :, down:, right:] = x[:, :, :8 - down, :8 - right]
    return out


shifted = shift(x_test)
print(f"{'':12} {'parameters':>10} {'test':>7} {'shifted test':>13}")
for name, net in [("CNN", cnn), ("dense MLP", mlp)]:
    print(f"{name:12} {net.num_parameters():10,d} {accuracy(net, x_test):7.4f} {accuracy(net, shifted):13.4f}")
drop_cnn = accuracy(cnn, x_test) - accuracy(cnn, shifted)
drop_mlp = accuracy(mlp, x_test) - accuracy(mlp, shifted)
assert drop_cnn < drop_mlp

# %% [markdown]
# ## AlexNet, small
#
# `nn.models.AlexNetSmall` follows AlexNet's plan at the size of these digits: convolution →
# ReLU → local response normalisation → overlapping max pooling, twice, then two more
# convolutions, and a classifier of two dense layers with dropout 0.5. AlexNet itself (2012) had
# five convolutions and three dense layers, 60 million parameters, and was trained on 1.2
# million 224×224 images with SGD (momentum 0.9, weight decay) and data augmentation; ZFNet
# (2013) made the first filters smaller (7×7 instead of 11×11) with a smaller stride, after
# looking at feature maps like the ones above.

# %%
alexnet = nn.models.AlexNetSmall(width=8, hidden=64)
total = alexnet.summary((1, 8, 8))
assert total == alexnet.num_parameters()

# %% [markdown]
# ## AlexNet's ideas, one at a time
#
# Each run changes one thing in the small network above and keeps everything else (data, seed,
# optimizer, 6 epochs). We report how many epochs it needs to reach 90% training accuracy (the
# speed of learning), the test accuracy, and the accuracy on the shifted test digits. On data
# this small the differences are small and one seed is one sample: the point is to see how to
# measure an idea, not to settle it.

# %%
def epochs_to(curve, level=0.9):
    return next((str(i + 1) for i, a in enumerate(curve) if a >= level), "never")


variants = {
    "baseline (ReLU, overlapping pooling)": {},
    "tanh instead of ReLU": dict(activation="tanh"),
    "non-overlapping pooling (2x2, stride 2)": dict(overlap=False),
    "+ local response normalisation": dict(lrn=True),
    "+ dropout 0.5": dict(dropout=0.5),
    "+ random shifts of one pixel": dict(augment=True),
}
results = {}
for name, options in variants.items():
    if options:
        model, net = build(**options)
        curve = model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=0, seed=0).history["accuracy"]
    else:
        net, curve = cnn, history.history["accuracy"]
    results[name] = (epochs_to(curve), curve[-1], accuracy(net, x_test), accuracy(net, shifted))
print(f"{'variant':40s} {'epochs to 90%':>13} {'train acc':>9} {'test acc':>8} {'shifted':>8}")
for name, (reach, train_acc, test_acc, shifted_acc) in results.items():
    print(f"{name:40s} {reach:>13} {train_acc:9.4f} {test_acc:8.4f} {shifted_acc:8.4f}")
base, dropped, shifts = (results[k] for k in ["baseline (ReLU, overlapping pooling)", "+ dropout 0.5",
                                               "+ random shifts of one pixel"])
assert dropped[1] < base[1] and shifts[1] < base[1]  # harder training on purpose
assert shifts[3] > base[3] + 0.2  # shifted training digits teach the network to expect shifts

# %% [markdown]
# What to look for. Dropout and augmentation lower the *training* accuracy: they make training
# harder on purpose. Dropout 0.5, AlexNet's rate, is far too much for a classifier reading only
# 64 features: in six epochs the network does not even reach 90% on the training digits, so here
# it costs test accuracy too (with 4,096-unit dense layers, as in AlexNet, it is what stopped
# overfitting). Random shifts of one pixel cost a little test accuracy but raise the accuracy on
# shifted digits by far the most: the network learns what it is shown. AlexNet reports ReLU
# training six times faster than tanh on CIFAR-10, and local response normalisation and
# overlapping pooling each worth under 2% of error on ImageNet; with two small layers and six
# epochs on 8×8 images those effects are within the noise of one run, which is also why later
# networks dropped LRN for batch normalisation (`nn.BatchNorm2d`).
#
# ## Exercises
#
# 1. Design a 3×3 filter that finds diagonal strokes and apply it to a 7 with `F.conv2d`.
# 2. Count the parameters of `nn.Conv2d(8, 16, 3)` by hand, and compare with a dense layer from an
#    8×4×4 input to a 16×4×4 output.
# 3. Repeat the ablation with three seeds and report the mean and spread of each column. Which
#    differences survive?
# 4. Train with shifts of up to two pixels, and evaluate on test digits shifted by two.

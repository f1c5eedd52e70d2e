# %% [markdown]
# # 6. A first network: classifying handwritten digits
#
# The classic first network: flattened images, one hidden Dense layer with ReLU, a 10-way
# softmax output, RMSProp, and a training loop over mini-batches. The lesson uses MNIST
# (28×28 images); here scikit-learn's bundled 8×8 digits stand in for it, so nothing is
# downloaded.

# %%
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import autograd
import nn
from autograd import Tensor

# %% [markdown]
# ## The data
#
# 1,797 images of 8×8 pixels with values 0–16, scaled to [0, 1]. We keep 60% for training,
# 20% for validation (to watch during training) and 20% for the final test.

# %%
digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)
labels = digits.target.astype(np.int64)
print("images", images.shape, images.dtype, f"range [{images.min()}, {images.max()}]")

x_rest, x_test, y_rest, y_test = train_test_split(images, labels, test_size=0.2, random_state=0, stratify=labels)
x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25, random_state=0, stratify=y_rest)
print(f"train {len(x_train)}, validation {len(x_val)}, test {len(x_test)}")
print("class counts in train:", np.bincount(y_train))

# %% [markdown]
# A digit, drawn with characters (darker pixel, denser character):

# %%
shades = " .:-=+*#%@"
for row in x_train[0]:
    print("".join(shades[int(v * 9)] * 2 for v in row))
print("label:", y_train[0])

# %% [markdown]
# ## The model
#
# Flatten (8×8 → 64) → Linear(64, 128) with ReLU → Linear(128, 10). The last layer outputs
# *logits*; `nn.CrossEntropyLoss` applies the softmax and the cross-entropy together (that is
# more stable than a softmax layer followed by a log), and takes the integer labels directly
# (the lesson's one-hot targets are equivalent). `summary` lists the layers, their output
# shapes and parameter counts: 64·128 + 128 = 8,320 and 128·10 + 10 = 1,290.

# %%
autograd.manual_seed(0)
model = nn.Sequential(
    nn.Flatten(),
    nn.Linear(64, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
total = model.summary((8, 8))
assert total == 64 * 128 + 128 + 128 * 10 + 10

# %% [markdown]
# ## Training
#
# RMSProp with learning rate 0.001 and decay 0.9 (Keras's defaults), mini-batches of 32,
# 15 epochs. (The lesson trains on 60,000 MNIST images for 5 epochs of 128; on 1,077 images that
# would be only 45 updates, so we take smaller batches and more epochs.) The loop is written
# out: shuffle, and for each mini-batch run forward, loss, `zero_grad`, backward and `step`.
# After each epoch the history records the training loss and accuracy and the validation
# accuracy (computed without recording a graph, in `no_grad`).

# %%
loss_fn = nn.CrossEntropyLoss()
optimizer = nn.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)


def accuracy(model, x, y):
    model.eval()
    with autograd.no_grad():
        predicted = model(Tensor(x)).numpy().argmax(axis=1)
    return float((predicted == y).mean())


rng = np.random.default_rng(0)
history = {"loss": [], "accuracy": [], "val_accuracy": []}
epochs, batch_size = 15, 32
start = time.perf_counter()
for epoch in range(epochs):
    model.train()
    order = rng.permutation(len(x_train))
    total_loss, correct = 0.0, 0
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        logits = model(Tensor(x_train[idx]))
        loss = loss_fn(logits, y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(idx)
        correct += int((logits.numpy().argmax(axis=1) == y_train[idx]).sum())
    history["loss"].append(total_loss / len(order))
    history["accuracy"].append(correct / len(order))
    history["val_accuracy"].append(accuracy(model, x_val, y_val))
print(f"trained {epochs} epochs in {time.perf_counter() - start:.1f} s")

print(f"{'epoch':>5} {'loss':>8} {'accuracy':>9} {'val_accuracy':>13}")
for epoch in range(epochs):
    print(f"{epoch + 1:5d} {history['loss'][epoch]:8.4f} {history['accuracy'][epoch]:9.4f} "
          f"{history['val_accuracy'][epoch]:13.4f}")
assert history["loss"][-1] < history["loss"][0] / 5

# %% [markdown]
# ## Evaluation
#
# The test set was not used for anything so far:

# %%
test_accuracy = accuracy(model, x_test, y_test)
print(f"test accuracy: {test_accuracy:.4f}")
assert test_accuracy > 0.9

model.eval()
with autograd.no_grad():
    probs = autograd.softmax(model(Tensor(x_test[:5])), axis=1).numpy()
print("first five test images: predicted", probs.argmax(axis=1), " true", y_test[:5])
print("their probabilities for the predicted class:", np.round(probs.max(axis=1), 3))

# %% [markdown]
# The confusion matrix shows which digits are mistaken for which (rows: true digit, columns:
# predicted digit):

# %%
with autograd.no_grad():
    predicted = model(Tensor(x_test)).numpy().argmax(axis=1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
print("     " + "".join(f"{d:4d}" for d in range(10)))
for d in range(10):
    print(f"{d:4d} " + "".join(f"{n:4d}" for n in confusion[d]))
assert confusion.trace() == int(round(test_accuracy * len(y_test)))

# %% [markdown]
# ## Saving and loading
#
# `nn.save` writes the architecture and the weights to one `.npz` file (data only, no pickled
# code); `nn.load` rebuilds the model from it. The reloaded model must give exactly the same
# outputs.

# %%
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "digits_mlp.npz"
    nn.save(model, path)
    print(f"saved {path.name}: {path.stat().st_size:,} bytes")
    restored = nn.load(path)

print(restored)
restored.eval()
with autograd.no_grad():
    before = model(Tensor(x_test)).numpy()
    after = restored(Tensor(x_test)).numpy()
assert np.array_equal(before, after)
assert accuracy(restored, x_test, y_test) == test_accuracy
print("the reloaded model gives identical outputs")

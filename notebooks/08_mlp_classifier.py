# %% [markdown]
# # 8. An MLP classifier, the Keras way and the PyTorch way
#
# The classic first network: flattened images, a dense layer of 512 ReLU units, a 10-way
# softmax output, RMSProp and cross-entropy. The lessons use MNIST (28×28 images); here
# scikit-learn's bundled 8×8 digits stand in for it, so nothing is downloaded.
#
# **What this notebook teaches:** the same network trained twice, with a hand-written loop over
# a `DataLoader` (the PyTorch way) and with `compile` / `fit` / `evaluate` / `predict` (the Keras
# way); validation data, the history plot, callbacks (early stopping, checkpoints, a custom
# one), the confusion matrix; then a regression MLP with MSE, MAE and Huber losses, a wide & deep
# network with an auxiliary output, saving and loading, and a small hyper-parameter search.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor
from nn.callbacks import Callback, EarlyStopping, ModelCheckpoint
from nn.data import DataLoader, StandardScaler, TensorDataset, load_digits, make_housing, train_test_split
from nn.metrics import confusion_matrix, plot_confusion_matrix

# %config InlineBackend.figure_formats = ['png']
plt.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 80})

# %% [markdown]
# ## The data
#
# 1,797 images of 8×8 pixels with values 0–16, flattened to 64 features. A stratified split keeps
# each digit's share the same in the training and the test part; the scaler learns each pixel's
# mean and spread from the training images only.

# %%
X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
print("X", X.shape, X.dtype, f"values {X.min():.0f}..{X.max():.0f};  train {len(X_train)}, test {len(X_test)}")
print("test class counts:", np.bincount(y_test))
scaler = StandardScaler().fit(X_train)
X_train_s = scaler.transform(X_train).astype(np.float32)
X_test_s = scaler.transform(X_test).astype(np.float32)

fig, axes = plt.subplots(2, 10, figsize=(10, 2.4))
for ax, image, label in zip(axes.ravel(), X_train, y_train):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(str(label), fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## The PyTorch way: a loop you write
#
# `nn.MLP([64, 512, 10])` is Linear(64, 512), ReLU, Linear(512, 10). The last layer gives
# *logits*: `nn.CrossEntropyLoss` applies the softmax and the cross-entropy together, which is
# more stable than a softmax layer followed by a log. A `DataLoader` hands out shuffled
# mini-batches of 32; for each one: forward, loss, `zero_grad`, backward, `step`. RMSProp with
# Keras's defaults (lr 0.001, decay 0.9).

# %%
autograd.manual_seed(0)
model = nn.MLP([64, 512, 10])
loss_fn = nn.CrossEntropyLoss()
optimizer = nn.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)
loader = DataLoader(TensorDataset(X_train_s, y_train), batch_size=32, shuffle=True, seed=0)


def accuracy(model, x, y):
    model.eval()
    with autograd.no_grad():
        return float((model(Tensor(x)).numpy().argmax(axis=1) == y).mean())


for epoch in range(5):
    model.train()
    total = 0.0
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
    test_accuracy = accuracy(model, X_test_s, y_test)
    print(f"epoch {epoch + 1}: loss {total / len(X_train_s):.4f}, test accuracy {test_accuracy:.4f}")
torch_way_accuracy = accuracy(model, X_test_s, y_test)
assert torch_way_accuracy > 0.95

# %% [markdown]
# ## The Keras way: `compile` and `fit`
#
# The same network from the same initial weights. `compile` names the optimizer, the loss and
# the metrics; `model.summary` lists the layers and their parameter counts (64·512 + 512 = 33,280
# and 512·10 + 10 = 5,130).

# %%
autograd.manual_seed(0)
model = nn.MLP([64, 512, 10])
total = model.summary((64,))
assert total == 64 * 512 + 512 + 512 * 10 + 10
model.compile(optimizer="rmsprop", loss="cross_entropy", metrics=["accuracy"])

# %% [markdown]
# `validation_split=0.1` holds out the last tenth of the training samples; after each epoch the
# validation loss and accuracy are computed on them. Three callbacks watch the epochs:
# `ModelCheckpoint` saves the model whenever the validation loss reaches a new low,
# `EarlyStopping` stops once it has not improved for 3 epochs and puts the best weights back,
# and a custom callback prints each epoch's figures and the ratio of validation to training
# loss (above 1 and growing: the network starts to memorise the training images).
# `nn.callbacks.TensorBoard(log_dir)` would write the same curves for TensorBoard (it needs the
# `tensorboard` extra, so it is left out here).

# %%
class RatioPrinter(Callback):
    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1:2d}: loss {logs['loss']:.4f}, val_loss {logs['val_loss']:.4f}, "
              f"val_accuracy {logs['val_accuracy']:.4f}, val/train loss ratio {logs['val_loss'] / logs['loss']:.2f}")


tmp = tempfile.TemporaryDirectory()
best_path = Path(tmp.name) / "best.npz"
stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
checkpoint = ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True)
history = model.fit(X_train_s, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=0, seed=0,
                    callbacks=[checkpoint, stop, RatioPrinter()])
print(f"stopped after {len(history.epoch)} epochs; best validation loss {stop.best:.4f} at epoch {stop.best_epoch + 1}")
assert checkpoint.best_epoch == stop.best_epoch and len(history.epoch) < 30

# %% [markdown]
# `history.history` holds one list per quantity; `history.plot()` draws the learning curves. The
# training loss keeps falling while the validation loss levels off and turns up: that is where
# early stopping ends the run.

# %% tags=["thumbnail"]
print(list(history.history))
history.plot();

# %% [markdown]
# ## `evaluate`, `predict` and the confusion matrix
#
# `evaluate` returns the loss and the metrics over the test set, `predict` the network's outputs
# as a numpy array; both run in eval mode without recording a graph. The weights are the best
# epoch's, restored by `EarlyStopping`.

# %%
results = model.evaluate(X_test_s, y_test)
print({k: round(v, 4) for k, v in results.items()})
logits = model.predict(X_test_s)
probabilities = autograd.softmax(Tensor(logits), dim=1).numpy()
print("first five: predicted", probabilities[:5].argmax(1), " true", y_test[:5],
      " confidence", np.round(probabilities[:5].max(1), 3))
print(f"test accuracy: hand-written loop (5 epochs) {torch_way_accuracy:.4f}, fit {results['accuracy']:.4f}")
assert np.isclose(np.mean(logits.argmax(1) == y_test), results["accuracy"]) and results["accuracy"] > 0.95

# %% [markdown]
# Rows are the true digits, columns the predicted ones; everything off the diagonal is a mistake.

# %%
cm = confusion_matrix(logits, y_test)
plot_confusion_matrix(cm, title="MLP([64, 512, 10]) on the test digits");
assert cm.trace() == int(round(results["accuracy"] * len(y_test)))

# %% [markdown]
# ## Saving and loading
#
# `nn.save` writes the architecture and the weights to one `.npz` file (data only, no pickled
# code); `nn.load` rebuilds the model. The checkpoint written during `fit` holds the best epoch,
# which is the model we have now: same outputs, bit for bit.

# %%
saved = nn.load(best_path)
assert np.array_equal(saved.predict(X_test_s), logits)
nn.save(model, Path(tmp.name) / "digits_mlp.npz")
restored = nn.load(Path(tmp.name) / "digits_mlp.npz")
print(restored)
assert np.array_equal(restored.predict(X_test_s), logits)
print("checkpoint and saved copy give identical outputs")
tmp.cleanup()

# %% [markdown]
# ## A regression MLP: MSE, MAE and Huber
#
# `make_housing` generates a housing-like regression set (8 features, a price; synthetic, not
# real data). The network is Dense(30, ReLU) → Dense(1). To see what the loss does with bad
# data, 5% of the training prices are replaced by wild values (10 to 20 times too large). The
# MSE squares those errors and chases the outliers; MAE and Huber (quadratic for small errors,
# linear for large ones) are robust to them. Scores are measured on clean test data.

# %%
Xh, yh = make_housing(2000, seed=0)
Xh_train, Xh_test, yh_train, yh_test = train_test_split(Xh, yh, test_size=0.25, seed=0)
hscaler = StandardScaler().fit(Xh_train)
Xh_train, Xh_test = hscaler.transform(Xh_train).astype(np.float32), hscaler.transform(Xh_test).astype(np.float32)
rng = np.random.default_rng(0)
noisy = yh_train.copy()
bad = rng.choice(len(noisy), size=len(noisy) // 20, replace=False)
noisy[bad] *= rng.uniform(10, 20, len(bad)).astype(np.float32)

regression = {}
for loss in ["mse", "mae", "huber"]:
    autograd.manual_seed(0)
    reg = nn.Sequential(nn.Linear(8, 30), nn.ReLU(), nn.Linear(30, 1))
    reg.compile(optimizer="adam", loss=loss, lr=5e-3, metrics=["mae"])
    reg.fit(Xh_train, noisy[:, None], epochs=10, batch_size=64, verbose=0, seed=0)
    regression[loss] = reg.predict(Xh_test)[:, 0]
    err = regression[loss] - yh_test
    print(f"loss {loss:5}: test MAE {np.abs(err).mean():.3f}, test RMSE {np.sqrt((err**2).mean()):.3f}, "
          f"mean bias {err.mean():+.3f}")
mae = {k: np.abs(v - yh_test).mean() for k, v in regression.items()}
assert mae["mae"] < mae["mse"] and mae["huber"] < mae["mse"]

fig, ax = plt.subplots(figsize=(5, 4))
for loss, colour in [("mse", "tab:red"), ("huber", "tab:blue"), ("mae", "tab:green")]:
    ax.plot(yh_test, regression[loss], ".", ms=3, alpha=0.6, color=colour, label=loss)
ax.plot([0, 5], [0, 5], "k-", lw=1)
ax.set(xlabel="true price", ylabel="predicted price", title="Trained on prices with 5% outliers")
ax.legend()
plt.show()

# %% [markdown]
# ## Wide & deep, with an auxiliary output
#
# A wide & deep network sends some features straight to the output (the *wide* path, for simple
# rules) and others through hidden layers (the *deep* path, for complex patterns). Here features
# 0–4 go through two Dense(30) layers, features 2–7 go around them, and both are concatenated
# before the output. An auxiliary output on top of the deep path alone is trained as well, with
# weight 0.1 against 0.9 for the main output: it pushes the deep path to be useful on its own.
# Two inputs and two outputs, so `fit` takes tuples; `compile` takes a loss per output and the
# loss weights. This is the subclassing API: `__init__` declares the layers, `forward` wires them.

# %%
class WideAndDeep(nn.Module):
    def __init__(self, n_wide, n_deep, units=30):
        super().__init__()
        self.hidden1 = nn.Linear(n_deep, units)
        self.hidden2 = nn.Linear(units, units)
        self.main_output = nn.Linear(n_wide + units, 1)
        self.aux_output = nn.Linear(units, 1)

    def forward(self, wide, deep):
        h = self.hidden2(self.hidden1(deep).relu()).relu()
        return self.main_output(autograd.cat([wide, h], dim=1)), self.aux_output(h)


wide_train, deep_train = Xh_train[:, 2:], Xh_train[:, :5]
wide_test, deep_test = Xh_test[:, 2:], Xh_test[:, :5]
autograd.manual_seed(0)
wd = WideAndDeep(n_wide=6, n_deep=5)
wd.compile(optimizer="adam", loss=["mse", "mse"], loss_weights=[0.9, 0.1], lr=5e-3)
wd_history = wd.fit((wide_train, deep_train), (yh_train[:, None], yh_train[:, None]), epochs=10, batch_size=64,
                    validation_split=0.1, verbose=0, seed=0)
scores = wd.evaluate((wide_test, deep_test), (yh_test[:, None], yh_test[:, None]))
print({k: round(v, 4) for k, v in scores.items()})
main_pred, aux_pred = wd.predict((wide_test, deep_test))
print(f"test MSE: main output {np.mean((main_pred[:, 0] - yh_test) ** 2):.4f}, "
      f"auxiliary output {np.mean((aux_pred[:, 0] - yh_test) ** 2):.4f}")
assert np.isclose(scores["loss"], 0.9 * scores["output_0_loss"] + 0.1 * scores["output_1_loss"], rtol=1e-4)

# %% [markdown]
# ## A small hyper-parameter search
#
# How many hidden layers, how many neurons, which learning rate? `build_model` makes a compiled
# network from those three numbers. `nn.sklearn.Regressor` turns it into a scikit-learn
# estimator whose parameters are `build_model`'s arguments, so scikit-learn's
# `RandomizedSearchCV` can draw them: hidden layers 0–3, neurons 1–99, learning rate
# log-uniform between 3e-4 and 3e-2, as in the lesson, with 3-fold cross-validation. To stay
# under a minute the search tries 5 combinations on 600 training samples for 10 epochs each;
# the score is R² (1 is perfect, 0 is as good as predicting the mean).

# %%
from scipy.stats import loguniform  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV  # noqa: E402

from nn.sklearn import Regressor  # noqa: E402


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3):
    model = nn.MLP([8, *[n_neurons] * n_hidden, 1])
    model.compile(optimizer="sgd", loss="mse", lr=learning_rate)
    return model


autograd.manual_seed(0)
space = {"n_hidden": [0, 1, 2, 3], "n_neurons": range(1, 100), "learning_rate": loguniform(3e-4, 3e-2)}
search = RandomizedSearchCV(Regressor(build_model, epochs=10, batch_size=32, seed=0), space, n_iter=5, cv=3,
                            random_state=42)
search.fit(Xh_train[:600], yh_train[:600])
ranked = sorted(zip(search.cv_results_["mean_test_score"], search.cv_results_["params"]),
                key=lambda t: -t[0])
print(f"{'mean R²':>8} {'n_hidden':>9} {'n_neurons':>10} {'learning_rate':>14}")
for score, p in ranked:
    print(f"{score:8.4f} {p['n_hidden']:9d} {p['n_neurons']:10d} {p['learning_rate']:14.5f}")
best = search.best_estimator_
print(f"best: n_hidden={search.best_params_['n_hidden']}, n_neurons={search.best_params_['n_neurons']}, "
      f"learning_rate={search.best_params_['learning_rate']:.5f}; "
      f"test R² of the model refitted on all 600 samples: {best.score(Xh_test, yh_test):.4f}")
assert ranked[0][0] == search.best_score_

# %% [markdown]
# ## Exercises
#
# 1. Replace RMSProp by SGD with lr = 0.01 in the Keras-way network (`compile(optimizer="sgd", lr=0.01)`).
#    How many more epochs does it need?
# 2. Build the lesson's deeper classifier, `nn.MLP([64, 300, 100, 10])`, and compare its
#    parameter count and test accuracy with the 512-unit network.
# 3. Raise the outlier share in the regression to 20%. Which loss suffers most?
# 4. Train the wide & deep network with loss weights [1.0, 0.0]. Is the auxiliary output still
#    any good?
# 5. Run the search with 20 combinations and plot the mean R² against the learning rate.

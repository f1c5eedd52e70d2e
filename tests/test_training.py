"""compile / fit / evaluate / predict: losses and metrics against hand computations and PyTorch,
History contents, several inputs and outputs with loss weights, input errors, the NaN stop."""
import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn import functional as F
from nn.data import DataLoader, TensorDataset, make_blobs


def _blobs(n=120, seed=0):
    X, y = make_blobs(n, centers=3, seed=seed, cluster_std=1.5)
    return X, y


def _model(n_in=2, n_out=3, seed=0):
    autograd.manual_seed(seed)
    return nn.MLP([n_in, 16, n_out])


def test_fit_learns_and_history_has_every_key():
    X, y = _blobs()
    model = _model()
    model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=0.01)
    history = model.fit(X, y, epochs=5, batch_size=16, validation_split=0.25, verbose=0, seed=0)
    assert history.epoch == [0, 1, 2, 3, 4]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 5 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9


def test_validation_figures_are_means_over_all_validation_samples():
    X, y = _blobs()
    Xv, yv = _blobs(37, seed=5)  # 37 samples: the last batch of 16 is partial
    model = _model()
    model.compile("sgd", "cross_entropy", metrics=["accuracy"])
    logs = model.fit(X, y, epochs=1, batch_size=16, validation_data=(Xv, yv), verbose=0).history
    out = model.predict(Xv)
    expected_loss = F.cross_entropy(Tensor(out), yv).item()
    assert logs["val_loss"][0] == pytest.approx(expected_loss, rel=1e-5)
    assert logs["val_accuracy"][0] == pytest.approx(np.mean(out.argmax(1) == yv))
    assert model.evaluate(Xv, yv, batch_size=5) == pytest.approx({"loss": expected_loss,
                                                                  "accuracy": np.mean(out.argmax(1) == yv)}, rel=1e-5)


def test_one_epoch_of_full_batch_sgd_matches_torch():
    torch = pytest.importorskip("torch")
    X, y = _blobs(40)
    model = _model()
    tm = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    tm.load_state_dict(nn.export_torch_state_dict(model))
    model.compile("sgd", "cross_entropy", lr=0.1)
    model.fit(X, y, epochs=3, batch_size=40, shuffle=False, verbose=0)
    opt = torch.optim.SGD(tm.parameters(), lr=0.1)
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(tm(Xt), yt).backward()
        opt.step()
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[k], v.numpy(), rtol=1e-4, atol=1e-6)


def test_named_optimizers_get_keras_defaults_and_lr_overrides():
    model = _model()
    for name, cls, lr in [("rmsprop", nn.optim.RMSprop, 0.001), ("adam", nn.optim.Adam, 0.001),
                          ("sgd", nn.optim.SGD, 0.01)]:
        model.compile(name, "mse")
        opt = model._trainer.optimizer
        assert isinstance(opt, cls) and opt.param_groups[0]["lr"] == lr
    model.compile("adam", "mse", learning_rate=0.05)
    assert model._trainer.optimizer.param_groups[0]["lr"] == 0.05
    own = nn.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    model.compile(own, "mse")
    assert model._trainer.optimizer is own


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizer="rmsprob", loss="mse"), "unknown optimizer 'rmsprob'"),
    (dict(loss="cross_entropie"), "unknown loss 'cross_entropie'"),
    (dict(loss="mse", metrics=["acurracy"]), "unknown metric 'acurracy'"),
    (dict(loss=None), "pass loss="),
])
def test_compile_errors_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _model().compile(**kwargs)


@pytest.mark.parametrize("y, message", [
    (np.arange(120) % 4, r"labels outside the 3 classes .*: \[3\]"),
    (np.zeros((120, 2), dtype=np.int64), r"integer class labels of shape \(120,\) or one-hot rows of shape \(120, 3\)"),
    (np.arange(100) % 3, "x and y must have the same number of samples, got x: 120, y: 100"),
])
def test_bad_labels_fail_before_training(y, message):
    X, _ = _blobs()
    model = _model()
    before = model.state_dict()
    model.compile("sgd", "cross_entropy")
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, verbose=0)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_fit_before_compile_is_an_error():
    with pytest.raises(RuntimeError, match="compile"):
        _model().fit(np.zeros((2, 2)), np.zeros(2, dtype=np.int64))


def test_one_hot_and_sparse_targets_give_the_same_training():
    X, y = _blobs(60)
    runs = []
    for target in (y, np.eye(3, dtype=np.float32)[y]):
        model = _model()
        model.compile("sgd", "cross_entropy", metrics=["accuracy"])
        runs.append(model.fit(X, target, epochs=2, verbose=0, seed=1).history)
    for k in runs[0]:
        assert runs[0][k] == pytest.approx(runs[1][k])


def test_inputs_are_cast_to_the_parameters_dtype_and_regression_targets_reshaped():
    x = np.linspace(-1, 1, 32)[:, None]  # float64 data, float32 model
    y = 3 * x[:, 0] + 1  # (n,) targets for an (n, 1) output
    autograd.manual_seed(0)
    model = nn.Linear(1, 1)
    model.compile("sgd", "mse", metrics=["mae", "r2"], lr=0.5)
    history = model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 1e-3
    assert history.history["r2"][-1] > 0.999
    pred = model.predict(x)
    assert pred.dtype == np.float32 and pred.shape == (32, 1)
    np.testing.assert_allclose(model.weight.data, [[3.0]], atol=0.05)


def test_dataloader_in_fit_evaluate_and_predict():
    X, y = _blobs()
    loader = DataLoader(TensorDataset(X, y), batch_size=10, shuffle=True, seed=0)
    model = _model()
    model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=0.01)
    history = model.fit(loader, epochs=3, validation_data=DataLoader(TensorDataset(X, y), 50), verbose=0)
    assert len(history.history["val_loss"]) == 3
    assert model.evaluate(loader)["accuracy"] == pytest.approx(model.evaluate(X, y)["accuracy"])
    np.testing.assert_allclose(model.predict(DataLoader(TensorDataset(X, y), 7)), model.predict(X), rtol=1e-6)
    with pytest.raises(ValueError, match="y must be None when x is a DataLoader"):
        model.fit(loader, y)


class WideAndDeep(nn.Module):
    """Two inputs (wide, deep) and two outputs (main, auxiliary), as in the lessons."""

    def __init__(self):
        super().__init__()
        self.deep = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU())
        self.main = nn.Linear(2 + 8, 1)
        self.aux = nn.Linear(8, 1)

    def forward(self, wide, deep):
        h = self.deep(deep)
        return self.main(autograd.cat([wide, h], 1)), self.aux(h)


def test_several_inputs_and_outputs_with_loss_weights():
    rng = np.random.default_rng(0)
    wide, deep = rng.normal(size=(64, 2)), rng.normal(size=(64, 3))
    y = wide.sum(1, keepdims=True) + deep[:, :1] ** 2
    autograd.manual_seed(0)
    model = WideAndDeep()
    model.compile("adam", ["mse", "mse"], metrics=["mae"], loss_weights=[0.9, 0.1], lr=0.01)
    history = model.fit((wide, deep), (y, y), epochs=3, batch_size=64, shuffle=False, verbose=0,
                        validation_data=((wide, deep), (y, y)))
    h = history.history
    assert set(h) == {"loss", "output_0_loss", "output_1_loss", "output_0_mae", "output_1_mae",
                      "val_loss", "val_output_0_loss", "val_output_1_loss", "val_output_0_mae", "val_output_1_mae"}
    for i in range(3):  # the total is the weighted sum of the per-output losses
        assert h["loss"][i] == pytest.approx(0.9 * h["output_0_loss"][i] + 0.1 * h["output_1_loss"][i], rel=1e-5)
    main, aux = model.predict((wide, deep))
    assert main.shape == aux.shape == (64, 1)
    assert h["val_output_1_loss"][-1] == pytest.approx(np.mean((aux - y) ** 2), rel=1e-4)


def test_nan_loss_stops_with_epoch_batch_and_op():
    X, y = _blobs(64)
    model = _model()
    model.compile("sgd", "cross_entropy")
    X = X.copy()
    X[40] = np.nan  # the third batch of 16 in epoch 1
    with pytest.raises(FloatingPointError, match=r"not finite \(nan\) at epoch 1/2, batch 3/4.*input batch x"):
        model.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_nan_from_an_op_names_the_op_and_the_weights_stay_finite():
    X, y = _blobs(64)
    model = nn.Sequential(nn.Linear(2, 3))

    def log_loss(out, target):  # log of negative numbers: NaN from `log`
        return out.log().mean()

    model.compile("sgd", log_loss)
    with pytest.raises(FloatingPointError, match="op 'log'"):
        model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    assert all(np.isfinite(v).all() for v in model.state_dict().values())


def test_predict_runs_in_eval_mode_without_a_graph():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 50), nn.Dropout(0.5), nn.Linear(50, 2))
    model.compile("sgd", "cross_entropy")
    X = np.ones((5, 4), dtype=np.float32)
    a, b = model.predict(X), model.predict(X)
    np.testing.assert_array_equal(a, b)  # dropout off
    assert model.training  # the mode is restored
    assert isinstance(a, np.ndarray)


def test_predict_needs_no_compile_and_a_loaded_model_predicts():
    X, y = _blobs(30)
    model = _model()
    expected = model(Tensor(X.astype(np.float32))).data
    np.testing.assert_allclose(model.predict(X, batch_size=7), expected, rtol=1e-6)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(X, y)


def test_validation_split_holds_out_the_last_samples():
    X, y = _blobs(100)
    model = _model()
    model.compile("sgd", "cross_entropy")
    history = model.fit(X, y, epochs=1, validation_split=0.2, verbose=0, seed=0).history
    expected = F.cross_entropy(Tensor(model.predict(X[80:])), y[80:]).item()
    assert history["val_loss"][0] == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="validation_split must be in"):
        model.fit(X, y, validation_split=1.5, verbose=0)


def _sigmoid_net():
    return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())


def _softmax_net():
    return nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1))


# loss name, model, targets (from the blobs' labels 0..2), the loss computed directly from the outputs.
LOSS_TABLE = [
    ("cross_entropy", lambda: nn.Linear(2, 3), lambda y: y, lambda o, y: F.cross_entropy(o, y)),
    ("categorical_crossentropy", _softmax_net, lambda y: np.eye(3)[y],
     lambda o, y: -(np.log(o.data) * y).sum(1).mean()),
    ("nll", lambda: nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(dim=1)), lambda y: y, lambda o, y: F.nll_loss(o, y)),
    ("mse", lambda: nn.Linear(2, 1), lambda y: y.astype(float), lambda o, y: ((o.data[:, 0] - y) ** 2).mean()),
    ("mae", lambda: nn.Linear(2, 1), lambda y: y.astype(float), lambda o, y: np.abs(o.data[:, 0] - y).mean()),
    ("huber", lambda: nn.Linear(2, 1), lambda y: y.astype(float), lambda o, y: F.huber_loss(o, y[:, None])),
    ("bce", _sigmoid_net, lambda y: (y > 0).astype(float),
     lambda o, y: -(y * np.log(o.data[:, 0]) + (1 - y) * np.log(1 - o.data[:, 0])).mean()),
    ("bce_with_logits", lambda: nn.Linear(2, 1), lambda y: (y > 0).astype(float),
     lambda o, y: F.binary_cross_entropy_with_logits(o, y[:, None])),
    ("hinge", lambda: nn.Linear(2, 1), lambda y: np.where(y > 0, 1, -1),
     lambda o, y: np.maximum(0, 1 - y * o.data[:, 0]).mean()),
    ("hinge", lambda: nn.Linear(2, 3), lambda y: y, lambda o, y: F.hinge_loss(o, y)),
]


@pytest.mark.parametrize("name, make, targets, direct", LOSS_TABLE, ids=[f"{r[0]}-{i}" for i, r in enumerate(LOSS_TABLE)])
def test_every_named_loss_reports_the_loss_of_its_function(name, make, targets, direct):
    X, labels = _blobs(40)
    X = X / 10  # moderate outputs: probabilities away from 0 and 1
    y = targets(labels)
    autograd.manual_seed(0)
    model = make()
    model.compile(nn.optim.SGD(model.parameters(), lr=0.0), name)  # lr 0: the weights stay put
    loss = model.fit(X, y, epochs=1, batch_size=40, verbose=0).history["loss"][0]
    out = Tensor(model.predict(X))
    assert loss == pytest.approx(float(direct(out, y)), rel=1e-4)


def test_tensor_inputs_and_a_dataloader_with_several_outputs():
    rng = np.random.default_rng(1)
    wide, deep = rng.normal(size=(32, 2)), rng.normal(size=(32, 3))
    y = wide.sum(1, keepdims=True)
    autograd.manual_seed(0)
    model = WideAndDeep()
    model.compile("adam", ["mse", "mae"], loss_weights=[1.0, 0.5])
    from_tensors = model.evaluate((Tensor(wide), Tensor(deep)), (Tensor(y), Tensor(y)), batch_size=8)
    loader = DataLoader(TensorDataset(wide, deep, y, y), batch_size=8)  # inputs, then one target per loss
    from_loader = model.evaluate(loader)
    assert from_loader == pytest.approx(from_tensors)
    main, aux = model.predict((wide, deep))
    assert from_loader["output_1_loss"] == pytest.approx(np.abs(aux - y).mean(), rel=1e-5)
    assert len(model.fit(loader, epochs=2, verbose=0).history["output_0_loss"]) == 2


def test_a_model_made_double_after_compile_trains_in_float64():
    X, y = _blobs(20)
    model = _model()
    model.compile("sgd", "cross_entropy")
    model.double()
    model.fit(X, y, epochs=1, verbose=0)
    assert model.predict(X).dtype == np.float64 and model[0].weight.dtype == np.float64

"""Callbacks driven by fit: checkpoint keeps the best epoch, early stopping and restoring, custom
callbacks see validation logs and can stop training, CSV logs, schedules, progress output."""
import csv

import numpy as np
import pytest

import autograd
import nn
from nn.callbacks import (
    Callback, CSVLogger, EarlyStopping, LambdaCallback, LearningRateScheduler, ModelCheckpoint, ProgressBar,
)
from nn.data import make_blobs


def _setup(lr=0.05, seed=0):
    X, y = make_blobs(90, centers=3, cluster_std=2.5, seed=seed)
    Xv, yv = make_blobs(45, centers=3, cluster_std=2.5, seed=seed + 1)
    autograd.manual_seed(seed)
    model = nn.MLP([2, 32, 3])
    model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=lr)
    return model, X, y, (Xv, yv)


class Scripted(Callback):
    """Replaces the monitored value with a scripted sequence, so the best epoch is known."""

    def __init__(self, values, key="val_loss"):
        self.values, self.key, self.weights = values, key, []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]
        self.weights.append(self.model.state_dict())


def test_checkpoint_keeps_the_best_epochs_weights(tmp_path):
    model, X, y, val = _setup()
    script = Scripted([0.9, 0.5, 0.7, 0.3, 0.6, 0.8])
    path = tmp_path / "best.npz"
    ckpt = ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    model.fit(X, y, epochs=6, validation_data=val, callbacks=[script, ckpt], verbose=0)
    assert ckpt.best_epoch == 3 and ckpt.best == 0.3
    best = nn.load(path)
    assert isinstance(best, nn.MLP)
    for k, v in best.state_dict().items():
        np.testing.assert_array_equal(v, script.weights[3][k])


def test_checkpoint_every_epoch_with_a_formatted_path(tmp_path):
    model, X, y, val = _setup()
    model.fit(X, y, epochs=3, validation_data=val, verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / "m-{epoch:02d}.npz", save_best_only=False)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m-01.npz", "m-02.npz", "m-03.npz"]


@pytest.mark.parametrize("patience", [1, 2, 3])
def test_early_stopping_stops_patience_epochs_after_the_best_and_restores_it(patience):
    model, X, y, val = _setup()
    script = Scripted([0.9, 0.5, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2])
    stop = EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    history = model.fit(X, y, epochs=10, validation_data=val, callbacks=[script, stop], verbose=0)
    assert stop.best_epoch == 2
    assert stop.stopped_epoch == 2 + patience
    assert history.epoch == list(range(3 + patience))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, script.weights[2][k])


def test_early_stopping_on_a_maximised_metric_with_min_delta():
    model, X, y, val = _setup()
    script = Scripted([0.5, 0.8, 0.805, 0.81, 0.9], key="val_accuracy")
    stop = EarlyStopping(monitor="val_accuracy", patience=2, min_delta=0.02)
    model.fit(X, y, epochs=5, validation_data=val, callbacks=[script, stop], verbose=0)
    assert stop.mode == "max" and stop.best_epoch == 1 and stop.stopped_epoch == 3


def test_a_missing_monitor_names_the_available_keys():
    model, X, y, _ = _setup()
    with pytest.raises(KeyError, match=r"monitor 'val_loss' is not in the logs; available: \['accuracy', 'loss'\]"):
        model.fit(X, y, epochs=2, callbacks=[EarlyStopping()], verbose=0)


def test_custom_callback_sees_validation_logs_and_stops_training():
    model, X, y, val = _setup()

    class StopAtAccuracy(Callback):
        def __init__(self):
            self.seen, self.batches, self.calls = [], 0, []

        def on_train_begin(self, logs=None):
            self.calls.append("train_begin")

        def on_batch_end(self, batch, logs=None):
            self.batches += 1
            assert set(logs) >= {"batch", "size", "loss", "accuracy"}

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append((epoch, dict(logs)))
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            self.calls.append("train_end")

    cb = StopAtAccuracy()
    history = model.fit(X, y, epochs=10, batch_size=30, validation_data=val, callbacks=[cb], verbose=0)
    assert [e for e, _ in cb.seen] == [0, 1] and history.epoch == [0, 1]
    assert all("val_loss" in logs and "val_accuracy" in logs for _, logs in cb.seen)
    assert cb.batches == 2 * 3 and cb.calls == ["train_begin", "train_end"]
    assert cb.params["epochs"] == 10 and cb.params["steps"] == 3


def test_csv_logger(tmp_path):
    model, X, y, val = _setup()
    path = tmp_path / "log.csv"
    history = model.fit(X, y, epochs=3, validation_data=val, callbacks=[CSVLogger(path)], verbose=0)
    rows = list(csv.DictReader(path.open()))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(history.history["val_loss"])


def test_lambda_callback_and_its_bad_hook_name():
    model, X, y, _ = _setup()
    epochs = []
    model.fit(X, y, epochs=2, callbacks=[LambdaCallback(on_epoch_end=lambda e, logs: epochs.append(e))], verbose=0)
    assert epochs == [0, 1]
    with pytest.raises(ValueError, match="unknown hook"):
        LambdaCallback(on_epoch_ending=print)


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    model, X, y, _ = _setup()
    rates = []
    record = LambdaCallback(on_epoch_end=lambda e, logs: rates.append(model._trainer.optimizer.param_groups[0]["lr"]))
    model.fit(X, y, epochs=3, callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5 ** epoch), record],
              verbose=0)
    assert rates == pytest.approx([0.1, 0.05, 0.025])


def test_optim_schedules_are_driven_by_fit_including_reduce_on_plateau():
    model, X, y, val = _setup()
    opt = model._trainer.optimizer
    step = nn.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    model.fit(X, y, epochs=2, callbacks=[step], verbose=0)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05 * 0.25)
    model.compile("sgd", "cross_entropy", lr=0.1)
    opt = model._trainer.optimizer
    plateau = nn.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    model.fit(X, y, epochs=4, validation_data=val, verbose=0, callbacks=[Scripted([1.0, 1.0, 1.0, 1.0]), plateau])
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)


def test_nan_stop_never_overwrites_a_good_checkpoint(tmp_path):
    model, X, y, val = _setup()
    path = tmp_path / "best.npz"
    blow_up = LambdaCallback(on_epoch_end=lambda e, logs: e == 1 and model[0].weight.data.fill(np.nan))
    ckpt = ModelCheckpoint(path, save_best_only=False)
    with pytest.raises(FloatingPointError, match="epoch 3/5, batch 1/3"):
        model.fit(X, y, epochs=5, batch_size=30, validation_data=val, callbacks=[ckpt, blow_up], verbose=0)
    assert all(np.isfinite(v).all() for v in nn.load(path).state_dict().values())


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_progress_output_at_each_verbosity(verbose, capsys):
    model, X, y, val = _setup()
    model.fit(X, y, epochs=2, validation_data=val, verbose=verbose)
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    if verbose == 0:
        assert out == "" and err == ""
        return
    assert len(lines) == 2
    assert lines[0].startswith("Epoch 1/2 - loss ") and " - accuracy " in lines[0] and " - val_loss " in lines[0]
    assert lines[1].startswith("Epoch 2/2 - ") and lines[1].endswith(" s")
    if verbose == 1:
        assert "Epoch 1/2" in err and "batch" in err  # the tqdm bar, on stderr
    else:
        assert err == ""


def test_history_plot_writes_png_and_svg(tmp_path):
    model, X, y, val = _setup()
    history = model.fit(X, y, epochs=2, validation_data=val, verbose=0)
    fig = history.plot(tmp_path / "curves.png")
    assert len(fig.axes) == 2
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    history.plot(tmp_path / "loss.svg", metrics="loss")
    assert b"<svg" in (tmp_path / "loss.svg").read_bytes()[:500]
    with pytest.raises(ValueError, match=r"no history for \['r2'\]"):
        history.plot(metrics=["r2"])


def test_progress_bar_rejects_a_bad_verbosity():
    with pytest.raises(ValueError, match="verbose must be 1"):
        ProgressBar(verbose=3)


def test_evaluate_and_predict_show_a_bar_only_when_verbose(capsys):
    model, X, y, _ = _setup()
    model.evaluate(X, y)
    model.predict(X)
    assert capsys.readouterr() == ("", "")
    logs = model.evaluate(X, y, verbose=1)
    out, err = capsys.readouterr()
    assert out.strip() == f"evaluate - loss {logs['loss']:.4f} - accuracy {logs['accuracy']:.4f}"
    assert "evaluate" in err

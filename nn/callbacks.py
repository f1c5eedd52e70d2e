"""Callbacks for `Module.fit`: hooks called at the start and end of training, epochs and batches.

A callback sees `self.model`, `self.trainer` (its optimizer is `self.trainer.optimizer`) and
`self.params` (`epochs`, `steps`, `verbose`). Epochs count from 0, as in Keras. Setting
`self.model.stop_training = True` ends training after the current epoch. The epoch logs hold
`loss`, each metric, and `val_`-prefixed ones when there is validation data.
"""
import csv
import inspect
import math
import os
import sys
import time

from .optim.lr_scheduler import ReduceLROnPlateau
from .plots import in_jupyter, plot_history
from .serialization import save

__all__ = ["Callback", "CallbackList", "History", "ProgressBar", "EarlyStopping", "ModelCheckpoint", "CSVLogger",
           "LambdaCallback", "LearningRateScheduler", "SchedulerCallback"]

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end")


class Callback:
    """Base class: override the hooks you need; each receives the logs dict (or None)."""

    model = trainer = None
    params = {}

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass


class CallbackList:
    """Calls each hook on every callback, in the order given."""

    def __init__(self, callbacks, trainer, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.model, cb.trainer, cb.params = trainer.model, trainer, params

    def __getattr__(self, hook):
        if hook not in _HOOKS:
            raise AttributeError(hook)

        def call(*args):
            for cb in self.callbacks:
                getattr(cb, hook)(*args)
        return call


def _monitored(owner, monitor, logs):
    """The monitored value, or an error naming the keys that do exist."""
    if monitor not in (logs or {}):
        hint = " (pass validation_data or validation_split to fit)" if monitor.startswith("val_") else ""
        raise KeyError(f"{owner}: monitor {monitor!r} is not in the logs; available: {sorted(logs or {})}{hint}")
    return float(logs[monitor])


def _mode(owner, mode, monitor):
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "auto":  # accuracies and R² grow as the model improves; losses and errors shrink
        return "max" if ("acc" in monitor or monitor.endswith("r2")) else "min"
    return mode


class _Monitor(Callback):
    """What EarlyStopping and ModelCheckpoint share: a monitored value and the best one so far."""

    def __init__(self, monitor, mode, min_delta=0.0):
        self.monitor, self.min_delta = monitor, abs(min_delta)
        self.mode = _mode(type(self).__name__, mode, monitor)
        self.best, self.best_epoch = (math.inf if self.mode == "min" else -math.inf), None

    def _improved(self, current):
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta


class History(Callback):
    """Records the epoch logs: `history.history["val_loss"][3]` is epoch 3's validation loss;
    `history.epoch` lists the epochs run (from 0)."""

    def __init__(self):
        self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)

    def plot(self, path=None, metrics=None):
        """Learning curves (loss and each metric, training vs validation); saved to `path`
        (.png or .svg) when given, shown inline in Jupyter. Returns the matplotlib Figure."""
        return plot_history(self, path, metrics)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


def tqdm_class():
    """tqdm's notebook widget in Jupyter when ipywidgets is installed, else its text bar; None
    without tqdm."""
    try:
        if in_jupyter():
            import ipywidgets  # noqa: F401  (the widget needs it)
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm
    except ImportError:
        try:
            from tqdm import tqdm
        except ImportError:
            return None
    return tqdm


class ProgressBar(Callback):
    """`verbose=1`: a tqdm bar per epoch with the running loss and metrics (the notebook widget
    in Jupyter), then one line per epoch; `verbose=2`: only the lines. Lines go to `file`
    (default stdout), bars to stderr."""

    def __init__(self, verbose=1, file=None):
        if verbose not in (1, 2):
            raise ValueError(f"ProgressBar: verbose must be 1 (bar and lines) or 2 (lines only), got {verbose!r}")
        self.verbose, self.file, self._bar = verbose, file, None

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._sums, self._seen = time.perf_counter(), {}, 0
        if self.verbose == 1:
            tqdm = tqdm_class()
            if tqdm is None:
                return
            self._bar = tqdm(total=self.params.get("steps"), desc=f"Epoch {epoch + 1}/{self.params.get('epochs')}",
                             unit="batch", leave=False, dynamic_ncols=True)

    def on_batch_end(self, batch, logs=None):
        if self._bar is None:
            return
        n = logs.get("size", 1)
        self._seen += n
        for k, v in logs.items():
            if k not in ("batch", "size"):
                self._sums[k] = self._sums.get(k, 0.0) + v * n
        self._bar.set_postfix_str(" - ".join(f"{k} {s / self._seen:.4f}" for k, s in self._sums.items()),
                                  refresh=False)
        self._bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        self.close()
        parts = [f"Epoch {epoch + 1}/{self.params.get('epochs')}"]
        parts += [f"{k} {v:.4f}" for k, v in (logs or {}).items() if isinstance(v, (int, float))]
        parts.append(f"{time.perf_counter() - self._start:.1f} s")
        print(" - ".join(parts), file=self.file or sys.stdout, flush=True)

    def on_train_end(self, logs=None):
        self.close()

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class EarlyStopping(_Monitor):
    """Stop when `monitor` has not improved by more than `min_delta` for `patience` epochs
    (so training stops `max(patience, 1)` epochs after the best one). With
    `restore_best_weights` the model ends with the best epoch's weights."""

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="auto", restore_best_weights=False):
        super().__init__(monitor, mode, min_delta)
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        self.patience, self.restore_best_weights = patience, restore_best_weights
        self.wait, self.stopped_epoch, self.best_weights = 0, None, None

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights = 0, None, None
        self.best, self.best_epoch = (math.inf if self.mode == "min" else -math.inf), None

    def on_epoch_end(self, epoch, logs=None):
        current = _monitored("EarlyStopping", self.monitor, logs)
        self.wait += 1
        if self._improved(current):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)


class ModelCheckpoint(_Monitor):
    """Save the model with `nn.save` (atomically) after each epoch, or with `save_best_only`
    only when `monitor` improved. `path` may hold `{epoch}` (from 1) and log keys, e.g.
    `"ckpt-{epoch:02d}-{val_loss:.3f}.npz"`. `nn.load(path)` gives the model back."""

    def __init__(self, path, monitor="val_loss", save_best_only=False, mode="auto", verbose=0):
        super().__init__(monitor, mode)
        self.path, self.save_best_only, self.verbose = os.fspath(path), save_best_only, verbose
        self.last_saved = None

    def on_train_begin(self, logs=None):
        self.best, self.best_epoch = (math.inf if self.mode == "min" else -math.inf), None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            current = _monitored("ModelCheckpoint", self.monitor, logs)
            if not self._improved(current):
                return
            self.best, self.best_epoch = current, epoch
        path = self.path.format(epoch=epoch + 1, **logs)
        save(self.model, path)
        self.last_saved = path
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved the model to {path}")


class CSVLogger(Callback):
    """One row per epoch (`epoch` from 0, then the log keys) written to a CSV file."""

    def __init__(self, path, separator=",", append=False):
        self.path, self.separator, self.append = os.fspath(path), separator, append
        self._file = self._writer = None

    def on_train_begin(self, logs=None):
        exists = self.append and os.path.exists(self.path) and os.path.getsize(self.path) > 0
        self._file = open(self.path, "a" if self.append else "w", newline="")
        self._header_written = exists
        self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, ["epoch", *logs], delimiter=self.separator)
            if not self._header_written:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **logs})
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None


class LambdaCallback(Callback):
    """A callback from plain functions: `LambdaCallback(on_epoch_end=lambda epoch, logs: ...)`."""

    def __init__(self, **hooks):
        unknown = sorted(set(hooks) - set(_HOOKS))
        if unknown:
            raise ValueError(f"LambdaCallback: unknown hook(s) {unknown}; expected some of {list(_HOOKS)}")
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)


def _set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


class LearningRateScheduler(Callback):
    """Before each epoch set the learning rate to `schedule(epoch, lr)` (Keras's signature;
    a one-argument `schedule(epoch)` works too)."""

    def __init__(self, schedule, verbose=0):
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, got {type(schedule).__name__}")
        self.schedule, self.verbose = schedule, verbose
        try:
            self._takes_lr = len(inspect.signature(schedule).parameters) >= 2
        except (TypeError, ValueError):  # some builtins have no signature
            self._takes_lr = True

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.trainer.optimizer
        lr = float(optimizer.param_groups[0]["lr"])
        new = float(self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch))
        if not math.isfinite(new) or new < 0:
            raise ValueError(f"LearningRateScheduler: schedule returned {new!r} at epoch {epoch}; "
                             f"a learning rate must be a finite number >= 0")
        _set_lr(optimizer, new)
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate {new:.6g}")


class SchedulerCallback(Callback):
    """Step an `nn.optim.lr_scheduler` schedule after each epoch; `ReduceLROnPlateau` is
    stepped with the value of `monitor`. `fit` wraps schedules passed in `callbacks` in this."""

    def __init__(self, scheduler, monitor="val_loss"):
        if not hasattr(scheduler, "step"):
            raise TypeError(f"SchedulerCallback: expected a learning-rate schedule, got {type(scheduler).__name__}")
        self.scheduler, self.monitor = scheduler, monitor

    def on_epoch_end(self, epoch, logs=None):
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(_monitored("ReduceLROnPlateau", self.monitor, logs))
        else:
            self.scheduler.step()


from .tensorboard import TensorBoard  # noqa: E402  (its own file; tensorboardX is imported when one is made)

__all__ += ["TensorBoard"]

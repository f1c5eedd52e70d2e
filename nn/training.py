"""Keras-style training of any `Module`: `compile`, then `fit`, `evaluate`, `predict`.

`model.compile(...)` builds a `Trainer` holding the optimizer, the losses and the metrics;
`model.fit/evaluate/predict` hand over to it, so `Module` itself knows nothing of training
and a model that is never compiled pays nothing. Data may be numpy arrays, Tensors, tuples of
them (several inputs or outputs) or a `DataLoader`; how it is checked and batched is in
`nn/fit_data.py`. A `Trainer` can also be used directly: `Trainer(model, "adam", "mse").fit(X, y)`.
"""
import math
import numbers

import numpy as np

from autograd import Tensor, no_grad, toposort

from . import functional as F
from . import optim
from .callbacks import Callback, CallbackList, History, ProgressBar, SchedulerCallback
from .fit_data import Batches, check_targets, fit_target, progress
from .metrics import get_metric
from .module import Module

__all__ = ["Trainer", "predict", "OPTIMIZERS", "LOSSES"]

# Optimizer names and the Keras defaults that the lessons use (RMSprop's rho 0.9 is `alpha`).
OPTIMIZERS = {
    "sgd": (optim.SGD, {"lr": 0.01}),
    "rmsprop": (optim.RMSprop, {"lr": 0.001, "alpha": 0.9}),
    "adam": (optim.Adam, {"lr": 0.001}),
    "adamw": (optim.AdamW, {"lr": 0.001}),
    "adagrad": (optim.Adagrad, {"lr": 0.001}),
}


def _categorical_crossentropy(output, target):
    """Cross-entropy of probabilities (after a Softmax layer), Keras's `categorical_crossentropy`;
    probabilities are clipped at 1e-7 so that the log stays finite. From logits use "cross_entropy"."""
    return F.nll_loss(output.clip(1e-7, 1.0).log(), target)


# Loss name -> (function(output, target), what the targets must look like; see fit_data.check_targets).
LOSSES = {
    "cross_entropy": (F.cross_entropy, "classes"),
    "categorical_crossentropy": (_categorical_crossentropy, "classes"),
    "sparse_categorical_crossentropy": (_categorical_crossentropy, "classes"),
    "nll": (F.nll_loss, "classes"),
    "mse": (F.mse_loss, "values"), "mean_squared_error": (F.mse_loss, "values"),
    "mae": (F.l1_loss, "values"), "mean_absolute_error": (F.l1_loss, "values"),
    "huber": (F.huber_loss, "values"),
    "bce": (F.binary_cross_entropy, "binary"), "binary_crossentropy": (F.binary_cross_entropy, "binary"),
    "bce_with_logits": (F.binary_cross_entropy_with_logits, "binary"),
    "hinge": (F.hinge_loss, "hinge"),
}


def _dtype(model):
    """The dtype that inputs are cast to: the first floating parameter's (float32 without any)."""
    floats = [p.dtype for p in model.parameters() if p.dtype.kind == "f"]
    return floats[0] if floats else np.dtype(np.float32)


def predict(model, x, batch_size=32, verbose=0, n_inputs=None):
    """`model`'s outputs for `x` as a numpy array (a list for several outputs), in eval mode
    without recording a graph; no `compile` needed. From a DataLoader of (inputs, targets)
    batches the first `n_inputs` elements are used (all when None)."""
    data = Batches(x, None, _dtype(model), batch_size, False, None, "predict", 0, n_inputs)
    was_training = model.training
    model.eval()
    outputs = []
    try:
        with no_grad():
            for inputs, _ in progress(data, verbose, "predict"):
                out = model(*inputs)
                outputs.append([o.data for o in out] if isinstance(out, (tuple, list)) else [out.data])
    finally:
        model.train(was_training)
    result = [np.concatenate(parts) for parts in zip(*outputs)]
    return result if len(result) > 1 else result[0]


def _optimizer(optimizer, params, lr):
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            for group in optimizer.param_groups:
                group["lr"] = lr
        return optimizer
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ValueError(f"compile: unknown optimizer {optimizer!r}; expected an nn.optim optimizer or one of "
                         f"{sorted(OPTIMIZERS)}")
    cls, defaults = OPTIMIZERS[optimizer.lower()]
    return cls(params, **{**defaults, **({} if lr is None else {"lr": lr})})


def _loss(loss):
    """(name, function, target kind) of a loss name or a callable `f(output, target)`."""
    if callable(loss):
        return getattr(loss, "__name__", type(loss).__name__), loss, None
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"compile: unknown loss {loss!r}; expected a callable or one of {sorted(LOSSES)}")
    return (loss, *LOSSES[loss])


class Trainer:
    """The optimizer, the loss(es) and the metrics of `model`, and the loops that use them.

    `loss` is one loss (a name or a callable) or a list with one per output; `loss_weights`
    (a list) weights each output's loss in the total that is minimised. `lr` (or Keras's
    `learning_rate`) overrides the named optimizer's default rate.
    """

    def __init__(self, model, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, lr=None,
                 learning_rate=None):
        if loss is None:
            raise ValueError("compile: pass loss=, e.g. 'cross_entropy' (from logits), 'mse', or a callable")
        if lr is not None and learning_rate is not None and lr != learning_rate:
            raise ValueError(f"compile: lr={lr} and learning_rate={learning_rate} disagree; pass one of them")
        lr = lr if lr is not None else learning_rate
        if lr is not None and not (isinstance(lr, (int, float)) and lr >= 0):
            raise ValueError(f"compile: lr must be a number >= 0, got {lr!r}")
        self.model = model
        self.multi_loss = isinstance(loss, (list, tuple))
        self.losses = [_loss(l) for l in (loss if self.multi_loss else [loss])]
        if isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]
        self.metrics = [get_metric(m) for m in (metrics or [])]
        if loss_weights is not None:
            loss_weights = [float(w) for w in loss_weights]
            if self.multi_loss and len(loss_weights) != len(self.losses):
                raise ValueError(f"compile: {len(loss_weights)} loss_weights for {len(self.losses)} losses")
        self.loss_weights = loss_weights
        self.optimizer = _optimizer(optimizer, model.parameters(), lr)
        self._n_targets = len(self.losses) if self.multi_loss else 1  # per DataLoader batch
        self.history = None
        self._n_inputs = None

    @property
    def dtype(self):
        """The parameters' dtype, looked up at each call so that `model.double()` after compile counts."""
        return _dtype(self.model)

    def __repr__(self):
        names = [name for name, _, _ in self.losses]
        return (f"Trainer(optimizer={type(self.optimizer).__name__}, loss={names if self.multi_loss else names[0]}, "
                f"metrics={[name for name, _ in self.metrics]})")

    # Outputs and losses.
    def _heads(self, n_outputs, op):
        """(name prefix, loss name, loss function, target kind, weight) for each output."""
        losses = self.losses if self.multi_loss else self.losses * n_outputs
        if len(losses) != n_outputs:
            raise ValueError(f"{op}: the model has {n_outputs} output(s) but compile got {len(losses)} losses")
        weights = self.loss_weights or [1.0] * n_outputs
        if len(weights) != n_outputs:
            raise ValueError(f"{op}: {len(weights)} loss_weights for {n_outputs} outputs")
        prefix = [f"output_{i}_" if n_outputs > 1 else "" for i in range(n_outputs)]
        return [(p, name, fn, kind, w) for p, (name, fn, kind), w in zip(prefix, losses, weights)]

    def _forward(self, inputs, targets, op):
        """Outputs (a list) and {log key: loss Tensor}, the weighted total under "loss"."""
        out = self.model(*inputs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        if len(outs) != len(targets):
            raise ValueError(f"{op}: the model returned {len(outs)} output(s) for {len(targets)} target(s) in y")
        heads = self._heads(len(outs), op)
        losses, total = {}, None
        for (prefix, _, fn, kind, w), o, t in zip(heads, outs, targets):
            value = fn(o, fit_target(t, o, kind))
            if len(outs) > 1:
                losses[prefix + "loss"] = value
            total = value * w if total is None else total + value * w
        losses["loss"] = total
        return outs, losses

    def _metric_logs(self, outs, targets):
        logs = {}
        prefixes = [f"output_{i}_" if len(outs) > 1 else "" for i in range(len(outs))]
        for prefix, o, t in zip(prefixes, outs, targets):
            for name, fn in self.metrics:
                logs[prefix + name] = float(fn(o, t))
        return logs

    # The loops.
    def fit(self, x, y=None, epochs=1, batch_size=32, validation_data=None, validation_split=0.0, shuffle=True,
            callbacks=None, verbose=1, seed=None):
        """Train for `epochs` passes over the data; returns a `History`.

        `x`, `y`: arrays or Tensors (tuples for several inputs / outputs), or a DataLoader as `x`
        whose batches end with the target(s). `validation_data` is `(x_val, y_val)` or a DataLoader;
        `validation_split` holds out the last fraction of the samples instead. `shuffle` draws a
        new order each epoch from `seed`. `callbacks`: `nn.callbacks` objects or lr schedules.
        `verbose`: 0 silent, 1 progress bar and epoch lines, 2 epoch lines only.
        """
        if not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
        if verbose not in (0, 1, 2):
            raise ValueError(f"fit: verbose must be 0, 1 or 2, got {verbose!r}")
        train = Batches(x, y, self.dtype, batch_size, shuffle, seed, "fit", self._n_targets)
        if validation_split:
            if validation_data is not None:
                raise ValueError("fit: pass validation_data or validation_split, not both")
            train, val = train.split(validation_split)
        else:
            val = None if validation_data is None else Batches.of_validation(validation_data, self.dtype, batch_size,
                                                                                 self._n_targets)
        for data in (train, val):
            if data is not None:
                check_targets(self, data, "fit" if data is train else "fit (validation_data)")
        self._n_inputs = train.n_inputs  # known once the first samples were looked at
        user = []
        for cb in callbacks or []:
            if isinstance(cb, Callback):
                user.append(cb)
            elif hasattr(cb, "step") and hasattr(cb, "optimizer"):
                user.append(SchedulerCallback(cb))  # an nn.optim.lr_scheduler schedule
            else:
                raise TypeError(f"fit: callbacks must be Callback instances or lr schedules, got {type(cb).__name__}")
        self.history = History()
        bar = ProgressBar(verbose) if verbose else None
        cbs = CallbackList(([bar] if bar else []) + user + [self.history], self,
                           {"epochs": epochs, "steps": len(train), "verbose": verbose, "batch_size": batch_size})
        self.model.stop_training = False
        logs = {}
        try:
            cbs.on_train_begin()
            for epoch in range(epochs):
                cbs.on_epoch_begin(epoch)
                logs = self._train_epoch(train, epoch, epochs, cbs)
                if val is not None:
                    logs.update({"val_" + k: v for k, v in self._evaluate(val).items()})
                cbs.on_epoch_end(epoch, logs)
                if self.model.stop_training:
                    break
            cbs.on_train_end(logs)
        finally:
            if bar:
                bar.close()
        return self.history

    def _train_epoch(self, data, epoch, epochs, cbs):
        self.model.train()
        sums, seen, outputs, targets = {}, 0, [], []
        for batch, (inputs, ys) in enumerate(data):
            cbs.on_batch_begin(batch, {"batch": batch, "size": len(ys[0])})
            outs, losses = self._forward(inputs, ys, "fit")
            total = losses["loss"]
            value = float(total.data)
            if not math.isfinite(value):
                raise FloatingPointError(self._not_finite(total, inputs, ys, epoch, epochs, batch, len(data)))
            self.optimizer.zero_grad()
            total.backward()
            self.optimizer.step()
            n = len(ys[0])
            seen += n
            batch_logs = {k: float(v.data) for k, v in losses.items()}
            for k, v in batch_logs.items():
                sums[k] = sums.get(k, 0.0) + v * n
            outs = [o.data for o in outs]
            outputs.append(outs)
            targets.append([t.data for t in ys])
            batch_logs.update(self._metric_logs(outs, [t.data for t in ys]))
            cbs.on_batch_end(batch, {"batch": batch, "size": n, **batch_logs})
        return self._epoch_logs(sums, seen, outputs, targets)

    def _epoch_logs(self, sums, seen, outputs, targets):
        """Losses as means over the samples; metrics over all outputs of the epoch at once."""
        logs = {"loss": sums.pop("loss") / seen}
        logs.update({k: v / seen for k, v in sums.items()})
        outs = [np.concatenate(parts) for parts in zip(*outputs)]
        ys = [np.concatenate(parts) for parts in zip(*targets)]
        logs.update(self._metric_logs(outs, ys))
        return logs

    def _evaluate(self, data, verbose=0, desc="evaluate"):
        was_training = self.model.training
        self.model.eval()
        sums, seen, outputs, targets = {}, 0, [], []
        try:
            with no_grad():
                for inputs, ys in progress(data, verbose, desc):
                    outs, losses = self._forward(inputs, ys, desc)
                    n = len(ys[0])
                    seen += n
                    for k, v in losses.items():
                        sums[k] = sums.get(k, 0.0) + float(v.data) * n
                    outputs.append([o.data for o in outs])
                    targets.append([t.data for t in ys])
        finally:
            self.model.train(was_training)
        return self._epoch_logs(sums, seen, outputs, targets)

    def evaluate(self, x, y=None, batch_size=32, verbose=0):
        """{"loss": mean loss, metric: value, ...} over all samples, in eval mode without a graph."""
        data = Batches(x, y, self.dtype, batch_size, False, None, "evaluate", self._n_targets)
        check_targets(self, data, "evaluate")
        logs = self._evaluate(data, verbose)
        if verbose:
            print("evaluate - " + " - ".join(f"{k} {v:.4f}" for k, v in logs.items()))
        return logs

    def predict(self, x, batch_size=32, verbose=0):
        return predict(self.model, x, batch_size, verbose, self._n_inputs)

    # A loss that is not finite.
    def _not_finite(self, total, inputs, targets, epoch, epochs, batch, steps):
        where = (f"fit: the loss is not finite ({float(total.data)}) at epoch {epoch + 1}/{epochs}, "
                 f"batch {batch + 1}/{steps}; training stopped before this batch's update")
        for name, ts in (("the input batch x", inputs), ("the target batch y", targets)):
            if any(t.dtype.kind == "f" and not np.all(np.isfinite(t.data)) for t in ts):
                return f"{where}: {name} holds NaN or inf"
        names = {id(p): n for n, p in self.model.named_parameters()}
        for node in toposort([total]):
            if isinstance(node, Tensor) and node.dtype.kind == "f" and not np.all(np.isfinite(node.data)):
                if node._backward is None:
                    return f"{where}: parameter {names.get(id(node), '(unnamed)')!r} holds NaN or inf"
                scope = f" in {node._scope}" if node._scope is not None else ""
                return f"{where}: the first non-finite value comes from op {node._op!r}{scope}"
        return where


# `Module`'s Keras-style methods: thin delegations to a `Trainer` kept on the model.
def _compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **options):
    """Choose the optimizer, loss(es) and metrics for `fit`; see `nn.training.Trainer`."""
    object.__setattr__(self, "_trainer", Trainer(self, optimizer, loss, metrics, loss_weights, **options))


def _compiled(model, op):
    if "_trainer" not in model.__dict__:
        raise RuntimeError(f"{op}: call model.compile(optimizer=..., loss=...) first")
    return model._trainer


def _fit(self, x, y=None, **options):
    """Train; returns a `History`. See `nn.training.Trainer.fit`."""
    return _compiled(self, "fit").fit(x, y, **options)


def _evaluate(self, x, y=None, **options):
    """Loss and metrics as a dict. See `nn.training.Trainer.evaluate`."""
    return _compiled(self, "evaluate").evaluate(x, y, **options)


def _predict(self, x, **options):
    """Outputs as a numpy array, in eval mode without a graph; works without `compile` too."""
    if "_trainer" in self.__dict__:
        return self._trainer.predict(x, **options)
    return predict(self, x, **options)


Module.compile, Module.fit, Module.evaluate, Module.predict = _compile, _fit, _evaluate, _predict

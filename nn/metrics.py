"""Metrics on model outputs and targets, as numpy numbers: `accuracy(output, target)`.

Arguments come in the losses' order, output first. Outputs may be Tensors or arrays; for
classification they may be logits, probabilities or predicted labels.
"""
import numpy as np

from autograd import Tensor

from .plots import figure, finish

__all__ = ["accuracy", "top_k_accuracy", "mean_absolute_error", "mean_squared_error", "r2_score",
           "confusion_matrix", "plot_confusion_matrix", "get_metric", "METRICS"]


def _array(x, op, arg):
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{op}: {arg} must be numeric, got dtype {a.dtype}")
    return a


def _labels(target, op):
    """Class labels from integer labels (n,) or one-hot / probability rows (n, C)."""
    t = _array(target, op, "target")
    if t.ndim == 2 and t.shape[1] > 1:
        return t.argmax(1)
    return t.reshape(len(t)) if t.ndim == 2 else t


def _predicted(output, threshold, op):
    """Predicted labels: argmax of (n, C) scores; for one score per sample, the score above
    `threshold` (default 0.5 for probabilities in [0, 1], else 0 for logits or ±1 margins)."""
    o = _array(output, op, "output")
    if o.ndim == 2 and o.shape[1] > 1:
        return o.argmax(1), False
    o = o.reshape(len(o)) if o.ndim == 2 else o
    if o.dtype.kind in "iub":
        return o.astype(np.int64), False
    if threshold is None:
        threshold = 0.5 if o.size and o.min() >= 0 and o.max() <= 1 else 0.0
    return (o > threshold).astype(np.int64), True


def accuracy(output, target, threshold=None):
    """Share of samples whose predicted class equals the target: multi-class (argmax of (n, C)
    logits or probabilities, against labels or one-hot rows) or binary (one score per sample
    against 0/1 or ±1 labels)."""
    pred, binary = _predicted(output, threshold, "accuracy")
    t = _labels(target, "accuracy")
    if binary and t.size and t.min() < 0:  # ±1 labels (hinge loss)
        t = (t > 0).astype(np.int64)
    if pred.shape != t.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but target of shape {np.shape(target)}")
    return float(np.mean(pred == t)) if t.size else float("nan")


def top_k_accuracy(output, target, k=5):
    """Share of samples whose target is among the `k` highest scores of (n, C) `output`."""
    o = _array(output, "top_k_accuracy", "output")
    if o.ndim != 2:
        raise ValueError(f"top_k_accuracy: output must be scores of shape (n, C), got {o.shape}")
    if not 1 <= k <= o.shape[1]:
        raise ValueError(f"top_k_accuracy: k must be in [1, {o.shape[1]}] for {o.shape[1]} classes, got {k}")
    t = _labels(target, "top_k_accuracy")
    top = np.argpartition(-o, k - 1, axis=1)[:, :k]
    return float(np.mean((top == t[:, None]).any(1)))


def _regression_pair(output, target, op):
    o, t = _array(output, op, "output").astype(np.float64), _array(target, op, "target").astype(np.float64)
    if o.size != t.size:
        raise ValueError(f"{op}: output of shape {o.shape} and target of shape {t.shape} differ in size")
    return o.reshape(t.shape) if o.shape != t.shape else o, t


def mean_absolute_error(output, target):
    o, t = _regression_pair(output, target, "mean_absolute_error")
    return float(np.mean(np.abs(o - t)))


def mean_squared_error(output, target):
    o, t = _regression_pair(output, target, "mean_squared_error")
    return float(np.mean((o - t) ** 2))


def r2_score(output, target):
    """Coefficient of determination 1 - SS_res / SS_tot (1 is perfect, 0 is predicting the mean);
    over all outputs together for several columns."""
    o, t = _regression_pair(output, target, "r2_score")
    ss_tot = np.sum((t - t.mean(0)) ** 2)
    ss_res = np.sum((t - o) ** 2)
    if ss_tot == 0:
        return 1.0 if ss_res == 0 else 0.0
    return float(1 - ss_res / ss_tot)


def confusion_matrix(output, target, num_classes=None):
    """(C, C) counts: row = true class, column = predicted class (scikit-learn's layout)."""
    pred, _ = _predicted(output, None, "confusion_matrix")
    t = _labels(target, "confusion_matrix").astype(np.int64)
    if num_classes is None:
        o = _array(output, "confusion_matrix", "output")
        num_classes = max(int(t.max(initial=0)), int(pred.max(initial=0))) + 1
        if o.ndim == 2 and o.shape[1] > 1:
            num_classes = max(num_classes, o.shape[1])
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(f"confusion_matrix: target labels must be in [0, {num_classes}), "
                         f"got {np.unique(t[(t < 0) | (t >= num_classes)])[:5]}")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (t, pred), 1)
    return cm


def plot_confusion_matrix(cm, class_names=None, path=None, normalize=False, title="Confusion matrix"):
    """Draw `cm` (from `confusion_matrix`) as an annotated heat map; save to `path` (.png/.svg)
    when given, show inline in Jupyter otherwise. Returns the matplotlib Figure."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"plot_confusion_matrix: expected a square matrix, got shape {cm.shape}")
    values = cm / np.maximum(cm.sum(1, keepdims=True), 1) if normalize else cm
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(cm))]
    fig = figure(figsize=(1 + 0.5 * len(cm), 0.8 + 0.5 * len(cm)))
    ax = fig.add_subplot()
    im = ax.imshow(values, cmap="Blues")
    fig.colorbar(im, ax=ax)
    ax.set(xticks=range(len(cm)), yticks=range(len(cm)), xticklabels=names, yticklabels=names,
           xlabel="predicted", ylabel="true", title=title)
    high = values.max() / 2 if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.2f}" if normalize else str(v), ha="center", va="center", fontsize=8,
                color="white" if v > high else "black")
    return finish(fig, path)


# Names accepted by `compile(metrics=[...])`.
METRICS = {
    "accuracy": accuracy, "acc": accuracy,
    "top_k_accuracy": top_k_accuracy, "top_5_accuracy": top_k_accuracy,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "r2": r2_score, "r2_score": r2_score,
}


def get_metric(metric):
    """(name for the logs, function) of a metric name or a callable `f(output, target)`."""
    if callable(metric):
        return getattr(metric, "__name__", type(metric).__name__), metric
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"compile: unknown metric {metric!r} in metrics; expected a callable or one of "
                         f"{sorted(METRICS)}")
    return ("accuracy" if metric == "acc" else metric), METRICS[metric]

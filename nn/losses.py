"""Loss modules: `loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits, labels)`.

Each wraps the function of the same name in `nn.functional`, with `reduction` fixed at construction.
"""
import numpy as np

from autograd import Tensor

from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "MAELoss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
           "NLLLoss", "HingeLoss"]


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"{type(self).__name__}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error."""

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


MAELoss = L1Loss


class HuberLoss(_Loss):
    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, self.reduction, self.delta)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (log terms clamped at -100)."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits: stable for any logit size."""

    def __init__(self, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction, self.pos_weight)


class _WeightedLoss(_Loss):
    """A loss over classes: `weight` (one number per class) first, the rest by keyword, as in PyTorch."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean"):
        if isinstance(weight, str):
            raise TypeError(f"{type(self).__name__}: the first argument is weight, as in PyTorch, got {weight!r}; "
                            f"pass reduction={weight!r} by keyword")
        super().__init__(reduction)
        self.weight = None if weight is None else np.array(weight.data if isinstance(weight, Tensor) else weight)
        self.ignore_index = ignore_index

    def extra_repr(self):
        weight = "" if self.weight is None else f"weight={self.weight.tolist()}, "
        return f"{weight}ignore_index={self.ignore_index}, {super().extra_repr()}"


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy from logits, with integer labels or probability targets:
    `CrossEntropyLoss(weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0)`."""

    def __init__(self, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, ignore_index=ignore_index, reduction=reduction)
        if not 0 <= label_smoothing <= 1:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}")
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (pair with `LogSoftmax`):
    `NLLLoss(weight=None, *, ignore_index=-100, reduction="mean")`."""

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class HingeLoss(_Loss):
    """SVM max-margin loss: binary labels ±1, or multi-class integer labels."""

    def __init__(self, reduction="mean", margin=1.0):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_loss(input, target, self.reduction, self.margin)

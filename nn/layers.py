"""Layers: Linear, Identity, Flatten, Dropout, BatchNorm1d, LayerNorm, Embedding and the tensor MLP.

Each layer's forward is a few Tensor ops; autograd supplies the gradients.
"""
import math

import numpy as np

from autograd import Tensor, no_grad
from autograd.tensor import as_tensor

from . import functional as F
from . import init
from .activations import ACTIVATIONS
from .module import Module, Parameter, Sequential

__all__ = ["Linear", "Identity", "Flatten", "Dropout", "BatchNorm1d", "LayerNorm", "Embedding", "MLP"]


def _layer_input(x, tensors, op):
    """`x` in the dtype of the first of `tensors` that exists (see `F.as_input`); as is without any."""
    like = next((t for t in tensors if t is not None), None)
    return as_tensor(x, op=op) if like is None else F.as_input(x, like.dtype, op)


def _positive(op, **sizes):
    for name, n in sizes.items():
        if not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"{op}: {name} must be a positive integer, got {n!r}")


class Linear(Module):
    """y = x @ weight.T + bias, for x of shape (..., in_features).

    weight has shape (out_features, in_features), as in PyTorch, so weights transfer both ways.
    Default init (PyTorch's): weight and bias uniform in [-1/sqrt(in_features), 1/sqrt(in_features)],
    drawn from the generator seeded by `autograd.manual_seed`.
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        _positive("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = init.uniform_(Parameter(np.empty((out_features, in_features), dtype=dtype)), -bound, bound)
        self.register_parameter("bias", init.uniform_(Parameter(np.empty(out_features, dtype=dtype)), -bound, bound)
                                if bias else None)

    def forward(self, x):
        # A Tensor of the weight's dtype (the usual case) is taken as is, without building a label.
        if not isinstance(x, Tensor) or x.data.dtype != self.weight.data.dtype:
            x = F.as_input(x, self.weight.dtype, self.scope_label())
        if x.data.shape[-1:] != (self.in_features,):
            raise ValueError(f"Linear({self.in_features}→{self.out_features}): expected input of shape "
                             f"(..., {self.in_features}), got {x.shape}")
        return F.linear(x, self.weight, self.bias)

    def scope_label(self):
        return f"Linear({self.in_features}→{self.out_features})"

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    def forward(self, x):
        return x


class Flatten(Module):
    """Dims start_dim..end_dim merged (by default all but the batch dim): (N, 28, 28) -> (N, 784)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return as_tensor(x, op="Flatten").flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Inverted dropout in training mode (see `functional.dropout`); the identity in eval mode."""

    def __init__(self, p=0.5):
        super().__init__()
        F.number(p, "p", "Dropout", lambda p: 0 <= p <= 1, "in [0, 1]")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) or (N, C, L) inputs over all dims but the channel dim 1.

    Training: normalise with the batch mean and biased variance, and update the running
    statistics as running = (1 - momentum) running + momentum batch (unbiased variance),
    or as a cumulative average when momentum is None. Eval: normalise with the running ones.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 dtype=np.float32):
        super().__init__()
        _positive("BatchNorm1d", num_features=num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.register_parameter("weight", Parameter(np.ones(num_features, dtype=dtype)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(num_features, dtype=dtype)) if affine else None)
        stats = track_running_stats
        self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype) if stats else None)
        self.register_buffer("running_var", np.ones(num_features, dtype=dtype) if stats else None)
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64) if stats else None)

    def forward(self, x):
        x = _layer_input(x, (self.weight, self.running_mean), "BatchNorm1d")
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d({self.num_features}): expected input of shape (N, {self.num_features}) "
                             f"or (N, {self.num_features}, L), got {x.shape}")
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, -1) if x.ndim == 2 else (1, -1, 1)
        if self.training or not self.track_running_stats:
            count = x.size // self.num_features
            if count < 2 and self.training:
                raise ValueError(f"BatchNorm1d: training needs more than 1 value per channel, got input {x.shape}")
            centered = x - x.mean(axes, keepdims=True)
            var = (centered * centered).mean(axes, keepdims=True)
            if self.training and self.track_running_stats:
                self._update_stats(x.data.mean(axes), var.data.reshape(-1) * (count / (count - 1)))
            x_hat = centered * (var + self.eps) ** -0.5
        else:
            mean = self.running_mean.data.reshape(shape)
            x_hat = (x - Tensor(mean)) * Tensor((self.running_var.data.reshape(shape) + self.eps) ** -0.5)
        if self.affine:
            x_hat = x_hat * self.weight.reshape(shape) + self.bias.reshape(shape)
        return x_hat

    def _update_stats(self, mean, unbiased_var):
        with no_grad():
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
            m = 1.0 / self.num_batches_tracked.data if self.momentum is None else self.momentum
            rm, rv = self.running_mean, self.running_var
            rm.data = ((1 - m) * rm.data + m * mean).astype(rm.dtype)
            rv.data = ((1 - m) * rv.data + m * unbiased_var).astype(rv.dtype)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"


class LayerNorm(Module):
    """Normalise over the last dims (`normalized_shape`) of each sample, then scale and shift."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, dtype=np.float32):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
        _positive("LayerNorm", **{f"normalized_shape[{i}]": n for i, n in enumerate(shape)})
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        self.register_parameter("weight", Parameter(np.ones(shape, dtype=dtype)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dtype=dtype)) if elementwise_affine else None)

    def forward(self, x):
        x = _layer_input(x, (self.weight,), "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm: expected input of shape (..., {', '.join(map(str, self.normalized_shape))}), "
                             f"got {x.shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        centered = x - x.mean(axes, keepdims=True)
        x_hat = centered * ((centered * centered).mean(axes, keepdims=True) + self.eps) ** -0.5
        return x_hat * self.weight + self.bias if self.elementwise_affine else x_hat

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of `weight` (num_embeddings, embedding_dim).

    The gradient is scattered back into the rows that were read (adding up where an index repeats).
    Rows start as N(0, 1), as in PyTorch.
    """

    def __init__(self, num_embeddings, embedding_dim, dtype=np.float32):
        super().__init__()
        _positive("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = init.normal_(Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype)))

    def forward(self, indices):
        idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Embedding: indices must be integers, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            raise IndexError(f"Embedding({self.num_embeddings}, {self.embedding_dim}): indices must be in "
                             f"[0, {self.num_embeddings}), got min {idx.min()} and max {idx.max()}")
        return self.weight[idx]

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"


class MLP(Sequential):
    """A multilayer perceptron on Tensors: `MLP([784, 300, 100, 10])` is
    Linear(784, 300), ReLU, Linear(300, 100), ReLU, Linear(100, 10).

    `activation` (between layers) and `output_activation` (after the last, default none) are
    names such as "relu", "tanh", "gelu" or Module classes; `dropout` > 0 adds Dropout after
    each hidden activation. (The micrograd-style MLP over scalar `Value`s is `nn.scalar.MLP`.)

    `MLP(784, [300, 100, 10])`, the signature of `nn.scalar.MLP(nin, nouts)`, builds the same network.
    """

    def __init__(self, sizes, activation="relu", output_activation=None, bias=True, dropout=0.0, dtype=np.float32):
        super().__init__()
        if isinstance(sizes, (int, np.integer)) and isinstance(activation, (list, tuple)):
            sizes, activation = [sizes, *activation], "relu"  # MLP(nin, [hidden..., nout])
        if isinstance(sizes, (int, np.integer)):
            raise TypeError(f"MLP: expected MLP([n_in, hidden..., n_out]) or MLP(n_in, [hidden..., n_out]), "
                            f"got MLP({sizes!r}, activation={activation!r})")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {sizes}")
        for act in (activation, output_activation):  # checked even when no layer uses it, e.g. MLP([2, 1])
            if act is not None:
                _activation(act)
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            self.append(Linear(n_in, n_out, bias, dtype))
            last = i == len(sizes) - 2
            act = output_activation if last else activation
            if act is not None:
                self.append(_activation(act))
            if dropout and not last:
                self.append(Dropout(dropout))


def _activation(act):
    if isinstance(act, str):
        if act not in ACTIVATIONS:
            raise ValueError(f"MLP: unknown activation {act!r}; expected one of {sorted(ACTIVATIONS)} or a Module class")
        return ACTIVATIONS[act]()
    module = act()
    if not isinstance(module, Module):
        raise TypeError(f"MLP: activation must be a name or a Module class, got {act!r}")
    return module

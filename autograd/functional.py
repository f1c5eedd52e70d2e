"""Gradients as values: `grad(outputs, inputs)` returns them without touching `.grad`."""
import numpy as np

from .graph import run_backward
from .tensor import Tensor, _seed


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """d(sum of outputs · grad_outputs)/d(input) for each input, as a tuple of Tensors.

    With `create_graph=True` the results are themselves differentiable (Hessian-vector
    products, higher derivatives). An input the outputs do not depend on gets None if
    `allow_unused`, otherwise an error.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs)
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise ValueError(f"grad: input {i} (shape {t.shape}) does not require grad")
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise ValueError(f"grad: output {i} (shape {out.shape}) does not depend on any tensor that requires grad")
    seeds = [_seed(o, g, "grad", create_graph) for o, g in zip(outputs, grad_outputs)]
    retain = create_graph if retain_graph is None else retain_graph
    found = run_backward(outputs, seeds, retain_graph=retain, create_graph=create_graph, capture=set(inputs))
    result = []
    for i, t in enumerate(inputs):
        g = found.get(t)
        if g is None and not allow_unused:
            raise ValueError(f"grad: output does not depend on input {i} (shape {t.shape}); pass allow_unused=True")
        result.append(g if g is None or isinstance(g, Tensor) else Tensor(np.array(g, dtype=t.dtype)))
    return tuple(result)

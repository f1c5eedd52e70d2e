"""`summary(model, input_shape)`: a Keras-like table of layers, output shapes and parameter counts."""
import sys

import numpy as np

from autograd import Tensor, no_grad

__all__ = ["summary"]


def _shape_text(out):
    if isinstance(out, Tensor):
        return str((None,) + out.shape[1:]).replace("None,)", "None)")
    if isinstance(out, (tuple, list)):
        return ", ".join(_shape_text(o) for o in out)
    return type(out).__name__


def summary(model, input_shape, dtype=np.float32, file=None):
    """Run one sample of `input_shape` (without the batch dim; a list of shapes for several
    inputs) through `model` in eval mode and print each leaf layer's output shape and
    parameter count, then the totals. Non-trainable params are parameters with requires_grad
    off (buffers such as running statistics are not parameters). Returns the total count.
    """
    shapes = [input_shape] if all(isinstance(n, (int, np.integer)) for n in input_shape) else list(input_shape)
    inputs = [Tensor(np.zeros((1,) + tuple(s), dtype=dtype)) for s in shapes]
    names = {id(m): name for name, m in model.named_modules()}
    modes = [(m, m.training) for m in model.modules()]
    calls = []  # (module, output) of every module call, in the order the calls finish
    handles = [m.register_forward_hook(lambda m, args, out: calls.append((m, out))) for m in model.modules()]
    try:
        model.eval()
        with no_grad():
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            object.__setattr__(m, "training", mode)

    rows = []
    for m, out in calls:
        own = sum(p.size for p in m.parameters(recurse=False))
        if m is model or (next(m.children(), None) is not None and not own):
            continue
        rows.append((f"{names.get(id(m), '?')} ({type(m).__name__})", _shape_text(out), f"{own:,}"))
    params = model.parameters()
    total = sum(p.size for p in params)
    trainable = sum(p.size for p in params if p.requires_grad)

    head = ("Layer (type)", "Output Shape", "Param #")
    widths = [max(len(r[i]) for r in rows + [head]) + 3 for i in range(3)]
    line = "".join(text.ljust(w) for text, w in zip(head, widths)).rstrip()
    rule = "=" * max(len(line), sum(widths) - 3)
    text = [f'Model: "{type(model).__name__}"', "_" * len(rule), line, rule]
    text += ["".join(t.ljust(w) for t, w in zip(r, widths)).rstrip() for r in rows]
    text += [rule, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
             f"Non-trainable params: {total - trainable:,}", "_" * len(rule)]
    print("\n".join(text), file=file or sys.stdout)
    return total

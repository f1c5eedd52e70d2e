"""Pictures of what a conv net learned: the first layer's filters and one image's feature maps.

Both use `nn.plots` (matplotlib figures without pyplot): saved to a path (PNG, SVG, ...) or shown
inline in Jupyter.
"""
import math

import numpy as np

from autograd import Tensor, no_grad

from . import plots
from .conv import Conv2d

__all__ = ["first_conv", "plot_filters", "plot_feature_maps"]


def first_conv(model):
    """The first `Conv2d` of `model` (in registration order)."""
    for m in model.modules():
        if isinstance(m, Conv2d):
            return m
    raise ValueError(f"first_conv: {type(model).__name__} has no Conv2d layer")


def _grid(fig, n):
    cols = math.ceil(math.sqrt(n))
    return fig.subplots(math.ceil(n / cols), cols, squeeze=False)


def plot_filters(model_or_conv, path=None):
    """Each filter of the first conv layer as a small grey image (input channels averaged)."""
    conv = model_or_conv if isinstance(model_or_conv, Conv2d) else first_conv(model_or_conv)
    w = conv.weight.data.mean(axis=1)  # (out_channels, kH, kW)
    fig = plots.figure((6, 6))
    axes = _grid(fig, len(w))
    lim = float(np.abs(w).max()) or 1.0
    for ax, f in zip(axes.flat, w):
        ax.imshow(f, cmap="gray", vmin=-lim, vmax=lim)  # grey is 0: dark weights subtract, light add
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle(f"first layer filters ({conv.out_channels} of {'×'.join(map(str, conv.kernel_size))})")
    return plots.finish(fig, path)


def plot_feature_maps(model, image, path=None, max_maps=32):
    """The input `image` (C, H, W) or a flat row, and the first conv layer's feature maps for it."""
    conv = first_conv(model)
    recorded = []
    forward = conv.forward

    def keep(x):  # catch the layer's input and output during one forward pass
        out = forward(x)
        recorded.append((x.data, out.data))
        return out

    was_training = model.training
    model.eval()
    object.__setattr__(conv, "forward", keep)
    try:
        with no_grad():
            model(Tensor(np.asarray(image, dtype=conv.weight.dtype)[None]))
    finally:
        object.__delattr__(conv, "forward")
        model.train(was_training)
    seen, maps = recorded[0][0][0], recorded[0][1][0][:max_maps]  # what the layer saw (after any reshape)
    fig = plots.figure((7, 7))
    axes = _grid(fig, len(maps) + 1)
    axes.flat[0].imshow(seen.mean(axis=0), cmap="gray_r")
    axes.flat[0].set_title("input", fontsize=8)
    for i, (ax, m) in enumerate(zip(axes.flat[1:], maps)):
        ax.imshow(m, cmap="viridis")
        ax.set_title(str(i), fontsize=7)
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle("feature maps of the first conv layer")
    return plots.finish(fig, path)

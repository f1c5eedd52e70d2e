"""Figures for training: learning curves and confusion matrices, headless or in Jupyter.

Figures are made with `matplotlib.figure.Figure`, not pyplot, so no window backend is ever
needed: saving renders with Agg (PNG) or matplotlib's SVG writer, chosen by the path's suffix.
In Jupyter a figure without a path is displayed inline.
"""
import os

__all__ = ["figure", "finish", "plot_history", "in_jupyter"]


def in_jupyter():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def figure(figsize=(6.4, 4.0)):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install matplotlib") from None
    return Figure(figsize=figsize, layout="constrained")


def finish(fig, path):
    """Save `fig` to `path` (format from the suffix), or display it inline in Jupyter; return it."""
    if path is not None:
        fmt = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
        if fmt not in ("png", "svg", "pdf", "jpg", "jpeg"):
            raise ValueError(f"plot: path must end in .png, .svg, .pdf or .jpg, got {os.fspath(path)!r}")
        fig.savefig(path, format=fmt, dpi=100)
    elif in_jupyter():
        import io

        from IPython.display import Image, display

        # As PNG bytes: shown whatever matplotlib backend the kernel has (pyplot is never involved).
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        display(Image(data=buffer.getvalue()))
    return fig


def plot_history(history, path=None, metrics=None):
    """One panel per quantity (loss first, then each metric), training and validation curves
    against the epoch (counted from 1)."""
    logs = history.history
    names = [k for k in logs if not k.startswith("val_") and k not in ("lr",)]
    if metrics is not None:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [m for m in metrics if m not in names]
        if unknown:
            raise ValueError(f"History.plot: no history for {unknown}; recorded: {names}")
        names = metrics
    if not names:
        raise ValueError("History.plot: the history is empty (did fit run at least one epoch?)")
    from matplotlib.ticker import MaxNLocator

    fig = figure(figsize=(4.2 * len(names), 3.4))
    epochs = [e + 1 for e in history.epoch]
    for ax, name in zip(fig.subplots(1, len(names), squeeze=False)[0], names):
        ax.plot(epochs, logs[name], marker="o", ms=3, label=f"training {name}")
        if "val_" + name in logs:
            ax.plot(epochs, logs["val_" + name], marker="o", ms=3, label=f"validation {name}")
        ax.set(xlabel="epoch", title=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    return finish(fig, path)

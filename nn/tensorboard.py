"""The `TensorBoard` callback: training curves, weight histograms and the graph as TensorBoard event files.

Files are written with `tensorboardX` (`pip install 'chainrule[tensorboard]'`) in Keras's layout,
so TensorBoard draws the training and validation curves of one run on the same chart:

    log_dir/train/       epoch_loss, epoch_<metric>, epoch_learning_rate; histograms; the graph
    log_dir/validation/  epoch_loss, epoch_<metric> (the logs' val_ keys without the prefix)

The step of each value is the epoch (from 0, as in the callbacks). Open them with
`tensorboard --logdir runs`.
"""
import contextlib
import io
import numbers
import os
import tempfile
import time

import numpy as np

from .callbacks import Callback

__all__ = ["TensorBoard"]


def _summary_writer():
    try:
        from tensorboardX import SummaryWriter
    except ImportError as error:
        raise ImportError("TensorBoard: writing event files needs tensorboardX: pip install tensorboardX "
                          "(or pip install 'chainrule[tensorboard]')") from error
    return SummaryWriter


class TensorBoard(Callback):
    """Log each epoch's losses, metrics and learning rate under `log_dir` (default
    `runs/<date-time>`); every `histogram_freq` epochs (0: never) the histograms of each
    parameter and of its last gradient; with `write_graph`, the model's graph when it can be
    exported to ONNX from a known input size (its first layer is Linear), else its repr as text."""

    def __init__(self, log_dir=None, histogram_freq=0, write_graph=True):
        self._writer_class = _summary_writer()
        if not isinstance(histogram_freq, numbers.Integral) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be an integer >= 0, got {histogram_freq!r}")
        if log_dir is None:
            log_dir = os.path.join("runs", time.strftime("%Y%m%d-%H%M%S"))
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self._writers = {}

    def _writer(self, part):
        if part not in self._writers:
            self._writers[part] = self._writer_class(os.path.join(self.log_dir, part))
        return self._writers[part]

    def on_train_begin(self, logs=None):
        if self.write_graph:
            self._graph()

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if isinstance(value, numbers.Real):
                part, name = ("validation", key[4:]) if key.startswith("val_") else ("train", key)
                self._writer(part).add_scalar("epoch_" + name, float(value), epoch)
        if self.trainer is not None:
            self._writer("train").add_scalar("epoch_learning_rate",
                                             float(self.trainer.optimizer.param_groups[0]["lr"]), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            writer = self._writer("train")
            for name, param in self.model.named_parameters():
                writer.add_histogram(name, np.asarray(param.data, dtype=np.float64), epoch)
                if param.grad is not None:
                    writer.add_histogram(name + "/gradient", np.asarray(param.grad.data, dtype=np.float64), epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _graph(self):
        """The ONNX graph where the input size is known and every layer exports; the repr otherwise."""
        writer = self._writer("train")
        first = next((m for m in self.model.modules() if m is not self.model and not m._modules), None)
        in_features = getattr(first, "in_features", None)
        if in_features is not None:
            try:
                from .onnx import export_onnx

                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "model.onnx")
                    dtype = next(iter(self.model.parameters())).dtype
                    export_onnx(self.model, path, np.zeros((1, in_features), dtype=dtype))
                    with contextlib.redirect_stdout(io.StringIO()):  # tensorboardX prints each node's name
                        writer.add_onnx_graph(path)
                    return
            except (ImportError, ValueError, TypeError, NotImplementedError):
                pass  # no onnx package, or a layer without an ONNX form: the text below still describes it
        writer.add_text("model", "```\n" + repr(self.model) + "\n```", 0)

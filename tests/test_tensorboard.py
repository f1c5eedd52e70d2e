"""The TensorBoard callback's event files, read back with TensorBoard's own reader (and, where
TensorBoard is not installed, with a plain record reader over tensorboardX's protobufs)."""
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn
from chainrule.cli import main
from nn.callbacks import TensorBoard

pytest.importorskip("tensorboardX")
try:
    from tensorboard.backend.event_processing import event_accumulator as accumulator
except ImportError:
    accumulator = None
needs_tensorboard = pytest.mark.skipif(accumulator is None, reason="TensorBoard's event reader is not installed")


def raw_scalars(directory, tag):
    """(step, value) of `tag` from the event files' records: length (8 bytes), its CRC (4), an
    Event protobuf, its CRC (4)."""
    from tensorboardX.proto import event_pb2

    found = []
    for path in sorted(Path(directory).glob("events.out.tfevents.*")):
        data, i = path.read_bytes(), 0
        while i < len(data):
            (n,) = struct.unpack("<Q", data[i:i + 8])
            event = event_pb2.Event.FromString(data[i + 12:i + 12 + n])
            i += 12 + n + 4
            found += [(event.step, v.simple_value) for v in event.summary.value if v.tag == tag]
    return found


def read(directory):
    events = accumulator.EventAccumulator(str(directory), size_guidance={accumulator.HISTOGRAMS: 0,
                                                                         accumulator.SCALARS: 0})
    events.Reload()
    return events


def scalars(events, tag):
    return [(e.step, e.value) for e in events.Scalars(tag)]


def blobs():
    X, y = nn.data.make_blobs(120, centers=3, seed=0)
    return X.astype(np.float32), y


def fit(tmp_path, model=None, **options):
    autograd.manual_seed(0)
    X, y = blobs()
    model = model or nn.MLP([2, 8, 3])
    model.compile("sgd", "cross_entropy", metrics=["accuracy"], lr=0.05)
    history = model.fit(X, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0, seed=0,
                        callbacks=[TensorBoard(tmp_path / "logs", **options)])
    return model, history


def test_event_records_hold_the_losses(tmp_path):
    model, history = fit(tmp_path)
    steps, values = zip(*raw_scalars(tmp_path / "logs" / "train", "epoch_loss"))
    assert steps == (0, 1, 2)
    np.testing.assert_allclose(values, history.history["loss"], rtol=1e-6)
    val = [v for _, v in raw_scalars(tmp_path / "logs" / "validation", "epoch_loss")]
    np.testing.assert_allclose(val, history.history["val_loss"], rtol=1e-6)


@needs_tensorboard
def test_epoch_scalars_match_the_history(tmp_path):
    model, history = fit(tmp_path)
    train, validation = read(tmp_path / "logs" / "train"), read(tmp_path / "logs" / "validation")
    for key in ("loss", "accuracy"):
        steps, values = zip(*scalars(train, "epoch_" + key))
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history.history[key], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in scalars(validation, "epoch_" + key)],
                                   history.history["val_" + key], rtol=1e-6)
    assert [v for _, v in scalars(train, "epoch_learning_rate")] == pytest.approx([0.05] * 3)
    assert train.Tags()["histograms"] == []  # histogram_freq=0


@needs_tensorboard
def test_histograms_of_weights_and_gradients(tmp_path):
    model, _ = fit(tmp_path, histogram_freq=2)
    train = read(tmp_path / "logs" / "train")
    names = [name for name, _ in model.named_parameters()]
    assert set(train.Tags()["histograms"]) == set(names) | {n + "/gradient" for n in names}
    weight = train.Histograms("0.weight")
    assert [h.step for h in weight] == [0, 2]
    last = weight[-1].histogram_value  # epoch 2 is the last: the model's final weights
    w = model[0].weight.data
    assert (last.min, last.max, last.num) == pytest.approx((w.min(), w.max(), w.size))
    assert last.sum == pytest.approx(w.sum(), rel=1e-5, abs=1e-6)
    grad = train.Histograms("0.weight/gradient")[-1].histogram_value
    assert grad.num == w.size and grad.sum == pytest.approx(model[0].weight.grad.data.sum(), rel=1e-5, abs=1e-6)


@needs_tensorboard
def test_graph_of_a_dense_model(tmp_path):
    pytest.importorskip("onnx")
    fit(tmp_path)
    graph = read(tmp_path / "logs" / "train").Graph()
    ops = [node.op for node in graph.node]
    assert ops.count("Gemm") == 2 and "Relu" in ops


@needs_tensorboard
def test_model_text_where_there_is_no_graph(tmp_path):
    model = nn.Sequential(nn.Embedding(3, 2), nn.Flatten(), nn.Linear(2, 3))  # first layer has no in_features
    autograd.manual_seed(0)
    model.compile("sgd", "cross_entropy")
    X = np.array([[0], [1], [2], [1]])
    model.fit(X, np.array([0, 1, 2, 1]), epochs=1, verbose=0, callbacks=[TensorBoard(tmp_path, write_graph=True)])
    train = read(tmp_path / "train")
    assert "model/text_summary" in train.Tags()["tensors"]
    text = train.Tensors("model/text_summary")[0].tensor_proto.string_val[0].decode()
    assert "Embedding(3, 2)" in text


@needs_tensorboard
def test_chainrule_train_tensorboard(tmp_path, capsys):
    pytest.importorskip("sklearn")
    assert main(["train", "--dataset", "iris", "--epochs", "2", "--hidden", "8", "--tensorboard", "--quiet",
                 "--out", str(tmp_path)]) == 0
    (run,) = tmp_path.iterdir()
    train = read(run / "tensorboard" / "train")
    assert [step for step, _ in scalars(train, "epoch_loss")] == [0, 1]
    assert len(scalars(read(run / "tensorboard" / "validation"), "epoch_accuracy")) == 2
    assert (run / "model.npz").exists()


def test_bad_arguments_and_missing_tensorboardx(monkeypatch):
    with pytest.raises(ValueError, match="histogram_freq must be an integer >= 0, got -1"):
        TensorBoard(histogram_freq=-1)
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"pip install tensorboardX \(or pip install 'chainrule\[tensorboard\]'\)"):
        TensorBoard()
    assert main(["train", "--tensorboard", "--epochs", "1"]) == 2  # a one-line usage error, before any training

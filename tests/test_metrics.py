"""nn.metrics against scikit-learn on random data, and the input forms each metric accepts."""
import numpy as np
import pytest

from autograd import Tensor
from nn import metrics

skm = pytest.importorskip("sklearn.metrics")
rng = np.random.default_rng(0)


def test_multiclass_accuracy_from_logits_probabilities_labels_and_one_hot():
    logits = rng.normal(size=(50, 4)).astype(np.float32)
    y = rng.integers(0, 4, 50)
    expected = skm.accuracy_score(y, logits.argmax(1))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert metrics.accuracy(logits, y) == pytest.approx(expected)
    assert metrics.accuracy(Tensor(probs), Tensor(y)) == pytest.approx(expected)
    assert metrics.accuracy(logits, np.eye(4)[y]) == pytest.approx(expected)
    assert metrics.accuracy(logits.argmax(1), y) == pytest.approx(expected)


def test_binary_accuracy_from_probabilities_logits_and_margins():
    y = rng.integers(0, 2, 40)
    p = rng.uniform(size=(40, 1))
    assert metrics.accuracy(p, y) == pytest.approx(skm.accuracy_score(y, p[:, 0] > 0.5))
    z = rng.normal(size=40) * 3
    assert metrics.accuracy(z, y) == pytest.approx(skm.accuracy_score(y, z > 0))
    assert metrics.accuracy(z, 2 * y - 1) == pytest.approx(skm.accuracy_score(y, z > 0))  # ±1 labels


def test_top_k_accuracy():
    scores = rng.normal(size=(60, 6))
    y = rng.integers(0, 6, 60)
    for k in (1, 2, 5):
        assert metrics.top_k_accuracy(scores, y, k) == pytest.approx(skm.top_k_accuracy_score(y, scores, k=k))
    with pytest.raises(ValueError, match=r"k must be in \[1, 6\]"):
        metrics.top_k_accuracy(scores, y, 7)


def test_regression_metrics():
    t = rng.normal(size=(30, 1))
    o = t + rng.normal(scale=0.3, size=(30, 1))
    assert metrics.mean_absolute_error(o, t) == pytest.approx(skm.mean_absolute_error(t, o))
    assert metrics.mean_squared_error(o, t[:, 0]) == pytest.approx(skm.mean_squared_error(t, o))
    assert metrics.r2_score(Tensor(o), t) == pytest.approx(skm.r2_score(t, o))
    with pytest.raises(ValueError, match="differ in size"):
        metrics.mean_squared_error(o, t[:5])


def test_confusion_matrix_and_its_plot(tmp_path):
    y = rng.integers(0, 3, 80)
    scores = rng.normal(size=(80, 3))
    cm = metrics.confusion_matrix(scores, y)
    np.testing.assert_array_equal(cm, skm.confusion_matrix(y, scores.argmax(1), labels=[0, 1, 2]))
    fig = metrics.plot_confusion_matrix(cm, ["a", "b", "c"], path=tmp_path / "cm.png")
    assert (tmp_path / "cm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.axes


@pytest.mark.parametrize("name", sorted(metrics.METRICS))
def test_every_named_metric_resolves(name):
    key, fn = metrics.get_metric(name)
    assert callable(fn) and key


def test_unknown_metric_names_the_choices():
    with pytest.raises(ValueError, match="unknown metric 'acuracy'.*accuracy"):
        metrics.get_metric("acuracy")

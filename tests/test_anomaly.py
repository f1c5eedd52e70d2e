"""Anomaly mode: nan and inf found where they first appear, forward or backward, with the op and the
user's line that created it."""
import threading

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def test_off_by_default_and_nan_passes_silently():
    assert not ag.is_anomaly_enabled()
    with np.errstate(all="ignore"):
        y = Tensor([-1.0], requires_grad=True).log()
    assert np.isnan(y.data).all()


def test_forward_nan_names_the_op_shapes_and_line():
    x = Tensor([1.0, -1.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        with pytest.raises(FloatingPointError) as info:
            x.log()  # the line the message points at
    msg = str(info.value)
    assert "log produced 1 nan and 0 inf values (of 2) from finite inputs" in msg
    assert "input shapes [(2,)]" in msg and "test_anomaly.py" in msg and "x.log()" in msg


def test_backward_nan_names_the_op_whose_gradient_broke():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        y = x.sqrt()  # finite forward; its gradient at 0 is inf, times 0 gives nan
        loss = (y * Tensor([0.0, 1.0])).sum()
        with pytest.raises(FloatingPointError, match=r"the backward of sqrt gave .*in the gradient of its input 0") as info:
            loss.backward()
    assert "y = x.sqrt()" in str(info.value)


def test_set_detect_anomaly_and_thread_locality():
    seen = []
    ag.set_detect_anomaly(True)
    try:
        t = threading.Thread(target=lambda: seen.append(ag.is_anomaly_enabled()))
        t.start()
        t.join()
        assert ag.is_anomaly_enabled() and seen == [False]
    finally:
        ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()


def test_finite_graphs_are_unchanged_by_anomaly_mode():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(4, 3))
    grads = []
    for on in (False, True):
        x = Tensor(data, requires_grad=True)
        with ag.detect_anomaly(on):
            (x.tanh() @ Tensor(np.ones((3, 2)))).log_softmax(1).sum().backward()
        grads.append(x.grad.data)
    np.testing.assert_array_equal(*grads)

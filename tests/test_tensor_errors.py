"""Bad input raises an error naming the op, the shapes or values, and what was expected."""
import numpy as np
import pytest

import autograd
from autograd import Tensor


def _t(*shape):
    return Tensor(np.ones(shape), requires_grad=True)


@pytest.mark.parametrize("fn, error, pattern", [
    (lambda: _t(2, 3) @ _t(2, 3), ValueError, r"matmul: shapes \(2, 3\) and \(2, 3\) are not aligned: 3 != 2"),
    (lambda: _t(3) @ _t(4), ValueError, r"matmul: shapes \(3,\) and \(4,\) are not aligned"),
    (lambda: _t(2, 2, 3) @ _t(3, 3, 2), ValueError, r"matmul: batch dims of shapes \(2, 2, 3\) and \(3, 3, 2\)"),
    (lambda: _t() @ _t(3), ValueError, r"matmul: operands must be at least 1-d"),
    (lambda: _t(3) + _t(4), ValueError, r"add: shapes \(3,\) and \(4,\) cannot be broadcast together"),
    (lambda: _t(3) * np.ones(4), ValueError, r"mul: shapes \(3,\) and \(4,\) cannot be broadcast"),
    (lambda: autograd.maximum(_t(2, 3), _t(3, 2)), ValueError, r"maximum: shapes \(2, 3\) and \(3, 2\)"),
    (lambda: _t(3).sum(axis=1), IndexError, r"sum: axis 1 is out of range for a tensor with 1 dims"),
    (lambda: _t(2, 3).mean(dim=-3), IndexError, r"mean: axis -3 is out of range for a tensor with 2 dims"),
    (lambda: _t(2, 3).softmax(axis=2), IndexError, r"softmax: axis 2 is out of range"),
    (lambda: _t(2, 3).max(axis=(0, 0)), ValueError, r"max: repeated axis"),
    (lambda: _t(2, 3).reshape(4, 2), ValueError, r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into \(4, 2\)"),
    (lambda: _t(2, 3).permute(0, 0), ValueError, r"permute: \(0, 0\) is not a permutation"),
    (lambda: _t(2, 3).expand(3, 3), ValueError, r"broadcast_to: cannot broadcast shape \(2, 3\) to \(3, 3\)"),
    (lambda: autograd.concatenate([_t(2, 3), _t(2, 2)]), ValueError, r"concatenate: shapes \(2, 3\), \(2, 2\) differ"),
    (lambda: autograd.stack([_t(2), _t(3)]), ValueError, r"stack: all tensors need the same shape"),
    (lambda: autograd.split(_t(5), [2, 2]), ValueError, r"split: sizes \[2, 2\] add up to 4, not to the 5"),
    (lambda: _t(2, 3)[5], IndexError, r"getitem: .*tensor shape \(2, 3\)"),
    (lambda: Tensor(np.arange(3)).requires_grad_(), TypeError, r"requires_grad_: .*int64"),
    (lambda: _t(3).var(axis=0, correction=3), ValueError, r"var: 3 elements are too few for correction=3"),
    (lambda: autograd.gelu(_t(2), approximate="fast"), ValueError, r"gelu: approximate must be"),
    (lambda: autograd.clip(_t(2)), ValueError, r"clip: give at least one of min and max"),
    (lambda: _t(2) + "a", TypeError, r"add: expected a Tensor, array or number, got str"),
    (lambda: _t(2) + 1j, TypeError, r"add: complex numbers are not supported"),
])
def test_error_names_op_and_shapes(fn, error, pattern):
    with pytest.raises(error, match=pattern):
        fn()


def test_domain_checks_refuse_values_outside_the_domain():
    x = Tensor(np.array([1.0, -2.0, 0.0]))
    with autograd.domain_checks():
        with pytest.raises(ValueError, match=r"log: input must be > 0; got \[-2.  0.\] \(at 2 of 3 elements\)"):
            x.log()
        with pytest.raises(ValueError, match=r"sqrt: input must be >= 0; got \[-2.\]"):
            x.sqrt()
        with pytest.raises(ValueError, match=r"div: the divisor must be non-zero"):
            Tensor([1.0]) / Tensor([0.0])
        with pytest.raises(ValueError, match=r"log1p: input must be > -1"):
            (x - 1).log1p()
        with pytest.raises(ValueError, match=r"pow: a negative base needs an integer exponent"):
            x ** 0.5
        assert (x * x + 1).log().shape == (3,)  # valid input passes
    assert not autograd.domain_checks.enabled
    with np.errstate(all="ignore"):
        assert np.isnan(x.log().data[1])  # without the flag: numpy's nan, no error


def test_backward_twice_without_retain_graph():
    x = _t(3)
    loss = (x.tanh() * 2).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through a graph a second time.*retain_graph=True"):
        loss.backward()


def test_backward_on_a_tensor_without_graph():
    with pytest.raises(RuntimeError, match="backward: this tensor does not require grad"):
        Tensor([1.0]).sum().backward()


def test_in_place_assignment_on_a_tensor_requiring_grad_is_refused():
    x = _t(3)
    with pytest.raises(RuntimeError, match="setitem: a leaf tensor that requires grad cannot be changed in place"):
        x[0] = 5.0
    with autograd.no_grad():
        x[0] = 5.0
    assert x.data[0] == 5.0

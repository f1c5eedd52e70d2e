"""`gradcheck` / `gradgradcheck` themselves: they pass correct gradients and catch wrong ones."""
import math

import numpy as np
import pytest

from autograd import GradcheckError, Tensor, Value, gradcheck, gradgradcheck
from autograd.tensor import make


def _x(shape=(2, 3), seed=0):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def wrong_sin(x):
    """sin with a derivative that is 10% off at every element."""
    return make(np.sin(x.data), (x,), lambda g, out, x: (g * np.cos(x) * 1.1,), "wrong_sin")


def test_passes_correct_tensor_function_with_several_inputs_and_outputs():
    a, b = _x(), _x((3,), seed=1)
    assert gradcheck(lambda a, b: ((a * b).tanh(), (a - b).sum(axis=0)), (a, b))


def test_reports_input_element_and_both_values():
    x = _x()
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_sin, (x,))
    msg = str(info.value)
    analytical, numerical = 1.1 * math.cos(x.data[0, 0]), math.cos(x.data[0, 0])
    assert "input 0 element (0, 0)" in msg and "(input shape (2, 3))" in msg
    assert f"analytical {analytical:.6f}"[:-1] in msg and f"numerical {numerical:.6f}"[:-2] in msg
    assert "6 of 36 entries differ" in msg


def test_names_the_second_input_when_only_it_is_wrong():
    a, b = _x(), _x(seed=1)
    with pytest.raises(GradcheckError, match="input 1 element"):
        gradcheck(lambda a, b: a * 2 + wrong_sin(b), (a, b))


def test_raise_exception_false_returns_false():
    assert gradcheck(wrong_sin, (_x(),), raise_exception=False) is False
    assert gradcheck(lambda x: x.sin(), (_x(),), raise_exception=False) is True


def test_value_functions():
    a, b = Value(0.7), Value(-1.3)
    assert gradcheck(lambda a, b: (a * b + a.exp() / (b * b + 1)).tanh(), (a, b))
    assert a.grad == 0.0 and b.grad == 0.0  # checking does not touch .grad

    def wrong(v):
        out = v * v
        out._backward = lambda g, out, a, b: (g * b, g * a * 1.5)
        return out

    with pytest.raises(GradcheckError, match="input 0 element ()"):
        gradcheck(wrong, (Value(0.5),))


def test_inputs_are_restored_after_checking():
    x = _x()
    before = x.data.copy()
    gradcheck(lambda x: x.exp(), (x,))
    assert np.array_equal(x.data, before)


def test_refuses_float32_and_no_differentiable_input():
    with pytest.raises(TypeError, match="input 0 has dtype float32.*float64"):
        gradcheck(lambda x: x * 2, (Tensor([1.0, 2.0], requires_grad=True),))
    with pytest.raises(ValueError, match="no input"):
        gradcheck(lambda x: x * 2, (Tensor(np.ones(2)),))


def test_non_differentiable_inputs_are_skipped():
    x, mask = _x(), Tensor(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    assert gradcheck(lambda x, m: x * m, (x, mask))


def test_catches_a_gradient_of_the_wrong_shape():
    def summed_grad(x):  # backward returns a gradient the walker cannot fit to x's shape
        return make(x.data * 2, (x,), lambda g, out, x: (g.sum(keepdims=True) * np.ones((5,)),), "bad")

    with pytest.raises((GradcheckError, ValueError)):
        gradcheck(summed_grad, (_x((3,)),))


def test_catches_a_nondeterministic_backward():
    calls = []

    def flaky(x):
        def backward(g, out, x):
            calls.append(1)
            return (g * (2 + 1e-6 * len(calls)),)  # drifts a little on every call
        return make(x.data * 2, (x,), backward, "flaky")

    with pytest.raises(GradcheckError, match="backward twice"):
        gradcheck(flaky, (_x((2,)),))


def test_catches_nonzero_gradient_from_zero_upstream():
    def leaky(x):
        return make(x.data * 2, (x,), lambda g, out, x: (g * 2 + 1e-12,), "leaky")

    with pytest.raises(GradcheckError, match="zero upstream gradient"):
        gradcheck(leaky, (_x((2,)),))


def test_gradgradcheck_passes_and_catches_a_backward_that_is_not_differentiable():
    x = _x()
    assert gradgradcheck(lambda x: (x * x * x).sin(), (x,))

    def detached_sin(x):
        # The derivative is right but built from raw arrays, so its own derivative is lost.
        return make(np.sin(x.data), (x,), lambda g, out, x: (g * np.cos(getattr(x, "data", x)),), "detached_sin")

    assert gradcheck(detached_sin, (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(detached_sin, (x,))
    assert gradgradcheck(detached_sin, (x,), raise_exception=False) is False


def test_gradgradcheck_with_explicit_grad_outputs_and_two_inputs():
    a, b = _x(), _x((3,), seed=1)
    go = Tensor(np.random.default_rng(5).standard_normal((2, 3)), requires_grad=True)
    assert gradgradcheck(lambda a, b: (a * b).exp() / (1 + b * b), (a, b), grad_outputs=go)


def test_gradgradcheck_refuses_values():
    with pytest.raises(TypeError, match="Value"):
        gradgradcheck(lambda v: v * v, (Value(1.0),))


def test_gradcheck_command_passes_the_table_and_reports_a_wrong_op(capsys):
    from autograd.optable import REAL, UNARY, OpSpec
    from chainrule.cli import main
    from chainrule.gradcheck_cmd import check_all

    assert main(["gradcheck", "--op", "tanh", "--op", "matmul", "--second-order"]) == 0
    report = capsys.readouterr().out
    assert "tanh" in report and "matmul" in report and "2 of 2 ops passed" in report
    lines = []
    failures = check_all([OpSpec("wrong_sin", wrong_sin, (REAL,), UNARY)], out=lines.append)
    assert len(failures) == 3 and "FAIL" in lines[0] and "Jacobian mismatch" in lines[1]

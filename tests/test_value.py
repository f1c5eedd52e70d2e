"""The scalar `Value`: every op against central differences, kinks, stability, errors, lessons."""
import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value

EPS = 1e-6


def numeric_grad(f, xs, i):
    """Central difference of the float function f along argument i."""
    up, down = list(xs), list(xs)
    up[i] += EPS
    down[i] -= EPS
    return (f(*up) - f(*down)) / (2 * EPS)


def check(op, *xs, tol=1e-6):
    """op's value at plain floats equals its Value forward; its gradients match central differences."""
    vs = [Value(x) for x in xs]
    out = op(*vs)
    out.backward()
    for i, v in enumerate(vs):
        want = numeric_grad(lambda *a: op(*map(Value, a)).data, xs, i)
        assert math.isclose(v.grad, want, rel_tol=tol, abs_tol=tol), (i, xs, v.grad, want)
    return out


def away_from(*kinks, lo=-5.0, hi=5.0, gap=1e-3):
    """Floats in [lo, hi] at least `gap` from each kink: finite differences must not straddle one."""
    return st.floats(lo, hi).filter(lambda x: all(abs(x - k) > gap for k in kinks))


# One row per op: (name, function of Values, strategy for each argument).
ANY, POS, NONZERO = away_from(), st.floats(0.05, 5.0), away_from(0.0, gap=0.1)
UNARY = [
    ("neg", lambda a: -a, ANY),
    ("exp", lambda a: a.exp(), ANY),
    ("log", lambda a: a.log(), POS),
    ("sqrt", lambda a: a.sqrt(), POS),
    ("tanh", lambda a: a.tanh(), ANY),
    ("sigmoid", lambda a: a.sigmoid(), ANY),
    ("relu", lambda a: a.relu(), away_from(0.0)),
    ("leaky_relu", lambda a: a.leaky_relu(), away_from(0.0)),
    ("leaky_relu(0.2)", lambda a: a.leaky_relu(0.2), away_from(0.0)),
    ("abs", lambda a: a.abs(), away_from(0.0)),
    ("builtin abs", lambda a: abs(a), away_from(0.0)),
    ("softplus", lambda a: a.softplus(), ANY),
    ("pow 3", lambda a: a**3, ANY),
    ("pow 0.5", lambda a: a**0.5, POS),
    ("pow -2", lambda a: a**-2, NONZERO),
    ("pow 0", lambda a: a**0, ANY),
    ("2 ** v", lambda a: 2**a, ANY),
    ("0.5 ** v", lambda a: 0.5**a, ANY),
    ("number + v", lambda a: 3.0 + a, ANY),
    ("number - v", lambda a: 3.0 - a, ANY),
    ("number * v", lambda a: 3.0 * a, ANY),
    ("number / v", lambda a: 3.0 / a, NONZERO),
    ("v - number", lambda a: a - 3, ANY),
    ("v / number", lambda a: a / 4, ANY),
]
BINARY = [
    ("add", lambda a, b: a + b, ANY, ANY),
    ("sub", lambda a, b: a - b, ANY, ANY),
    ("mul", lambda a, b: a * b, ANY, ANY),
    ("div", lambda a, b: a / b, ANY, NONZERO),
    ("v ** w", lambda a, b: a**b, POS, ANY),
    ("same input twice", lambda a, b: a * a + b * a, ANY, ANY),
    ("composite", lambda a, b: ((a * b).tanh() + (a - b).sigmoid() * b.softplus()) / (1 + b * b), ANY, ANY),
]


@pytest.mark.parametrize("name, op, dom", UNARY, ids=[r[0] for r in UNARY])
@settings(deadline=None, max_examples=30)
@given(data=st.data())
def test_unary_ops_match_central_differences(name, op, dom, data):
    check(op, data.draw(dom))


@pytest.mark.parametrize("name, op, dom_a, dom_b", BINARY, ids=[r[0] for r in BINARY])
@settings(deadline=None, max_examples=30)
@given(data=st.data())
def test_binary_ops_match_central_differences(name, op, dom_a, dom_b, data):
    check(op, data.draw(dom_a), data.draw(dom_b))


@pytest.mark.parametrize("x", [-1e-3, 1e-3, -2.0, 2.0])
@pytest.mark.parametrize("op", [lambda a: a.relu(), lambda a: a.abs(), lambda a: a.leaky_relu(0.3)])
def test_both_sides_of_kinks(op, x):
    check(op, x)


def test_forward_values_are_the_textbook_functions():
    x = 0.7
    assert Value(x).exp().data == math.exp(x) and Value(x).log().data == math.log(x)
    assert Value(x).sqrt().data == math.sqrt(x) and Value(x).tanh().data == math.tanh(x)
    assert math.isclose(Value(x).sigmoid().data, 1 / (1 + math.exp(-x)), rel_tol=1e-15)
    assert math.isclose(Value(x).softplus().data, math.log(1 + math.exp(x)), rel_tol=1e-15)
    assert Value(-x).relu().data == 0.0 and Value(-x).leaky_relu(0.1).data == -0.1 * x
    assert (Value(-2.0) ** 3).data == -8.0 and (2 ** Value(3.0)).data == 8.0


def test_kink_conventions():
    for op, want in [(Value.relu, 0.0), (Value.abs, 0.0), (lambda v: v.leaky_relu(0.2), 0.2)]:
        x = Value(0.0)
        op(x).backward()
        assert x.grad == want


@pytest.mark.parametrize("x", [1e4, -1e4])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_saturating_ops_stay_finite_at_large_inputs(name, x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = Value(x)
        out = getattr(v, name)()
        out.backward()
    assert math.isfinite(out.data) and math.isfinite(v.grad)
    big = x > 0
    want = {"sigmoid": (1.0 if big else 0.0, 0.0), "tanh": (1.0 if big else -1.0, 0.0),
            "softplus": (x if big else 0.0, 1.0 if big else 0.0)}[name]
    assert (out.data, v.grad) == pytest.approx(want, abs=1e-300)


def test_plus_equals_builds_a_new_node():
    a = Value(1.0)
    b = a
    b += 2
    b *= Value(3.0)
    assert b is not a and a.data == 1.0 and b.data == 9.0
    b.backward()
    assert a.grad == 3.0


def test_plain_numbers_on_either_side_are_constants():
    a = Value(2.0)
    out = 1 + a * 3 - 4 / a + 2**a
    out.backward()
    assert out.data == 1 + 6 - 2 + 4
    assert math.isclose(a.grad, 3 + 4 / 4 + 4 * math.log(2), rel_tol=1e-15)
    const = (a * 3)._parents[1]
    assert const.data == 3.0 and not const.requires_grad


@pytest.mark.parametrize("make, exc, words", [
    (lambda: Value(0.0).log(), ValueError, ["log", "0.0"]),
    (lambda: Value(-2.5).log(), ValueError, ["log", "-2.5"]),
    (lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
    (lambda: Value(0.0) ** -1, ValueError, ["pow", "0 **", "-1"]),
    (lambda: Value(0.0) ** Value(-0.5), ValueError, ["pow", "0 **", "-0.5"]),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, ["pow", "-8.0"]),
    (lambda: Value(-2.0) ** Value(2.0), ValueError, ["pow", "-2.0"]),
    (lambda: Value(1.0) / 0, ZeroDivisionError, ["div", "1.0"]),
    (lambda: Value(1.0) + "a", TypeError, ["add", "'a'", "str"]),
    (lambda: "a" * Value(1.0), TypeError, ["mul", "'a'"]),
    (lambda: Value(1.0) ** None, TypeError, ["pow", "None"]),
    (lambda: Value(1.0) - [1.0], TypeError, ["sub", "[1.0]"]),
    (lambda: Value("abc"), TypeError, ["Value", "'abc'"]),
    (lambda: Value(None), TypeError, ["Value", "None"]),
])
def test_bad_input_raises_naming_op_and_value(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for w in words:
        assert w in str(info.value)


def test_lesson_linear_model_squared_error():
    # loss = (w*x + b - y)^2 at w=3, x=2, b=1, y=4: residual 3, so dloss/dw = 2*3*2, dloss/db = 2*3.
    w, b = Value(3.0), Value(1.0)
    loss = (w * 2.0 + b - 4.0) ** 2
    loss.backward()
    assert (loss.data, w.grad, b.grad) == (9.0, 12.0, 6.0)


def test_lesson_chain_rule_graph():
    # LESSONS 1: x1 = x*w, x2 = x1 + b, loss_val = x2 - y_true with x = 2.
    x, w, b, y_true = Value(2.0), Value(0.5), Value(-1.0), Value(3.0)
    x1 = x * w
    x2 = x1 + b
    loss_val = x2 - y_true
    loss_val.backward()
    assert (w.grad, b.grad) == (2.0, 1.0)
    # grad(y, x) == grad(y, x1) * grad(x1, x)
    assert x.grad == x1.grad * w.data


def test_lesson_derivatives():
    x = Value(3.0)
    (2 * x + 1).backward()
    assert x.grad == 2.0
    x = Value(3.0)
    (x**3 - 2 * x).backward()
    assert x.grad == 3 * 3.0**2 - 2
    w = Value(2.0)
    y = w**2
    z = 2 * y + 5
    z.backward()
    assert w.grad == 8.0


def test_repr_and_conversions():
    v = Value(2, label="w")
    assert repr(v) == "Value(data=2, grad=0, label='w')"
    out = v * 1.5
    out.backward()
    assert repr(out) == "Value(data=3, grad=1)" and repr(v) == "Value(data=2, grad=1.5, label='w')"
    assert float(v) == 2.0 and v.item() == 2.0 and isinstance(v.data, float)
    assert Value(Value(4.0)).data == 4.0
    v.zero_grad()
    assert v.grad == 0.0


def test_constants_are_shared_and_keep_the_sign_of_zero():
    x = Value(3.0)
    a, b = x * 1.0001, x * 1.0001
    assert a._parents[1] is b._parents[1] and not a._parents[1].requires_grad
    neg_zero = (x * -0.0)._parents[1].data
    assert math.copysign(1.0, neg_zero) == -1.0
    (a + b).backward()
    assert x.grad == pytest.approx(2 * 1.0001) and a._parents[1].grad == 0.0

"""Gradients of gradients (`create_graph=True`): closed forms to third order, and a Hessian-vector
product of a small MLP loss against finite differences of its gradient."""
import numpy as np
import pytest

from autograd import Tensor, grad


def _derivatives(fn, x, order):
    """[f'(x), f''(x), ...] up to `order`, each summed-out elementwise derivative taken by `grad`."""
    out, found = fn(x), []
    for k in range(order):
        (out,) = grad(out.sum(), [x], create_graph=k < order - 1)
        found.append(out.data.copy())
    return found


X = np.array([-1.5, -0.3, 0.4, 2.0])

CLOSED_FORMS = {
    "cube": (lambda x: x ** 3, [lambda x: 3 * x ** 2, lambda x: 6 * x, lambda x: 6 + 0 * x]),
    "sin": (lambda x: x.sin(), [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x)]),
    "exp_2x": (lambda x: (2 * x).exp(), [lambda x: 2 * np.exp(2 * x), lambda x: 4 * np.exp(2 * x),
                                         lambda x: 8 * np.exp(2 * x)]),
    "tanh": (lambda x: x.tanh(), [lambda x: 1 - np.tanh(x) ** 2,
                                  lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
                                  lambda x: -2 * (1 - np.tanh(x) ** 2) * (1 - 3 * np.tanh(x) ** 2)]),
    "log_of_square": (lambda x: (x * x + 1).log(), [lambda x: 2 * x / (x * x + 1),
                                                    lambda x: 2 * (1 - x * x) / (x * x + 1) ** 2,
                                                    lambda x: 4 * x * (x * x - 3) / (x * x + 1) ** 3]),
    "sigmoid": (lambda x: x.sigmoid(), [lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s),
                                        lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s),
                                        lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 6 * s + 6 * s * s)]),
}


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_first_second_and_third_derivatives(name):
    fn, expected = CLOSED_FORMS[name]
    x = Tensor(X.copy(), requires_grad=True)
    for k, (got, want) in enumerate(zip(_derivatives(fn, x, 3), expected), start=1):
        np.testing.assert_allclose(got, want(X), rtol=1e-10, atol=1e-12, err_msg=f"{name}: order {k}")


def test_x_cubed_second_derivative_is_6x_via_backward_create_graph():
    x = Tensor(np.array(1.7), requires_grad=True)
    (x ** 3).backward(create_graph=True)
    first = x.grad
    assert first.requires_grad and first.item() == pytest.approx(3 * 1.7 ** 2)
    x.zero_grad()
    first.backward()
    assert x.grad.item() == pytest.approx(6 * 1.7)


def test_mixed_partials():
    a, b = Tensor(np.array(0.8), requires_grad=True), Tensor(np.array(-1.2), requires_grad=True)
    f = a * a * b + (a * b).sin()
    ga, gb = grad(f, [a, b], create_graph=True)
    (gab,) = grad(ga, [b], retain_graph=True)  # gb shares this graph
    (gba,) = grad(gb, [a])
    ab = 0.8 * -1.2
    expected = 2 * 0.8 + np.cos(ab) - ab * np.sin(ab)
    assert gab.item() == pytest.approx(expected) and gba.item() == pytest.approx(expected)


def _mlp_loss(params, x, y):
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).tanh()
    return ((h @ w2 + b2 - y) ** 2).mean()


def test_hessian_vector_product_of_mlp_loss_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, y = Tensor(rng.standard_normal((8, 3))), Tensor(rng.standard_normal((8, 1)))
    shapes = [(3, 5), (5,), (5, 1), (1,)]
    values = [rng.standard_normal(s) * 0.7 for s in shapes]
    v = [rng.standard_normal(s) for s in shapes]

    params = [Tensor(p, requires_grad=True) for p in values]
    grads = grad(_mlp_loss(params, x, y), params, create_graph=True)
    gv = sum((g * Tensor(d)).sum() for g, d in zip(grads, v))
    hvp = grad(gv, params)

    def gradient_at(step):
        ps = [Tensor(p + step * d, requires_grad=True) for p, d in zip(values, v)]
        return [g.data for g in grad(_mlp_loss(ps, x, y), ps)]

    eps = 1e-5
    plus, minus = gradient_at(eps), gradient_at(-eps)
    for h, gp, gm in zip(hvp, plus, minus):
        assert h.shape == gp.shape
        np.testing.assert_allclose(h.data, (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_second_order_through_broadcasting_reductions_and_matmul():
    rng = np.random.default_rng(1)
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(2), requires_grad=True)
    x = Tensor(rng.standard_normal((4, 3)))
    loss = (x @ w + b).log_softmax(axis=1).max(axis=1).sum()
    gw, gb = grad(loss, [w, b], create_graph=True)
    (hb,) = grad((gb * gb).sum(), [b])
    eps = 1e-6

    def gb_at(shift):
        bb = Tensor(b.data + shift, requires_grad=True)
        return grad((x @ w + bb).log_softmax(axis=1).max(axis=1).sum(), [bb])[0].data

    # d/db of |gb|^2 = 2 H gb, by central differences along each coordinate.
    numeric = np.array([(np.sum(gb_at(e * eps) ** 2) - np.sum(gb_at(-e * eps) ** 2)) / (2 * eps)
                        for e in np.eye(2)])
    np.testing.assert_allclose(hb.data, numeric, rtol=1e-5, atol=1e-8)

"""PyTorch habits that work in nn: dim=/axis=, numpy and list inputs, MLP(nin, nouts), dtype rules,
and optimizers given the model instead of its parameters."""
import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed
from nn import functional as F
from nn import optim

rng = np.random.default_rng(0)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_takes_dim_or_axis(fn):
    x = rng.normal(size=(3, 4, 5))
    expected = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    if fn is F.log_softmax:
        expected = np.log(expected)
    for kwargs in ({"dim": 1}, {"axis": 1}, {"dim": -2}):
        np.testing.assert_allclose(fn(Tensor(x), **kwargs).data, expected, rtol=1e-12)
    np.testing.assert_allclose(fn(Tensor(x), 1).data, expected, rtol=1e-12)
    with pytest.raises(TypeError, match="give dim or axis, not both"):
        fn(Tensor(x), dim=1, axis=1)


@pytest.mark.parametrize("cls", [nn.Softmax, nn.LogSoftmax])
def test_softmax_modules_take_dim_or_axis(cls):
    x = Tensor(rng.normal(size=(2, 3)))
    by_dim, by_axis, default = cls(dim=0)(x), cls(axis=0)(x), cls()(x)
    np.testing.assert_array_equal(by_dim.data, by_axis.data)
    assert cls(dim=0).dim == 0 and cls().dim == -1
    np.testing.assert_array_equal(default.data, cls(dim=-1)(x).data)
    assert not np.allclose(by_dim.data, default.data)


ACTIVATION_FUNCTIONS = [F.sigmoid, F.tanh, F.relu, F.leaky_relu, F.elu, F.selu, F.silu, F.gelu, F.softplus,
                        F.softmax, F.log_softmax, F.step]


@pytest.mark.parametrize("fn", ACTIVATION_FUNCTIONS, ids=lambda f: f.__name__)
def test_functions_accept_numpy_arrays_and_lists(fn):
    x = rng.normal(size=(2, 3))
    expected = fn(Tensor(x)).data
    np.testing.assert_array_equal(fn(x).data, expected)  # a float64 array stays float64
    np.testing.assert_allclose(fn(x.tolist()).data, expected.astype(np.float32), rtol=1e-6)  # lists: float32


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits])
def test_losses_accept_numpy_arrays_and_lists(loss):
    x, y = rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0.1, 0.9, (3, 2))
    assert loss(x, y).item() == loss(Tensor(x), Tensor(y)).item()
    assert loss(x.tolist(), y.tolist()).item() == pytest.approx(loss(Tensor(x), y).item(), rel=1e-6)


def test_layers_accept_data_in_their_dtype():
    manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.LayerNorm(4), nn.Linear(4, 2))
    x = rng.normal(size=(5, 3))  # float64 data into a float32 model
    expected = model(Tensor(x.astype(np.float32)))
    for data in (x, x.tolist(), Tensor(x)):
        out = model(data)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.data, expected.data)
    assert nn.BatchNorm1d(3)(x).dtype == np.float32
    assert nn.PReLU()(x).dtype == np.float32


def test_a_float64_tensor_that_requires_grad_is_not_cast_silently():
    layer = nn.Linear(3, 2)
    x = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    with pytest.raises(TypeError, match=r"dtype float64 and requires grad.*parameters have dtype float32"):
        layer(x)
    layer.to(np.float64)  # the fix the message suggests
    layer(x).sum().backward()
    assert x.grad.dtype == np.float64


def test_layer_input_that_is_not_numbers_is_a_type_error():
    with pytest.raises(TypeError, match=r"Linear\(3→2\): expected a Tensor, a numpy array or a list of numbers, got str"):
        nn.Linear(3, 2)("abc")


def test_mlp_takes_the_scalar_mlp_signature():
    manual_seed(1)
    a = nn.MLP(2, [3, 1])
    manual_seed(1)
    b = nn.MLP([2, 3, 1])
    assert repr(a) == repr(b)
    x = rng.normal(size=(4, 2))
    np.testing.assert_array_equal(a(x).data, b(x).data)
    with pytest.raises(TypeError, match=r"MLP\(\[n_in, hidden..., n_out\]\) or MLP\(n_in, \[hidden..., n_out\]\)"):
        nn.MLP(2)


def test_mlp_with_the_scalar_signature_saves_and_loads(tmp_path):
    model = nn.MLP(2, [3, 1])
    nn.save(model, tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded(np.ones((1, 2))).data, model(np.ones((1, 2))).data)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad])
def test_optimizers_given_the_model_say_pass_parameters(cls):
    model = nn.MLP([2, 3, 1])
    with pytest.raises(TypeError, match=rf"{cls.__name__}: got the model \(MLP\) itself; pass model.parameters\(\)"):
        cls(model, lr=0.1)
    with pytest.raises(TypeError, match=r"pass model.parameters\(\), not model.named_parameters\(\)"):
        cls(model.named_parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"got one dict .*pass model.parameters\(\)"):
        cls(model.state_dict(), lr=0.1)
    cls(model.parameters(), lr=0.1)


def test_optimizer_hyper_parameters_accept_numpy_numbers_and_refuse_nan():
    w = Tensor(np.ones(2), requires_grad=True)
    assert optim.SGD([w], lr=np.float32(0.1)).param_groups[0]["lr"] == np.float32(0.1)
    optim.Adam([w], betas=(np.float32(0.9), 0.99))
    with pytest.raises(ValueError, match="invalid lr=nan"):
        optim.SGD([w], lr=float("nan"))
    with pytest.raises(ValueError, match="invalid lr=None"):
        optim.Adam([w], lr=None)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam(iter([]))

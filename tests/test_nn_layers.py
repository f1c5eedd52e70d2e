"""Layers against torch with copied weights, batch norm modes, embedding, initialisers and the generator."""
import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from autograd.gradcheck import gradcheck

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch not installed")

rng = np.random.default_rng(0)


def _copy_to_torch(model, tmodel):
    tmodel.double().load_state_dict(nn.export_torch_state_dict(model))
    return tmodel


@needs_torch
def test_mlp_matches_torch_with_copied_weights_outputs_and_gradients():
    autograd.manual_seed(0)
    model = nn.MLP([6, 8, 5, 3], activation="tanh").double()
    tmodel = _copy_to_torch(model, torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)))
    x, y = rng.normal(size=(10, 6)), rng.integers(0, 3, 10)
    xt = Tensor(x, requires_grad=True)
    xtt = torch.tensor(x, requires_grad=True)
    loss = nn.functional.cross_entropy(model(xt), y)
    tloss = torch.nn.functional.cross_entropy(tmodel(xtt), torch.tensor(y))
    loss.backward()
    tloss.backward()
    assert abs(loss.item() - tloss.item()) < 1e-12
    np.testing.assert_allclose(xt.grad.data, xtt.grad.numpy(), rtol=1e-9, atol=1e-12)
    tparams = dict(tmodel.named_parameters())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.data, tparams[name].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    autograd.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    assert lin.weight.shape == (300, 400) and lin.weight.dtype == np.float32
    assert np.abs(lin.weight.data).max() <= bound and np.abs(lin.weight.data).max() > 0.99 * bound
    assert abs(lin.weight.data.std() - bound / math.sqrt(3)) < 1e-3  # the std of U(-b, b)
    assert nn.Linear(3, 2, bias=False).bias is None
    with pytest.raises(ValueError, match=r"Linear\(400→300\): expected input of shape \(..., 400\), got \(2, 3\)"):
        lin(autograd.zeros(2, 3))
    with pytest.raises(ValueError, match="Linear: in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)


def test_linear_gradcheck_on_batched_inputs():
    lin = nn.Linear(3, 2).double()
    x = Tensor(rng.normal(size=(2, 4, 3)), requires_grad=True)
    assert gradcheck(lambda x, w, b: lin(x), (x, lin.weight, lin.bias))


@needs_torch
@pytest.mark.parametrize("shape", [(16, 4), (8, 4, 5)])
def test_batchnorm_train_and_eval_match_torch(shape):
    autograd.manual_seed(0)
    bn = nn.BatchNorm1d(4, momentum=0.3).double()
    tbn = torch.nn.BatchNorm1d(4, momentum=0.3).double()
    with torch.no_grad():
        tbn.weight.copy_(torch.tensor(rng.uniform(0.5, 2, 4)))
        tbn.bias.copy_(torch.tensor(rng.normal(size=4)))
    bn.load_state_dict({k: v.numpy() for k, v in tbn.state_dict().items()})
    for _ in range(3):  # training: batch statistics, running statistics updated each step
        x = rng.normal(2.0, 3.0, size=shape)
        xt, xtt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ty = bn(xt), tbn(xtt)
        g = rng.normal(size=shape)
        y.backward(g)
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(xt.grad.data, xtt.grad.numpy(), rtol=1e-7, atol=1e-9)
    for k, v in tbn.state_dict().items():
        np.testing.assert_allclose(bn.state_dict()[k], v.numpy(), rtol=1e-12, err_msg=k)
    np.testing.assert_allclose(bn.weight.grad.data, tbn.weight.grad.numpy(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(bn.bias.grad.data, tbn.bias.grad.numpy(), rtol=1e-7, atol=1e-9)
    bn.eval()
    tbn.eval()
    x = rng.normal(size=shape)
    y_eval = bn(Tensor(x))
    np.testing.assert_allclose(y_eval.data, tbn(torch.tensor(x)).detach().numpy(), rtol=1e-9, atol=1e-9)
    assert not np.allclose(y_eval.data, bn.train()(Tensor(x)).data)  # eval really uses the running stats


def test_batchnorm_statistics_and_errors():
    bn = nn.BatchNorm1d(3, momentum=None)  # cumulative average of the batch statistics
    batches = [rng.normal(i, 1 + i, size=(10, 3)).astype(np.float32) for i in range(3)]
    for b in batches:
        out = bn(Tensor(b))
        np.testing.assert_allclose(out.data.mean(0), 0, atol=1e-5)
        np.testing.assert_allclose(out.data.var(0), 1, rtol=1e-3)
    np.testing.assert_allclose(bn.running_mean.data, np.mean([b.mean(0) for b in batches], 0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data, np.mean([b.var(0, ddof=1) for b in batches], 0), rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input of shape \(N, 3\) or \(N, 3, L\), got \(4, 2\)"):
        bn(autograd.zeros(4, 2))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(autograd.zeros(1, 3))


@needs_torch
def test_layernorm_matches_torch():
    ln = nn.LayerNorm((3, 4)).double()
    ln.weight.data[...] = rng.uniform(0.5, 2, (3, 4))
    ln.bias.data[...] = rng.normal(size=(3, 4))
    tln = _copy_to_torch(ln, torch.nn.LayerNorm((3, 4)))
    x = rng.normal(size=(2, 3, 4))
    xt, xtt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    g = rng.normal(size=x.shape)
    ln(xt).backward(g)
    y = tln(xtt)
    y.backward(torch.tensor(g))
    np.testing.assert_allclose(ln(Tensor(x)).data, y.detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(xt.grad.data, xtt.grad.numpy(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ln.weight.grad.data, tln.weight.grad.numpy(), rtol=1e-7, atol=1e-9)
    with pytest.raises(ValueError, match=r"LayerNorm: expected input of shape \(..., 3, 4\), got \(2, 4, 3\)"):
        ln(Tensor(np.zeros((2, 4, 3))))


@needs_torch
def test_embedding_gathers_rows_and_scatters_gradients_like_torch():
    emb = nn.Embedding(5, 3).double()
    temb = _copy_to_torch(emb, torch.nn.Embedding(5, 3))
    idx = np.array([[0, 2, 2], [4, 0, 2]])  # repeated indices: their gradients add up
    g = rng.normal(size=(2, 3, 3))
    out = emb(idx)
    out.backward(g)
    tout = temb(torch.tensor(idx))
    tout.backward(torch.tensor(g))
    np.testing.assert_array_equal(out.data, tout.detach().numpy())
    np.testing.assert_allclose(emb.weight.grad.data, temb.weight.grad.numpy(), rtol=1e-12)
    assert np.all(emb.weight.grad.data[[1, 3]] == 0)
    with pytest.raises(IndexError, match=r"Embedding\(5, 3\): indices must be in \[0, 5\), got min 0 and max 5"):
        emb(np.array([0, 5]))
    with pytest.raises(TypeError, match="Embedding: indices must be integers"):
        emb(np.array([0.0]))


def test_prelu_module_learns_its_slope():
    act = nn.PReLU(init=0.25).double()
    x = Tensor(np.array([-2.0, -1.0, 3.0]), requires_grad=True)
    act(x).sum().backward()
    np.testing.assert_allclose(act.weight.grad.data, [-3.0])  # d/da of a*x summed over negative x
    np.testing.assert_allclose(x.grad.data, [0.25, 0.25, 1.0])


def test_dropout_module_is_off_in_eval_mode_and_seeded():
    drop = nn.Dropout(0.5)
    x = autograd.ones(1000)
    autograd.manual_seed(7)
    a = drop(x).data
    autograd.manual_seed(7)
    b = drop(x).data
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) == {0.0, 2.0}
    assert drop.eval()(x) is x
    with pytest.raises(ValueError, match="Dropout: p must be in \\[0, 1\\], got -0.1"):
        nn.Dropout(-0.1)


def test_mlp_options_and_errors():
    m = nn.MLP([4, 8, 2], activation=nn.GELU, output_activation="sigmoid", dropout=0.2)
    assert [type(l).__name__ for l in m] == ["Linear", "GELU", "Dropout", "Linear", "Sigmoid"]
    assert m(autograd.randn(3, 4)).shape == (3, 2)
    with pytest.raises(ValueError, match="MLP: unknown activation 'rleu'"):
        nn.MLP([2, 2], output_activation="rleu")
    with pytest.raises(ValueError, match="MLP: sizes needs at least an input and an output size"):
        nn.MLP([3])


def test_activation_modules_match_functions():
    x = Tensor(rng.normal(size=(2, 5)))
    pairs = [(nn.Sigmoid(), nn.functional.sigmoid), (nn.LeakyReLU(0.3), lambda t: nn.functional.leaky_relu(t, 0.3)),
             (nn.ELU(0.5), lambda t: nn.functional.elu(t, 0.5)), (nn.GELU("tanh"), lambda t: nn.functional.gelu(t, "tanh")),
             (nn.Softplus(2.0), lambda t: nn.functional.softplus(t, 2.0)), (nn.LogSoftmax(0), lambda t: t.log_softmax(0)),
             (nn.SELU(), nn.functional.selu), (nn.SiLU(), nn.functional.silu), (nn.Tanh(), nn.functional.tanh)]
    for module, fn in pairs:
        np.testing.assert_array_equal(module(x).data, fn(x).data)


def test_initialisers_follow_their_formulas():
    autograd.manual_seed(0)
    w = nn.Parameter(np.empty((400, 600)))  # fan_in 600, fan_out 400
    cases = [
        (lambda t: nn.init.xavier_uniform_(t, gain=2.0), 2.0 * math.sqrt(2 / 1000)),
        (nn.init.xavier_normal_, math.sqrt(2 / 1000)),
        (lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu"), math.sqrt(2 / 600)),
        (lambda t: nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"), math.sqrt(2 / 400)),
        (nn.init.lecun_normal_, math.sqrt(1 / 600)),
        (nn.init.lecun_uniform_, math.sqrt(1 / 600)),
        (lambda t: nn.init.normal_(t, 1.0, 0.5), 0.5),
    ]
    for fill, std in cases:
        assert fill(w) is w
        assert abs(w.data.std() - std) < 0.01 * std, fill
    assert abs(w.data.mean() - 1.0) < 0.01
    assert nn.init.uniform_(w, -2, -1).data.max() < -1
    np.testing.assert_array_equal(nn.init.constant_(w, 3.5).data, 3.5)
    np.testing.assert_array_equal(nn.init.zeros(w).data, 0)
    np.testing.assert_array_equal(nn.init.ones_(w).data, 1)
    assert nn.init.calculate_gain("tanh") == 5 / 3 and nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="calculate_gain: unknown nonlinearity 'relu6'"):
        nn.init.calculate_gain("relu6")
    with pytest.raises(ValueError, match=r"xavier_uniform_: .* at least 2 dims, got shape \(5,\)"):
        nn.init.xavier_uniform_(nn.Parameter(np.zeros(5)))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        nn.init.kaiming_normal_(w, mode="fan")


@needs_torch
def test_calculate_gain_matches_torch():
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", 0.3),
                        ("selu", None)]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))


def test_manual_seed_makes_models_and_samples_reproducible():
    autograd.manual_seed(42)
    a, ra = nn.MLP([3, 4, 2]), autograd.randn(2, 3)
    autograd.manual_seed(42)
    b, rb = nn.MLP([3, 4, 2]), autograd.randn(2, 3)
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(va, vb)
    np.testing.assert_array_equal(ra.data, rb.data)
    assert not np.array_equal(autograd.randn(2, 3).data, rb.data)
    with pytest.raises(ValueError, match="manual_seed: seed must be a non-negative integer, got -1"):
        autograd.manual_seed(-1)


def test_creation_helpers():
    assert autograd.zeros(2, 3).shape == (2, 3) and autograd.zeros((2, 3)).dtype == np.float32
    assert autograd.ones(2, dtype=np.float64, requires_grad=True).requires_grad
    np.testing.assert_array_equal(autograd.full((2,), 7.0).data, [7, 7])
    assert autograd.zeros_like(Tensor(np.ones((2, 2)))).dtype == np.float64
    np.testing.assert_array_equal(autograd.ones_like(np.zeros(3)).data, 1)
    assert autograd.arange(4).dtype == np.int64 and autograd.arange(0.0, 1.0, 0.5).dtype == np.float32
    u = autograd.rand(10_000)
    assert 0 <= u.data.min() and u.data.max() < 1 and abs(u.data.mean() - 0.5) < 0.02
    r = autograd.randint(0, 3, (100,))
    assert set(np.unique(r.data)) == {0, 1, 2}
    with pytest.raises(ValueError, match=r"zeros: shape must be non-negative integers, got \(2, -1\)"):
        autograd.zeros(2, -1)


LAYERS = {
    "batchnorm_train": (lambda: nn.BatchNorm1d(3), (6, 3)),
    "batchnorm_3d": (lambda: nn.BatchNorm1d(3), (4, 3, 2)),
    "batchnorm_eval": (lambda: nn.BatchNorm1d(3).eval(), (6, 3)),
    "layernorm": (lambda: nn.LayerNorm(4), (3, 4)),
    "prelu_per_channel": (lambda: nn.PReLU(3, init=0.3), (2, 3)),
    "mlp_selu": (lambda: nn.MLP([3, 4, 2], activation="selu"), (5, 3)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_gradcheck_with_respect_to_input_and_parameters(name):
    make, shape = LAYERS[name]
    autograd.manual_seed(0)
    layer = make().double()
    for p in layer.parameters():  # move off the symmetric defaults (weight 1, bias 0)
        p.data += rng.uniform(-0.5, 0.5, p.shape)
    x = Tensor(rng.normal(size=shape), requires_grad=True)
    params = layer.parameters()
    assert gradcheck(lambda x, *ps: layer(x), (x, *params))

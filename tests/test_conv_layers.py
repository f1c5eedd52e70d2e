"""Convolutional layers and AlexNetSmall: PyTorch's shapes, initialisation and state-dict keys (weights
move both ways), BatchNorm2d and Dropout2d semantics, saving, summary and the graph's module blocks."""
import io
import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn import functional as F
from nn.models import AlexNetSmall

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")

LAYERS = [  # (our layer, the torch.nn class name, constructor args, kwargs, input shape)
    (nn.Conv2d, "Conv2d", (3, 8, 3), dict(stride=2, padding=1), (2, 3, 9, 9)),
    (nn.Conv2d, "Conv2d", (4, 8, (3, 2)), dict(groups=4, dilation=(1, 2), bias=False), (2, 4, 7, 7)),
    (nn.Conv2d, "Conv2d", (3, 5, 4), dict(padding="same"), (1, 3, 6, 6)),
    (nn.Conv1d, "Conv1d", (3, 6, 5), dict(stride=2, padding=2), (2, 3, 11)),
    (nn.Conv3d, "Conv3d", (2, 3, 2), dict(padding=1), (1, 2, 3, 4, 3)),
    (nn.ConvTranspose2d, "ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2),
     (2, 4, 4, 5)),
    (nn.ConvTranspose1d, "ConvTranspose1d", (3, 2, 4), dict(stride=3), (2, 3, 5)),
    (nn.MaxPool2d, "MaxPool2d", (3,), dict(stride=2, padding=1), (2, 3, 8, 8)),
    (nn.AvgPool2d, "AvgPool2d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 8, 8)),
    (nn.AdaptiveAvgPool2d, "AdaptiveAvgPool2d", ((3, 2),), {}, (2, 3, 7, 5)),
    (nn.AdaptiveMaxPool2d, "AdaptiveMaxPool2d", (2,), {}, (2, 3, 7, 5)),
    (nn.LocalResponseNorm, "LocalResponseNorm", (3,), dict(alpha=0.1, k=2.0), (2, 5, 4, 4)),
    (nn.Upsample, "Upsample", (), dict(scale_factor=2, mode="bilinear", align_corners=False), (1, 2, 3, 3)),
]


@pytest.mark.parametrize("cls, torch_name, args, kwargs, shape", LAYERS, ids=[f"{r[1]}-{i}" for i, r in enumerate(LAYERS)])
def test_layer_matches_torch_with_the_same_weights(cls, torch_name, args, kwargs, shape):
    torch = pytest.importorskip("torch")
    ours = cls(*args, **kwargs)
    theirs = getattr(torch.nn, torch_name)(*args, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for k, v in ours.state_dict().items():
        assert v.shape == tuple(theirs.state_dict()[k].shape), k
    theirs.load_state_dict(nn.export_torch_state_dict(ours))
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xo), theirs(xt)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=name)


def test_torch_weights_load_into_ours():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Conv2d(3, 4, 3, padding=1)
    ours = nn.Conv2d(3, 4, 3, padding=1)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((1, 3, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("make, fan_in", [(lambda: nn.Conv2d(6, 10, (3, 5), groups=2), 3 * 15),
                                          (lambda: nn.ConvTranspose2d(6, 10, 3, groups=2), 5 * 9)])
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(make, fan_in):
    autograd.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    assert np.abs(layer.bias.data).max() <= bound
    w = layer.weight.data
    assert np.abs(w).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound  # the std of U(-b, b), not a constant


def test_batchnorm2d_matches_torch_in_training_and_eval():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    rng = np.random.default_rng(2)
    for _ in range(3):
        x = (rng.standard_normal((4, 3, 5, 5)) * 2 + 1).astype(np.float32)
        np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k], v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    ours.eval(), theirs.eval()
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected input of shape \(N, 3, H, W\)"):
        ours(Tensor(x[:, :2]))


def test_dropout2d_zeroes_whole_channels_and_keeps_the_mean():
    autograd.manual_seed(0)
    layer = nn.Dropout2d(0.5)
    y = layer(Tensor(np.ones((64, 16, 4, 4), dtype=np.float32))).data
    per_channel = y.reshape(64, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))  # all or nothing, scaled by 1/(1-p)
    assert abs(y.mean() - 1) < 0.1
    layer.eval()
    x = Tensor(np.ones((2, 3, 4, 4)))
    assert layer(x) is x
    with pytest.raises(ValueError, match="p must be in"):
        nn.Dropout2d(1.5)


def test_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match="groups=3 must divide"):
        nn.Conv2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="kernel_size must be"):
        nn.Conv2d(4, 6, (3, 3, 3))
    with pytest.raises(ValueError, match="padding_mode='zeros'"):
        nn.Conv2d(4, 6, 3, padding_mode="reflect")


def test_conv_stack_saves_loads_and_summarises(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(4), nn.MaxPool2d(2),
                          nn.Dropout2d(0.1), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    x = Tensor(np.random.default_rng(3).standard_normal((2, 1, 8, 8)).astype(np.float32))
    model.eval()
    nn.save(model, tmp_path / "m.npz")
    again = nn.load(tmp_path / "m.npz").eval()
    np.testing.assert_array_equal(again(x).data, model(x).data)
    out = io.StringIO()
    model.summary((1, 8, 8), file=out)
    text = out.getvalue()
    assert "(None, 4, 8, 8)" in text and "(None, 4, 4, 4)" in text and "(None, 3)" in text


def test_draw_graph_shows_each_conv_layer_as_one_block():
    conv = nn.Conv2d(1, 8, 3)
    y = conv(Tensor(np.zeros((1, 1, 5, 5), dtype=np.float32)))
    assert y._scope == "Conv2d(1→8, 3×3)"
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16, 2))
    loss = model(Tensor(np.random.default_rng(6).random((1, 1, 6, 6)).astype(np.float32))).sum()
    source = autograd.draw_graph(loss).source
    assert "Conv2d(1→4, 3×3)" in source and "MaxPool2d" in source


@pytest.mark.parametrize("image_size, kwargs", [(8, {}), (28, dict(overlap=False, lrn=False, activation="tanh")),
                                                (8, dict(pool_strides=(2, 1))),
                                                (8, dict(pool_strides=(2, 1), overlap=False))])
def test_alexnet_small_shapes_and_ablations(image_size, kwargs):
    autograd.manual_seed(0)
    model = AlexNetSmall(image_size=image_size, width=8, hidden=16, **kwargs)
    flat = Tensor(np.zeros((3, image_size * image_size), dtype=np.float32))
    assert model(flat).shape == (3, 10)
    kinds = {type(m).__name__ for m in model.modules()}
    assert ("LocalResponseNorm" in kinds) == kwargs.get("lrn", True)
    assert ("Tanh" in kinds) == (kwargs.get("activation") == "tanh")
    assert list(model.state_dict())[:2] == ["features.0.weight", "features.0.bias"]
    with pytest.raises(ValueError, match="pool_strides must be"):
        AlexNetSmall(pool_strides=(3, 1))


def _torch_alexnet(torch, model):
    """The same network written with torch.nn, its layers named as ours."""
    layers = []
    for m in list(model.features) + list(model.classifier):
        name = type(m).__name__
        if name == "Conv2d":
            layers.append(torch.nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, padding=1))
        elif name == "Linear":
            layers.append(torch.nn.Linear(m.in_features, m.out_features))
        elif name == "LocalResponseNorm":
            layers.append(torch.nn.LocalResponseNorm(m.size, m.alpha, m.beta, m.k))
        elif name == "MaxPool2d":
            layers.append(torch.nn.MaxPool2d(m.kernel_size, m.stride, m.padding))
        elif name == "Dropout":
            layers.append(torch.nn.Dropout(m.p))
        else:
            layers.append(getattr(torch.nn, name)())
    n = len(model.features)
    return torch.nn.ModuleDict({"features": torch.nn.Sequential(*layers[:n]),
                                "classifier": torch.nn.Sequential(*layers[n:])})


def test_alexnet_small_matches_the_same_network_in_torch():
    torch = pytest.importorskip("torch")
    autograd.manual_seed(2)
    model = AlexNetSmall(width=6, hidden=20, dropout=0.0)
    theirs = _torch_alexnet(torch, model)
    theirs.load_state_dict(nn.export_torch_state_dict(model))
    x = np.random.default_rng(5).standard_normal((4, 1, 8, 8)).astype(np.float32)
    y = np.array([1, 2, 3, 4])
    loss = F.cross_entropy(model(Tensor(x)), y)
    tloss = torch.nn.functional.cross_entropy(theirs["classifier"](theirs["features"](torch.tensor(x))),
                                              torch.tensor(y))
    loss.backward()
    tloss.backward()
    assert np.isclose(loss.item(), tloss.item(), rtol=1e-5)
    for (name, p), tp in zip(model.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=name)


def test_alexnet_small_learns_digits_and_round_trips_through_save(tmp_path):
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    x = Tensor((digits.data[:64] / 16).astype(np.float32))
    y = digits.target[:64]
    autograd.manual_seed(1)
    model = AlexNetSmall(width=8, hidden=32, dropout=0.0)
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    first = None
    for _ in range(30):
        loss = F.cross_entropy(model(x), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.75 * first
    model.eval()
    nn.save(model, tmp_path / "alexnet.npz")
    again = nn.load(tmp_path / "alexnet.npz")
    assert isinstance(again, AlexNetSmall)
    np.testing.assert_array_equal(again.eval()(x).data, model(x).data)

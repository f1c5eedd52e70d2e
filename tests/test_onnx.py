"""export_onnx: each exportable layer round-trips through onnxruntime to 1e-5 of the model's output."""
import sys

import numpy as np
import pytest

import autograd
import nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def run(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (name,) = [i.name for i in session.get_inputs()]
    return session.run(None, {name: x})[0]


def trained_batchnorm(layer, shape):
    """A BatchNorm whose running statistics and affine parameters are not the defaults."""
    rng = np.random.default_rng(1)
    layer.train()
    for _ in range(3):
        layer(autograd.Tensor((rng.normal(size=shape) * 3 + 1).astype(np.float32)))
    layer.weight.data = rng.uniform(0.5, 2, layer.weight.shape).astype(np.float32)
    layer.bias.data = rng.normal(size=layer.bias.shape).astype(np.float32)
    return layer


# (id, model factory, input shape): one row per layer kind; activations sit after a Linear.
DENSE = [(name, lambda a=act: nn.Sequential(nn.Linear(5, 6), a()), (7, 5)) for name, act in [
    ("relu", nn.ReLU), ("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh), ("leaky_relu", lambda: nn.LeakyReLU(0.2)),
    ("elu", lambda: nn.ELU(0.7)), ("selu", nn.SELU), ("celu", lambda: nn.CELU(1.3)), ("silu", nn.SiLU),
    ("gelu", nn.GELU), ("gelu_tanh", lambda: nn.GELU("tanh")), ("softplus", nn.Softplus),
    ("softplus_beta", lambda: nn.Softplus(2.0)), ("softsign", nn.Softsign), ("relu6", nn.ReLU6),
    ("hardtanh", lambda: nn.Hardtanh(-0.5, 0.7)), ("hardsigmoid", nn.Hardsigmoid), ("hardswish", nn.Hardswish),
    ("mish", nn.Mish), ("quick_gelu", nn.QuickGELU), ("logsigmoid", nn.LogSigmoid), ("tanhshrink", nn.Tanhshrink),
    ("threshold", lambda: nn.Threshold(0.1, -2.0)), ("prelu", lambda: nn.PReLU(6)), ("step", nn.Step),
    ("softmax", lambda: nn.Softmax(dim=1)), ("log_softmax", lambda: nn.LogSoftmax(dim=-1)), ("glu", nn.GLU),
    ("dropout", lambda: nn.Dropout(0.5)), ("identity", nn.Identity),
    ("batchnorm1d", lambda: trained_batchnorm(nn.BatchNorm1d(6), (16, 6))), ("layernorm", lambda: nn.LayerNorm(6)),
]] + [
    ("mlp", lambda: nn.MLP([5, 16, 8, 3], dropout=0.2), (7, 5)),
    ("linear_3d_input", lambda: nn.Sequential(nn.Linear(5, 4), nn.Flatten()), (7, 3, 5)),
    ("flatten_middle", lambda: nn.Sequential(nn.Flatten(1, 2), nn.Linear(1, 2)), (4, 3, 5, 1)),
    ("one_layer", lambda: nn.Linear(5, 2), (3, 5)),
]
CONV = [
    ("conv2d", lambda: nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 36, 3)),
     (3, 2, 6, 6)),
    ("conv2d_strided_dilated_grouped", lambda: nn.Sequential(nn.Conv2d(4, 6, 3, stride=2, dilation=2, groups=2)),
     (2, 4, 9, 9)),
    ("conv2d_same_asymmetric", lambda: nn.Sequential(nn.Conv2d(2, 3, (2, 3), padding="same"),
                                                     nn.Conv2d(3, 2, 3, padding=((1, 0), (0, 2)))), (2, 2, 5, 6)),
    ("conv1d", lambda: nn.Sequential(nn.Conv1d(3, 4, 3, padding=2), nn.MaxPool1d(2), nn.AvgPool1d(2)), (2, 3, 10)),
    ("conv_transpose2d", lambda: nn.Sequential(nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)),
     (2, 3, 4, 4)),
    ("pools", lambda: nn.Sequential(nn.MaxPool2d(3, stride=2, padding=1), nn.AvgPool2d(2, padding=1),
                                    nn.AvgPool2d(2, count_include_pad=False, padding=1)), (2, 3, 9, 9)),
    ("batchnorm2d", lambda: nn.Sequential(trained_batchnorm(nn.BatchNorm2d(3), (8, 3, 4, 4)), nn.Dropout2d(0.3)),
     (2, 3, 4, 4)),
    ("lrn", lambda: nn.Sequential(nn.LocalResponseNorm(3, alpha=0.1, beta=0.75, k=2.0)), (2, 5, 4, 4)),
    ("adaptive_pools", lambda: nn.Sequential(nn.AdaptiveMaxPool2d((2, 3)), nn.AdaptiveAvgPool2d(1), nn.Flatten()),
     (2, 3, 6, 6)),
    ("pools_ceil_mode", lambda: nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.AvgPool2d(2, ceil_mode=True)),
     (2, 3, 7, 7)),
    ("upsample_nearest", lambda: nn.Sequential(nn.Upsample(scale_factor=2)), (2, 3, 3, 4)),
    ("upsample_nearest_size", lambda: nn.Sequential(nn.Upsample(size=(5, 7))), (2, 3, 3, 4)),
    ("upsample_bilinear", lambda: nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear")), (2, 3, 3, 4)),
    ("upsample_bilinear_corners", lambda: nn.Sequential(nn.Upsample(size=(5, 7), mode="bilinear",
                                                                    align_corners=True)), (2, 3, 3, 4)),
    ("upsample_linear", lambda: nn.Sequential(nn.Upsample(scale_factor=3, mode="linear")), (2, 3, 4)),
    ("alexnet_features", lambda: nn.models.AlexNetSmall(width=4, hidden=8).features, (2, 1, 8, 8)),
]


@pytest.mark.parametrize("make, shape", [row[1:] for row in DENSE + CONV], ids=[row[0] for row in DENSE + CONV])
def test_round_trip_through_onnxruntime(make, shape, tmp_path):
    autograd.manual_seed(0)
    model = make()
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32) * 2
    proto = nn.export_onnx(model, tmp_path / "model.onnx", x)
    expected = model.predict(x)
    assert model.training  # the export switches to eval mode and back
    np.testing.assert_allclose(run(tmp_path / "model.onnx", x), expected, rtol=1e-5, atol=1e-5)
    # The batch dimension is free: another batch size runs too.
    bigger = np.concatenate([x, x[:1] + 1])
    np.testing.assert_allclose(run(tmp_path / "model.onnx", bigger), model.predict(bigger), rtol=1e-5, atol=1e-5)
    assert proto.graph.input[0].name == "input" and proto.graph.output[0].name == "output"
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_names_opset_and_tensor_input(tmp_path):
    autograd.manual_seed(0)
    model = nn.MLP([3, 4, 2])
    x = autograd.Tensor(np.ones((2, 3), dtype=np.float32))
    proto = nn.export_onnx(model, tmp_path / "m.onnx", x, opset=13, input_names=["features"], output_names=["logits"])
    assert proto.opset_import[0].version == 13
    assert {i.name for i in proto.graph.initializer} >= {"0.weight", "0.bias", "2.weight", "2.bias"}
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["features"]
    assert [o.name for o in session.get_outputs()] == ["logits"]


def test_float64_model(tmp_path):
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 1, dtype=np.float64))
    x = np.random.default_rng(0).normal(size=(5, 3))
    nn.export_onnx(model, tmp_path / "m.onnx", x)
    np.testing.assert_allclose(run(tmp_path / "m.onnx", x), model.predict(x), rtol=1e-12)


class Custom(nn.Module):
    def forward(self, x):
        return x


BAD = [
    (lambda: nn.Sequential(nn.Linear(3, 3), nn.Embedding(4, 2)), (2, 3), NotImplementedError,
     r"layer '1' \(Embedding\) has no ONNX converter"),
    (lambda: nn.Sequential(nn.Linear(3, 3), Custom()), (2, 3), NotImplementedError, r"layer '1' \(Custom\)"),
    (lambda: nn.models.AlexNetSmall(width=4, hidden=8), (2, 64), NotImplementedError,
     "AlexNetSmall has its own forward"),
    (lambda: nn.Sequential(nn.Flatten(0)), (2, 3), NotImplementedError, r"layer '0' \(Flatten\).*batch"),
    (lambda: nn.Sequential(nn.Conv2d(1, 1, 1), nn.AdaptiveAvgPool2d(4)), (1, 1, 6, 6), NotImplementedError,
     "not a multiple of the output size"),
    (lambda: nn.Sequential(nn.BatchNorm1d(3, track_running_stats=False)), (4, 3), NotImplementedError,
     "track_running_stats=False"),
    (lambda: nn.Sequential(nn.LocalResponseNorm(4)), (1, 5, 2, 2), NotImplementedError, "even size"),
    (lambda: nn.Sequential(nn.Linear(3, 3)), (3,), ValueError, r"shape \(batch, ...\)"),
    (lambda: "model", (2, 3), TypeError, "must be an nn.Module"),
]


@pytest.mark.parametrize("make, shape, error, message", BAD)
def test_layers_that_cannot_be_exported_are_named(make, shape, error, message, tmp_path):
    with pytest.raises(error, match=message):
        nn.export_onnx(make(), tmp_path / "m.onnx", np.ones(shape, dtype=np.float32))


def test_bad_opset(tmp_path):
    with pytest.raises(ValueError, match="opset must be an int from 13"):
        nn.export_onnx(nn.Linear(2, 2), tmp_path / "m.onnx", np.ones((1, 2), np.float32), opset=7)
    with pytest.raises(NotImplementedError, match="LayerNormalization needs opset >= 17"):
        nn.export_onnx(nn.LayerNorm(2), tmp_path / "m.onnx", np.ones((1, 2), np.float32), opset=16)


def test_without_onnx_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install onnx onnxruntime \(or pip install 'chainrule\[onnx\]'\)"):
        nn.export_onnx(nn.Linear(2, 2), tmp_path / "m.onnx", np.ones((1, 2), np.float32))


def test_moving_on_to_pytorch_with_the_same_weights():
    """The README's other route: the state dict loads into the same architecture written in PyTorch."""
    torch = pytest.importorskip("torch")
    autograd.manual_seed(0)
    model = nn.MLP([4, 16, 3])
    torch_model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    torch_model.load_state_dict(nn.export_torch_state_dict(model))
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(torch_model(torch.from_numpy(x)).numpy(), model.predict(x), rtol=1e-5, atol=1e-6)

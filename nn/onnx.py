"""`export_onnx`: a `Sequential` of the library's layers as an ONNX file, for ONNX Runtime and friends.

Each layer has a converter that writes its ONNX nodes, its weights becoming initializers named
after the state-dict keys (`0.weight`). The example input is run through the model one layer at
a time in eval mode, so each converter knows its input and output shapes (adaptive pooling and
"same" padding need them). The batch dimension is left free ("batch"); the others are the
example's. Needs the `onnx` package (`pip install 'chainrule[onnx]'`, which also brings
`onnxruntime` to run the file).
"""
import math
import os

import numpy as np

from autograd import Tensor, no_grad
from autograd.ops import conv as C

from . import activations as A
from . import conv as V
from . import layers as L
from .module import Module, Sequential

__all__ = ["export_onnx"]


def _onnx():
    try:
        import onnx
    except ImportError as error:
        raise ImportError("export_onnx needs the onnx package: pip install onnx onnxruntime "
                          "(or pip install 'chainrule[onnx]')") from error
    return onnx


class _Graph:
    """Nodes and initializers being written; `op` adds a node and returns its output's name."""

    def __init__(self, onnx, dtype, opset):
        self.onnx, self.dtype, self.opset = onnx, np.dtype(dtype), opset
        self.nodes, self.initializers, self.scope, self._count = [], [], "", 0

    def op(self, op_type, *inputs, **attributes):
        self._count += 1
        output = f"{self.scope}/{op_type}_{self._count}"
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [output], name=output, **attributes))
        return output

    def const(self, value, name=None, dtype=None):
        """An initializer holding `value` (in the model's dtype unless `dtype` is given)."""
        self._count += 1
        name = f"{self.scope}.{name}" if name else f"{self.scope}/const_{self._count}"
        array = np.asarray(value, dtype=dtype or self.dtype)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def param(self, tensor, name):
        return self.const(tensor.data, name)


def _unsupported(g, layer, why):
    return NotImplementedError(f"export_onnx: layer {g.scope!r} ({type(layer).__name__}) cannot be exported: {why}")


# Converters: (graph, layer, input name, input shape, output shape) -> output name.
def _linear(g, m, x, shape, _):
    if len(shape) == 2:  # Gemm computes x @ W.T + b directly with the PyTorch weight layout
        inputs = [x, g.param(m.weight, "weight")] + ([g.param(m.bias, "bias")] if m.bias is not None else [])
        return g.op("Gemm", *inputs, transB=1)
    y = g.op("MatMul", x, g.const(m.weight.data.T, "weight_t"))
    return y if m.bias is None else g.op("Add", y, g.param(m.bias, "bias"))


def _batch_norm(g, m, x, shape, _):
    if not m.track_running_stats:
        raise _unsupported(g, m, "without running statistics (track_running_stats=False) it normalises with the "
                              "batch's own statistics even in eval mode")
    ones, zeros = np.ones(m.num_features), np.zeros(m.num_features)
    scale = g.param(m.weight, "weight") if m.affine else g.const(ones, "weight")
    bias = g.param(m.bias, "bias") if m.affine else g.const(zeros, "bias")
    return g.op("BatchNormalization", x, scale, bias, g.param(m.running_mean, "running_mean"),
                g.param(m.running_var, "running_var"), epsilon=float(m.eps))


def _layer_norm(g, m, x, shape, _):
    if g.opset < 17:
        raise _unsupported(g, m, f"LayerNormalization needs opset >= 17, got opset={g.opset}")
    ones = np.ones(m.normalized_shape)
    scale = g.param(m.weight, "weight") if m.elementwise_affine else g.const(ones, "weight")
    bias = g.param(m.bias, "bias") if m.elementwise_affine else g.const(ones * 0, "bias")
    return g.op("LayerNormalization", x, scale, bias, axis=-len(m.normalized_shape), epsilon=float(m.eps))


def _flatten(g, m, x, shape, _):
    start, end = (d % len(shape) for d in (m.start_dim, m.end_dim))
    if start == 0:
        raise _unsupported(g, m, "start_dim=0 would merge the batch dimension")
    if end == len(shape) - 1:
        return g.op("Flatten", x, axis=start)
    # Reshape's 0 copies the dim at the same index: the batch (free) and the others before start.
    target = [0] * start + [-1] + list(shape[end + 1:])
    return g.op("Reshape", x, g.const(target, dtype=np.int64))


def _conv(g, m, x, shape, _):
    pads = C.pad_pairs(m.padding, m.nd, m.kernel_size, m.dilation, m.stride, type(m).__name__)
    attributes = dict(kernel_shape=list(m.kernel_size), strides=list(m.stride), dilations=list(m.dilation),
                      group=m.groups, pads=[a for a, _ in pads] + [b for _, b in pads])
    inputs = [x, g.param(m.weight, "weight")] + ([g.param(m.bias, "bias")] if m.bias is not None else [])
    if m.transposed:
        return g.op("ConvTranspose", *inputs, output_padding=list(m.output_padding), **attributes)
    return g.op("Conv", *inputs, **attributes)


def _pool(g, m, x, shape, out):
    nd, name = len(shape) - 2, type(m).__name__
    kernel = C.ntuple(m.kernel_size, nd, "kernel_size", name)
    stride = kernel if m.stride is None else C.ntuple(m.stride, nd, "stride", name)
    pad = C.ntuple(m.padding, nd, "padding", name, minimum=0)
    attributes = dict(kernel_shape=list(kernel), strides=list(stride), pads=list(pad) * 2, ceil_mode=int(m.ceil_mode))
    if isinstance(m, (V.MaxPool1d, V.MaxPool2d)):
        if m.return_indices:
            raise _unsupported(g, m, "return_indices=True gives two outputs")
        return g.op("MaxPool", x, dilations=list(C.ntuple(m.dilation, nd, "dilation", name)), **attributes)
    if getattr(m, "divisor_override", None):
        raise _unsupported(g, m, "ONNX's AveragePool has no divisor_override")
    return g.op("AveragePool", x, count_include_pad=int(m.count_include_pad), **attributes)


def _adaptive_pool(g, m, x, shape, out):
    average = isinstance(m, V.AdaptiveAvgPool2d)
    if getattr(m, "return_indices", False):
        raise _unsupported(g, m, "return_indices=True gives two outputs")
    if all(n == 1 for n in out[2:]):
        return g.op("GlobalAveragePool" if average else "GlobalMaxPool", x)
    if any(n % k for n, k in zip(shape[2:], out[2:])):
        raise _unsupported(g, m, f"input size {shape[2:]} is not a multiple of the output size {out[2:]}, so its "
                              f"windows differ in size")
    kernel = [n // k for n, k in zip(shape[2:], out[2:])]
    return g.op("AveragePool" if average else "MaxPool", x, kernel_shape=kernel, strides=kernel)


def _lrn(g, m, x, shape, _):
    if m.size % 2 == 0:  # PyTorch and ONNX put the odd channel of an even window on different sides
        raise _unsupported(g, m, f"an even size ({m.size}) places its window differently in ONNX")
    return g.op("LRN", x, size=m.size, alpha=float(m.alpha), beta=float(m.beta), bias=float(m.k))


def _upsample(g, m, x, shape, out):
    nearest = m.mode == "nearest"
    # PyTorch's sampling positions in ONNX's words: nearest takes floor(dst / scale); linear uses
    # half-pixel centres clamped at 0 ("pytorch_half_pixel") unless align_corners.
    attributes = dict(mode="nearest" if nearest else "linear", coordinate_transformation_mode="asymmetric" if nearest
                      else "align_corners" if m.align_corners else "pytorch_half_pixel")
    if nearest:
        attributes["nearest_mode"] = "floor"
    if m.scale_factor is not None:
        f = m.scale_factor
        factors = (f,) * (len(shape) - 2) if isinstance(f, (int, float)) else tuple(f)
        return g.op("Resize", x, "", g.const([1.0, 1.0, *factors], dtype=np.float32), **attributes)
    # A fixed output size: the batch and channels come from the input at run time.
    batch_channels = g.op("Slice", g.op("Shape", x), g.const([0], dtype=np.int64), g.const([2], dtype=np.int64))
    sizes = g.op("Concat", batch_channels, g.const(out[2:], dtype=np.int64), axis=0)
    return g.op("Resize", x, "", "", sizes, **attributes)


def _prelu(g, m, x, shape, _):
    slope = m.weight.data.reshape((-1,) + (1,) * max(len(shape) - 2, 0)) if m.weight.size > 1 else m.weight.data
    return g.op("PRelu", x, g.const(slope, "weight"))


def _gelu(g, m, x, shape, _):
    half_x = g.op("Mul", x, g.const(0.5))
    if m.approximate == "tanh":  # 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
        cube = g.op("Mul", g.op("Mul", x, x), x)
        inner = g.op("Mul", g.op("Add", x, g.op("Mul", cube, g.const(0.044715))), g.const(math.sqrt(2 / math.pi)))
        return g.op("Mul", half_x, g.op("Add", g.op("Tanh", inner), g.const(1.0)))
    return g.op("Mul", half_x, g.op("Add", g.op("Erf", g.op("Div", x, g.const(math.sqrt(2)))), g.const(1.0)))


def _softplus(g, m, x, shape, _):
    if m.beta == 1:
        return g.op("Softplus", x)
    return g.op("Div", g.op("Softplus", g.op("Mul", x, g.const(m.beta))), g.const(m.beta))


def _glu(g, m, x, shape, _):
    dim = -1 if m.dim is None else m.dim
    half = shape[dim] // 2
    g.nodes.append(g.onnx.helper.make_node("Split", [x, g.const([half, half], dtype=np.int64)],
                                           [f"{g.scope}/a", f"{g.scope}/b"], name=f"{g.scope}/Split", axis=dim))
    return g.op("Mul", f"{g.scope}/a", g.op("Sigmoid", f"{g.scope}/b"))


def _times(gate):
    """x * gate(x): SiLU, QuickGELU, Mish."""
    return lambda g, m, x, shape, _: g.op("Mul", x, gate(g, x))


def _activation(op_type, **attributes):
    return lambda g, m, x, shape, _: g.op(op_type, x, **{k: f(m) for k, f in attributes.items()})


def _clip(low, high):
    return lambda g, m, x, shape, _: g.op("Clip", x, g.const(low(m)), g.const(high(m)))


def _softmax_axis(m):
    return -1 if m.dim is None else m.dim


CONVERTERS = {
    L.Linear: _linear, L.BatchNorm1d: _batch_norm, V.BatchNorm2d: _batch_norm, L.LayerNorm: _layer_norm,
    L.Flatten: _flatten, L.Identity: _activation("Identity"), L.Dropout: _activation("Identity"),
    V.Dropout2d: _activation("Identity"),
    V.Conv1d: _conv, V.Conv2d: _conv, V.Conv3d: _conv, V.ConvTranspose1d: _conv, V.ConvTranspose2d: _conv,
    V.MaxPool1d: _pool, V.MaxPool2d: _pool, V.AvgPool1d: _pool, V.AvgPool2d: _pool,
    V.AdaptiveAvgPool2d: _adaptive_pool, V.AdaptiveMaxPool2d: _adaptive_pool, V.LocalResponseNorm: _lrn,
    V.Upsample: _upsample,
    A.ReLU: _activation("Relu"), A.Sigmoid: _activation("Sigmoid"), A.Tanh: _activation("Tanh"),
    A.Softsign: _activation("Softsign"), A.LeakyReLU: _activation("LeakyRelu", alpha=lambda m: m.negative_slope),
    A.ELU: _activation("Elu", alpha=lambda m: float(m.alpha)),
    A.CELU: _activation("Celu", alpha=lambda m: float(m.alpha)),
    A.SELU: _activation("Selu", alpha=lambda m: 1.6732632423543772, gamma=lambda m: 1.0507009873554805),
    A.Hardsigmoid: _activation("HardSigmoid", alpha=lambda m: 1 / 6, beta=lambda m: 0.5),
    A.Hardswish: _times(lambda g, x: g.op("HardSigmoid", x, alpha=1 / 6, beta=0.5)),
    A.Softmax: _activation("Softmax", axis=_softmax_axis), A.LogSoftmax: _activation("LogSoftmax", axis=_softmax_axis),
    A.ReLU6: _clip(lambda m: 0.0, lambda m: 6.0), A.Hardtanh: _clip(lambda m: m.min_val, lambda m: m.max_val),
    A.SiLU: _times(lambda g, x: g.op("Sigmoid", x)),
    A.QuickGELU: _times(lambda g, x: g.op("Sigmoid", g.op("Mul", x, g.const(1.702)))),
    A.Mish: _times(lambda g, x: g.op("Tanh", g.op("Softplus", x))),
    A.Tanhshrink: lambda g, m, x, shape, _: g.op("Sub", x, g.op("Tanh", x)),
    A.LogSigmoid: lambda g, m, x, shape, _: g.op("Neg", g.op("Softplus", g.op("Neg", x))),
    A.Step: lambda g, m, x, shape, _: g.op("Cast", g.op("Greater", x, g.const(0.0)),
                                           to=g.onnx.helper.np_dtype_to_tensor_dtype(g.dtype)),
    A.Threshold: lambda g, m, x, shape, _: g.op("Where", g.op("Greater", x, g.const(m.threshold)), x,
                                                g.const(m.value)),
    A.PReLU: _prelu, A.GELU: _gelu, A.Softplus: _softplus, A.GLU: _glu,
}


def _layers(model):
    """(name, layer) of each leaf of `model`, nested Sequentials unrolled, in the order they run."""
    if not isinstance(model, Module):
        raise TypeError(f"export_onnx: model must be an nn.Module, got {type(model).__name__}")
    if type(model) in CONVERTERS:
        return [(type(model).__name__, model)]
    if not isinstance(model, Sequential) or type(model).forward is not Sequential.forward:
        raise NotImplementedError(f"export_onnx: {type(model).__name__} has its own forward; only nn.Sequential "
                                  f"models (nested ones too) built from the library's layers can be exported")
    found = []
    for name, child in model.named_children():
        inner = _layers(child) if isinstance(child, Sequential) else [(name, child)]
        found += [(f"{name}.{n}" if isinstance(child, Sequential) else n, m) for n, m in inner]
    return found


def export_onnx(model, path, example_input, opset=17, input_names=("input",), output_names=("output",)):
    """Write `model` (an `nn.Sequential` of the library's layers, or one layer) to the ONNX file
    `path`, traced with `example_input` (a Tensor or numpy array of shape (batch, ...)); the
    batch dimension stays free. Returns the checked `onnx.ModelProto`. A layer without an ONNX
    form raises `NotImplementedError` naming it."""
    onnx = _onnx()
    if not isinstance(opset, int) or not 13 <= opset <= onnx.defs.onnx_opset_version():
        raise ValueError(f"export_onnx: opset must be an int from 13 to {onnx.defs.onnx_opset_version()}, "
                         f"got {opset!r}")
    if len(input_names) != 1 or len(output_names) != 1:
        raise ValueError(f"export_onnx: a Sequential has one input and one output; got input_names={input_names!r} "
                         f"and output_names={output_names!r}")
    layers = _layers(model)
    params = list(model.parameters())
    dtype = params[0].dtype if params else np.dtype(np.float32)
    x = np.asarray(example_input.data if isinstance(example_input, Tensor) else example_input)
    if x.ndim < 2 or len(x) == 0 or x.dtype.kind not in "biuf":
        raise ValueError(f"export_onnx: example_input must be a batch of numbers of shape (batch, ...) with at "
                         f"least one sample, got shape {x.shape} of {x.dtype}")
    for name, layer in layers:
        if type(layer) not in CONVERTERS:
            raise NotImplementedError(f"export_onnx: layer {name!r} ({type(layer).__name__}) has no ONNX converter; "
                                      f"supported layers: {sorted(c.__name__ for c in CONVERTERS)}")
    g = _Graph(onnx, dtype, opset)
    value, current = Tensor(x.astype(dtype)), input_names[0]
    was_training = model.training
    model.eval()  # Dropout is the identity and BatchNorm uses its running statistics, as in the file
    try:
        with no_grad():
            for name, layer in layers:
                out = layer(value)
                g.scope = name
                current = CONVERTERS[type(layer)](g, layer, current, value.shape, out.shape)
                value = out
    finally:
        model.train(was_training)
    g.scope = "output"
    g.nodes.append(onnx.helper.make_node("Identity", [current], [output_names[0]], name="output"))
    element = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    info = onnx.helper.make_tensor_value_info
    graph = onnx.helper.make_graph(g.nodes, type(model).__name__,
                                   [info(input_names[0], element, ["batch", *x.shape[1:]])],
                                   [info(output_names[0], element, ["batch", *value.shape[1:]])], g.initializers)
    opsets = [onnx.helper.make_opsetid("", opset)]
    proto = onnx.helper.make_model(graph, opset_imports=opsets, producer_name="chainrule",
                                   ir_version=onnx.helper.find_min_ir_version_for(opsets))
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, os.fspath(path))
    return proto

"""Neural networks on `autograd.Tensor`: modules, layers, activations, losses, initialisers, save/load.

`nn.MLP` is the tensor multilayer perceptron; the micrograd-style one over scalar `Value`s
is `nn.scalar.MLP` (with `nn.scalar.Neuron` and `nn.scalar.Layer`).
"""
from . import functional, init, optim, scalar, utils
from . import callbacks, data, metrics, training
from .activations import (
    ELU, GELU, SELU, LeakyReLU, LogSoftmax, PReLU, ReLU, SiLU, Sigmoid, Softmax, Softplus, Step, Swish, Tanh,
)
from .layers import MLP, BatchNorm1d, Dropout, Embedding, Flatten, Identity, LayerNorm, Linear
from .losses import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, HuberLoss, L1Loss, MAELoss, MSELoss, NLLLoss,
)
from .module import Module, ModuleList, Parameter, Sequential
from .serialization import export_torch_state_dict, load, load_state_dict, register, save
from .onnx import export_onnx  # the onnx package is imported when it is called
from .summary import summary

__all__ = [
    "functional", "init", "optim", "scalar", "utils", "callbacks", "data", "metrics", "training",
    "Module", "Parameter", "Sequential", "ModuleList",
    "Linear", "Identity", "Flatten", "Dropout", "BatchNorm1d", "LayerNorm", "Embedding", "MLP",
    "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "SELU", "SiLU", "Swish", "GELU", "Softplus",
    "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "MAELoss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "HingeLoss", "save", "load", "load_state_dict", "register", "export_torch_state_dict", "summary",
]

from . import models  # noqa: E402
from .conv import (  # noqa: E402
    AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, BatchNorm2d, Conv1d, Conv2d, Conv3d, ConvTranspose1d,
    ConvTranspose2d, Dropout2d, LocalResponseNorm, MaxPool1d, MaxPool2d, Upsample,
)

__all__ += [
    "models", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d",
    "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "LocalResponseNorm", "BatchNorm2d", "Dropout2d", "Upsample",
]

from .activations import (  # noqa: E402
    CELU, GLU, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish, QuickGELU, ReLU6, Softsign, Tanhshrink, Threshold,
)
from .attention import MultiheadAttention  # noqa: E402

__all__ += [
    "ReLU6", "Hardtanh", "Hardsigmoid", "Hardswish", "Mish", "Softsign", "CELU", "QuickGELU", "LogSigmoid",
    "Tanhshrink", "Threshold", "GLU", "MultiheadAttention",
]

"""`AlexNetSmall`: AlexNet's ideas (Krizhevsky et al. 2012) at the size of 8x8 or 28x28 digits.

    conv 3x3 -> ReLU -> LRN -> overlapping max-pool (3x3, stride 2)
    conv 3x3 -> ReLU -> LRN -> overlapping max-pool
    conv 3x3 -> ReLU -> conv 3x3 -> ReLU
    dropout 0.5 -> dense -> ReLU -> dropout 0.5 -> dense (class scores)

Weights start as He et al.'s `kaiming_normal_` for the activation (biases at zero): with
PyTorch's default, smaller initialisation the signal shrinks through the five layers and SGD
spends its first epochs near chance.

The output is the class scores (logits): the softmax is applied by `CrossEntropyLoss` in training
and by `softmax(dim=1)` when probabilities are wanted. Each AlexNet idea is a constructor switch,
so the notebook can measure what it buys: `activation="tanh"`, `overlap=False` (2x2 pooling,
stride 2), `lrn=False`, `dropout=0.0`.
"""
import numpy as np

from .. import init
from ..activations import ACTIVATIONS
from ..conv import Conv2d, LocalResponseNorm, MaxPool2d
from ..layers import Dropout, Flatten, Identity, Linear
from ..module import Module, Sequential
from ..serialization import register

__all__ = ["AlexNetSmall"]


def _pooled(n, overlap, stride):
    # 3x3 windows with padding 1 give ceil(n / stride); 2x2 windows, stride 2, give n // 2.
    if overlap:
        return (n + 2 - 3) // stride + 1
    return n // 2 if stride == 2 else n


@register
class AlexNetSmall(Module):
    """A five-conv-layer AlexNet for `image_size` x `image_size` images with `in_channels` channels.

    Takes (N, C, H, W) images, or flat rows (N, C * H * W) such as scikit-learn's 8x8 digits.
    `width` is the number of filters of the first layer (the next ones have 2x, 3x and 2x).
    `pool_strides=(2, 1)` keeps 4x4 maps for the last convs of an 8x8 image (the second pool then
    moves by one pixel: still overlapping 3x3 windows; without `overlap` it is left out).
    """

    def __init__(self, in_channels=1, num_classes=10, image_size=8, width=32, hidden=128, dropout=0.5,
                 activation="relu", lrn=True, overlap=True, pool_strides=(2, 2), dtype=np.float32):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"AlexNetSmall: unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)}")
        if image_size < 4:
            raise ValueError(f"AlexNetSmall: image_size must be at least 4, got {image_size}")
        self.in_channels, self.image_size = in_channels, image_size
        act = ACTIVATIONS[activation]
        c1, c2, c3 = width, 2 * width, 3 * width

        def norm():
            # AlexNet's constants (n=5, alpha=1e-4, beta=0.75, k=2).
            return LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0) if lrn else Identity()

        if tuple(pool_strides) not in ((2, 2), (2, 1), (1, 2), (1, 1)):
            raise ValueError(f"AlexNetSmall: pool_strides must be two strides of 1 or 2, got {pool_strides!r}")

        def pool(stride):
            if overlap:
                return MaxPool2d(3, stride=stride, padding=1)
            return MaxPool2d(2, stride=2) if stride == 2 else Identity()

        self.features = Sequential(
            Conv2d(in_channels, c1, 3, padding=1, dtype=dtype), act(), norm(), pool(pool_strides[0]),
            Conv2d(c1, c2, 3, padding=1, dtype=dtype), act(), norm(), pool(pool_strides[1]),
            Conv2d(c2, c3, 3, padding=1, dtype=dtype), act(),
            Conv2d(c3, c2, 3, padding=1, dtype=dtype), act(),
        )
        side = _pooled(_pooled(image_size, overlap, pool_strides[0]), overlap, pool_strides[1])
        self.classifier = Sequential(
            Flatten(), Dropout(dropout), Linear(c2 * side * side, hidden, dtype=dtype), act(),
            Dropout(dropout), Linear(hidden, num_classes, dtype=dtype),
        )

        gain = activation if activation in ("relu", "tanh", "selu") else "leaky_relu"
        for m in self.modules():
            if isinstance(m, (Conv2d, Linear)):
                init.kaiming_normal_(m.weight, nonlinearity=gain)
                init.zeros_(m.bias)

    def forward(self, x):
        if x.ndim == 2:
            x = x.reshape(x.shape[0], self.in_channels, self.image_size, self.image_size)
        return self.classifier(self.features(x))

"""Convolution, pooling and resizing (autograd/ops/conv.py, autograd/ops/pool.py). Each row calls
the function of the same name with the same arguments here and in torch.nn.functional."""
from .spec import REAL, OpSpec

# Convolution, pooling and resizing (autograd/ops/conv.py, autograd/ops/pool.py). Each row calls
# the function of the same name with the same arguments here and in torch.nn.functional.
from ..ops import conv as _conv  # noqa: E402
from ..ops import pool as _pool  # noqa: E402


def _nnf(label, name, shapes, distinct=False, **kwargs):
    ours = getattr(_conv, name, None) or getattr(_pool, name)
    return OpSpec(label, lambda *xs: ours(*xs, **kwargs), (REAL,) * len(shapes[0]), shapes,
                  lambda t, *xs: getattr(t.nn.functional, name)(*xs, **kwargs), distinct=distinct)


ROWS = [
    _nnf("conv2d", "conv2d", (((1, 2, 4, 5), (3, 2, 3, 3)), ((2, 1, 3, 3), (2, 1, 2, 2)))),
    _nnf("conv2d_bias_stride_pad", "conv2d", (((2, 2, 5, 4), (3, 2, 3, 2), (3,)),), stride=2, padding=1),
    _nnf("conv2d_groups_dilation", "conv2d", (((1, 4, 5, 5), (2, 2, 2, 3)),), groups=2, dilation=(2, 1),
         padding=(1, 2)),
    _nnf("conv2d_depthwise", "conv2d", (((2, 2, 4, 4), (4, 1, 3, 3), (4,)),), groups=2, stride=(1, 2), padding=1),
    _nnf("conv2d_same", "conv2d", (((1, 2, 4, 3), (2, 2, 2, 3)),), padding="same"),
    _nnf("conv2d_valid_odd", "conv2d", (((1, 1, 5, 3), (2, 1, 4, 1)),), padding="valid", stride=(3, 1)),
    OpSpec("conv2d_asymmetric_pad", lambda x, w: _conv.conv2d(x, w, padding=((1, 0), (0, 2))), (REAL, REAL),
           (((1, 2, 3, 3), (2, 2, 2, 2)),),
           lambda t, x, w: t.nn.functional.conv2d(t.nn.functional.pad(x, (0, 2, 1, 0)), w)),
    _nnf("conv1d", "conv1d", (((2, 2, 7), (3, 2, 3), (3,)),), stride=2, padding=1, dilation=2),
    _nnf("conv3d", "conv3d", (((1, 2, 3, 3, 3), (2, 1, 2, 2, 2)),), groups=2, padding=(1, 0, 1)),
    _nnf("conv_transpose1d", "conv_transpose1d", (((2, 2, 3), (2, 2, 3), (2,)),), stride=2, output_padding=1),
    _nnf("conv_transpose2d", "conv_transpose2d", (((1, 2, 3, 2), (2, 3, 3, 2), (3,)),), stride=2, padding=1,
         output_padding=1),
    _nnf("conv_transpose2d_groups_dilation", "conv_transpose2d", (((1, 4, 2, 3), (4, 1, 2, 2)),), groups=2,
         dilation=2, stride=(1, 2)),
    _nnf("conv_transpose3d", "conv_transpose3d", (((1, 2, 2, 2, 2), (2, 1, 2, 2, 2)),), stride=2, padding=1),
    _nnf("unfold", "unfold", (((1, 2, 4, 3),),), kernel_size=(2, 2), padding=1, stride=(2, 1)),
    _nnf("fold", "fold", (((1, 8, 8),),), output_size=(3, 4), kernel_size=2, dilation=(1, 2), padding=(0, 1)),
    _nnf("max_pool2d_overlapping", "max_pool2d", (((1, 2, 5, 5),), ((1, 1, 7, 6),)), True, kernel_size=3, stride=2),
    _nnf("max_pool2d_pad_dilation_ceil", "max_pool2d", (((1, 2, 6, 5),),), True, kernel_size=(3, 2), stride=2,
         padding=1, dilation=(1, 2), ceil_mode=True),
    _nnf("max_pool1d", "max_pool1d", (((2, 2, 7),),), True, kernel_size=3, stride=2, padding=1),
    _nnf("max_pool3d", "max_pool3d", (((1, 1, 4, 4, 3),),), True, kernel_size=2, stride=(2, 1, 1)),
    _nnf("avg_pool2d", "avg_pool2d", (((2, 2, 5, 5),),), kernel_size=3, stride=2, padding=1),
    _nnf("avg_pool2d_exclude_pad_ceil", "avg_pool2d", (((1, 2, 6, 5),),), kernel_size=(3, 2), stride=2, padding=1,
         ceil_mode=True, count_include_pad=False),
    _nnf("avg_pool1d", "avg_pool1d", (((2, 2, 7),),), kernel_size=4, stride=3, padding=2, ceil_mode=True),
    _nnf("adaptive_avg_pool2d", "adaptive_avg_pool2d", (((1, 2, 5, 7),),), output_size=(2, 3)),
    _nnf("adaptive_max_pool2d", "adaptive_max_pool2d", (((1, 2, 5, 7),),), True, output_size=(3, 2)),
    _nnf("local_response_norm", "local_response_norm", (((2, 5, 2, 2),), ((1, 4, 3),)), size=3, alpha=0.5,
         beta=0.75, k=1.5),
    _nnf("interpolate_nearest", "interpolate", (((1, 2, 3, 2),),), scale_factor=2, mode="nearest"),
    _nnf("interpolate_bilinear", "interpolate", (((1, 2, 3, 4),),), size=(5, 3), mode="bilinear",
         align_corners=False),
    _nnf("interpolate_bilinear_corners", "interpolate", (((1, 1, 3, 3),),), size=(4, 5), mode="bilinear",
         align_corners=True),
    _nnf("interpolate_linear", "interpolate", (((2, 1, 4),),), scale_factor=1.5, mode="linear"),
]

"""`chainrule train --model cnn`: AlexNetSmall on image data sets, with AlexNet's training recipe.

SGD with momentum 0.9 and weight decay, a cosine learning-rate schedule, and augmentation by random
shifts and small rotations (an `Augment` layer in front of the network, active in training only).
Pixels are scaled by one factor for the whole image, not standardised per pixel: a filter slides
over every position, so all positions must share one scale. The run directory gets, besides the dense
model's artifacts, `filters.png` (the first layer's filters) and `feature_maps.png` (the first
layer's maps for one test image).
"""
import math

import numpy as np

import nn
from nn.data import StandardScaler
from nn.data import transforms as T
from nn.featuremaps import plot_feature_maps, plot_filters

# The recipe's defaults where the dense model's differ (measured on digits, seed 0: see the README).
DEFAULTS = {"epochs": 50, "lr": 0.03}
WEIGHT_DECAY = 5e-4


def image_side(n_features, dataset):
    side = math.isqrt(n_features)
    if side * side != n_features or side < 4:
        from .cli import UsageError

        raise UsageError(f"--model cnn needs square images, but {dataset} has {n_features} features per sample "
                         f"(use digits or idx:<dir>)")
    return side


def pixel_scaler(X_train):
    """A StandardScaler (saved like the dense model's) that divides every pixel by the largest
    value: images in [0, 1] with the background at 0, which is what the shifts and rotations fill in."""
    scaler = StandardScaler().fit(X_train.astype(np.float64))
    scaler.mean_ = np.zeros_like(scaler.mean_)
    scaler.scale_ = np.full_like(scaler.scale_, float(X_train.max()) or 1.0)
    return scaler


def build(X_train, n_out, args):
    """(model to train, model to save, optimizer, callbacks)."""
    side = image_side(X_train.shape[1], args.dataset)
    # 8x8 digits keep 4x4 maps for the last convs (the second pool moves by one pixel).
    net = nn.models.AlexNetSmall(in_channels=1, num_classes=n_out, image_size=side, hidden=256,
                                 pool_strides=(2, 2) if side >= 16 else (2, 1))
    shifts = T.Compose([T.RandomShift(max(1, side // 8)), T.RandomRotation(10)], seed=args.seed)
    augment = T.Augment(shifts, shape=(1, side, side))
    optimizer = nn.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=WEIGHT_DECAY)
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs)
    return nn.Sequential(augment, net), net, optimizer, [schedule]


def save_pictures(net, data, run):
    """filters.png and feature_maps.png (for the first test image); returns their names."""
    plot_filters(net, run / "filters.png")
    plot_feature_maps(net, data["test"][0][0], run / "feature_maps.png")
    return ["filters.png", "feature_maps.png"]


def describe(net, args):
    return (f"AlexNetSmall ({net.num_parameters():,} parameters), SGD lr {args.lr} momentum 0.9 weight decay "
            f"{WEIGHT_DECAY}, cosine schedule, shifts and rotations")

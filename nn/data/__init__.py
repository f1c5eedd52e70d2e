"""Data without downloads: generated toy sets, data sets bundled with scikit-learn, IDX files
already on disk, `TensorDataset`/`DataLoader` batching, and preprocessing helpers."""
from .datasets import (
    DATASETS, load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine, make_housing,
)
from .generators import exam_scores, make_blobs, make_circles, make_linear, make_moons, make_spirals, make_xor
from .idx import load_idx_dir, read_idx, write_idx
from .loader import DataLoader, Dataset, TensorDataset
from .preprocessing import StandardScaler, one_hot, to_categorical, train_test_split

__all__ = [
    "Dataset", "TensorDataset", "DataLoader", "train_test_split", "StandardScaler", "one_hot", "to_categorical",
    "load_digits", "load_iris", "load_wine", "load_breast_cancer", "load_diabetes", "make_housing", "DATASETS",
    "make_moons", "make_circles", "make_spirals", "make_blobs", "make_xor", "make_linear", "exam_scores",
    "read_idx", "write_idx", "load_idx_dir",
]
from . import transforms  # noqa: E402  (augmentation: nn.data.transforms.Compose, RandomShift, ...)

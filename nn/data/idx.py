"""MNIST / Fashion-MNIST IDX files, plain or gzipped, read from disk (nothing is downloaded).

An IDX file is a 4-byte magic number `0 0 <type code> <number of dims>`, one big-endian uint32
per dimension, then the values in C order, big-endian.
"""
import gzip
import os
from pathlib import Path

import numpy as np

__all__ = ["read_idx", "write_idx", "load_idx_dir"]

# IDX type code -> big-endian numpy dtype.
_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(v).newbyteorder("=").str: k for k, v in _TYPES.items()}


def _open(path):
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_idx(path):
    """The array stored in the IDX file at `path` (gzip detected from the content)."""
    path = os.fspath(path)
    try:
        with _open(path) as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"read_idx: cannot read {path!r}: {e}") from None
    if len(data) < 4:
        raise ValueError(f"read_idx: {path!r} is too short for an IDX header ({len(data)} bytes)")
    zero, code, ndim = data[:2], data[2], data[3]
    if zero != b"\x00\x00" or code not in _TYPES:
        raise ValueError(f"read_idx: {path!r} has a wrong magic number 0x{data[:4].hex()}; expected 0x0000TTDD "
                         f"with type TT in {{{', '.join(f'{c:02x}' for c in _TYPES)}}}")
    if ndim == 0:
        raise ValueError(f"read_idx: {path!r} declares 0 dimensions in its header")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"read_idx: {path!r} has a truncated header: {ndim} dims need {header} bytes, "
                         f"the file has {len(data)}")
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", ndim, 4))
    dtype = np.dtype(_TYPES[code])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "longer than its header says"
        raise ValueError(f"read_idx: {path!r} is {problem}: shape {shape} of {dtype.name} needs {expected} bytes, "
                         f"the file has {len(data)}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path, array):
    """Write `array` as an IDX file (gzipped when `path` ends in .gz), e.g. to make test fixtures."""
    array = np.asarray(array)
    key = array.dtype.newbyteorder("=").str
    if key not in _CODES:
        raise TypeError(f"write_idx: IDX stores uint8, int8, int16, int32, float32 or float64, got {array.dtype}")
    code = _CODES[key]
    body = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
            + array.astype(_TYPES[code]).tobytes())
    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(body)


_STANDARD = {"X_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "X_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def _find(directory, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"load_idx_dir: {str(directory)!r} has no {stem} (or {stem}.gz)")


def load_idx_dir(directory):
    """The four standard MNIST / Fashion-MNIST files of `directory`:
    `(X_train, y_train), (X_test, y_test)`, images as float32 (n, rows*cols) with the raw 0-255
    values and labels as int64."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"load_idx_dir: {str(directory)!r} is not a directory")
    arrays = {k: read_idx(_find(directory, stem)) for k, stem in _STANDARD.items()}
    for split in ("train", "test"):
        X, y = arrays[f"X_{split}"], arrays[f"y_{split}"]
        if len(X) != len(y):
            raise ValueError(f"load_idx_dir: {split} has {len(X)} images but {len(y)} labels in {str(directory)!r}")
    flat = {k: (v.reshape(len(v), -1).astype(np.float32) if k[0] == "X" else v.astype(np.int64))
            for k, v in arrays.items()}
    return (flat["X_train"], flat["y_train"]), (flat["X_test"], flat["y_test"])

"""Saving and loading models as data, never as code.

A file is one `.npz` archive: every array of the state dict under its dotted name, plus a
JSON header (`__chainrule__.json`, stored as bytes) with the format version, the key order
and, when the model is made only of known layers, its architecture. Loading uses
`allow_pickle=False` and builds layers only from a registry of classes (the built-in ones and
those passed to `register`), so a file cannot run code. Writes go to a temporary file in the
same directory that replaces the target only once complete, so a failed save keeps the old file.
Every error names the file.

`Module` inherits `Saveable` from here (its `save` and `load` methods, and the constructor
arguments kept to describe an architecture as data), so this file never imports `module.py`
and the two do not import each other.
"""
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

from autograd import Tensor

__all__ = ["save", "load", "load_state_dict", "register", "export_torch_state_dict", "FORMAT_VERSION", "Saveable"]

FORMAT_VERSION = 1
_HEADER = "__chainrule__.json"
_REGISTRY = {}


class Saveable:
    """What saving needs from a module, inherited by `nn.Module`: the arguments it was built with
    (to write the architecture of built-in layers as data) and `save` / `load` methods."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        object.__setattr__(self, "_init_args", (args, kwargs))
        return self

    def save(self, path):
        """Write the architecture (for built-in layers) and weights to `path`; see `nn.save`."""
        save(self, path)

    def load(self, path, strict=True):
        """Load weights saved by `save`/`nn.save` into this module; returns self."""
        self.load_state_dict(load_state_dict(path), strict)
        return self


def register(cls):
    """Allow `load` to rebuild modules of class `cls` (usable as a class decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, Saveable)):
        raise TypeError(f"register: expected a Module subclass, got {cls!r}")
    _REGISTRY[cls.__name__] = cls
    return cls


def _registry():
    """Registered classes, and nn's own public Module classes (found on first use as the
    subclasses of `Saveable`, which `Module` is, defined in the `nn` package: no `import nn`)."""
    if "Linear" not in _REGISTRY:
        stack = list(Saveable.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if cls.__module__.split(".")[0] == "nn" and not cls.__name__.startswith("_"):
                _REGISTRY.setdefault(cls.__name__, cls)
    return _REGISTRY


class _NotData(Exception):
    pass


def _encode(value):
    """Constructor arguments as JSON data; modules and classes only when registered."""
    if isinstance(value, Saveable):
        return {"module": _spec(value)}
    if isinstance(value, type):
        if issubclass(value, Saveable) and _registry().get(value.__name__) is value:
            return {"class": value.__name__}
        if issubclass(value, np.generic):
            return {"dtype": np.dtype(value).name}
        raise _NotData(value)
    if isinstance(value, np.dtype):
        return {"dtype": value.name}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _NotData(value)
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    raise _NotData(value)


def _spec(module):
    cls = type(module)
    if _registry().get(cls.__name__) is not cls:
        raise _NotData(cls)
    args, kwargs = module._init_args
    if cls.__name__ in ("Sequential", "ModuleList"):  # contents may have been appended since construction
        children = list(module.children())
        args, kwargs = (children if cls.__name__ == "Sequential" else [children]), {}
    return {"type": cls.__name__, "args": _encode(list(args)), "kwargs": _encode(kwargs)["dict"]}


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "module" in value:
            return _build(value["module"])
        if "class" in value:
            return _lookup(value["class"])
        if "dtype" in value:
            return np.dtype(value["dtype"]).type
        if "dict" in value:
            return {k: _decode(v) for k, v in value["dict"].items()}
        raise ValueError(f"load: unrecognised value {value!r} in the architecture")
    return value


def _lookup(name):
    cls = _registry().get(name)
    if cls is None:
        raise ValueError(f"load: the file describes a module of unknown type {name!r}; "
                         f"import its class and pass it to nn.register first")
    return cls


def _build(spec):
    return _lookup(spec["type"])(*_decode(spec["args"]), **_decode({"dict": spec["kwargs"]}))


def save(obj, path):
    """Write a Module (architecture when known, and weights) or a state dict to `path` atomically."""
    if isinstance(obj, Saveable):
        state, model = obj.state_dict(), obj
    elif isinstance(obj, dict):
        state, model = obj, None
    else:
        raise TypeError(f"save: expected a Module or a state dict, got {type(obj).__name__}")
    arrays = {}
    for k, v in state.items():
        if not isinstance(k, str) or k == _HEADER:
            raise ValueError(f"save: invalid key {k!r}")
        a = np.asarray(v.data if isinstance(v, Tensor) else v)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"save: {k!r} has dtype {a.dtype}; only numeric arrays can be saved")
        arrays[k] = a
    architecture = None
    if model is not None:
        try:
            architecture = _spec(model)
        except _NotData:
            architecture = None  # a custom class: weights only, reload with `model.load(path)`
    header = {"format": "chainrule", "version": FORMAT_VERSION, "keys": list(arrays),
              "class": type(model).__name__ if model is not None else None, "architecture": architecture}
    blob = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: cannot write {path!r}: the directory {os.path.dirname(path) or folder!r} "
                                "does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"save: cannot write {path!r}: it is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
    except OSError as e:
        raise type(e)(e.errno, f"save: cannot write {path!r}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{_HEADER: blob}, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _read(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        kind = "is a directory" if os.path.isdir(path) else "does not exist"
        raise FileNotFoundError(f"load: {path!r} {kind}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        hint = " (it looks like a pickle, which could run code when loaded)" if magic[:1] == b"\x80" else ""
        raise ValueError(f"load: {path!r} is not a chainrule .npz file{hint}; refusing to load it")
    try:
        with np.load(path, allow_pickle=False) as z:
            if _HEADER not in z.files:
                raise ValueError(f"load: {path!r} has no {_HEADER} header; not a file written by nn.save")
            try:
                header = json.loads(z[_HEADER].tobytes().decode())
                keys = header["keys"]
                if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
                    raise TypeError("keys")
            except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as e:
                raise ValueError(f"load: {path!r} has a damaged {_HEADER} header ({type(e).__name__})") from None
            if header.get("format") != "chainrule" or header.get("version") != FORMAT_VERSION:
                raise ValueError(f"load: {path!r} has format {header.get('format')!r} version {header.get('version')!r}; "
                                 f"this chainrule reads version {FORMAT_VERSION}")
            missing = [k for k in header["keys"] if k not in z.files]
            if missing:
                raise KeyError(f"load: {path!r} lacks the arrays {missing} listed in its header")
            state = {k: z[k] for k in header["keys"]}
    except (zipfile.BadZipFile, EOFError, zlib.error) as e:
        raise ValueError(f"load: {path!r} is damaged or truncated: {e}") from None
    except ValueError as e:
        if "pickle" in str(e):
            raise ValueError(f"load: {path!r} holds pickled (object) arrays; refusing to load them") from None
        if str(e).startswith("load: "):
            raise
        raise ValueError(f"load: {path!r} is damaged or truncated: {e}") from None
    return header, state


def load(path):
    """Read a file written by `save`: the rebuilt Module when the architecture was saved, the
    state dict ({name: array}) when a state dict was saved. The weights of a model whose class is
    not registered are an error that says what to call: `model.load(path)` or `load_state_dict`."""
    header, state = _read(path)
    if header.get("architecture") is None:
        cls = header.get("class")
        if cls is not None:
            raise ValueError(f"load: {os.fspath(path)!r} holds only the weights of a {cls} (its class was not "
                             f"registered with nn.register when saved, so its architecture was not stored); build "
                             f"the model and call model.load(path), or model.load_state_dict(nn.load_state_dict(path))")
        return state
    try:
        model = _build(header["architecture"])
        dtypes = {a.dtype for a in state.values() if a.dtype.kind == "f"}
        if len(dtypes) == 1:
            model.to(dtypes.pop())
        model.load_state_dict(state)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as e:
        raise ValueError(f"load: {os.fspath(path)!r}: the model it describes cannot be rebuilt: {e}") from None
    return model


def load_state_dict(path):
    """The state dict ({name: array}) stored in a file written by `save`, whatever it holds;
    `model.load_state_dict(nn.load_state_dict(path))` fills an existing model."""
    return _read(path)[1]


def export_torch_state_dict(model):
    """The state dict as `torch.Tensor`s; key names follow PyTorch, so `torch_model.load_state_dict` takes it."""
    import torch

    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in model.state_dict().items()}

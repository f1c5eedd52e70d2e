"""`Module`, `Parameter` and the containers `Sequential` and `ModuleList`.

A module registers what is assigned to its attributes: a `Parameter` becomes a parameter,
a `Module` a child, and names given to `register_buffer` hold non-trained state (running
statistics). Attributes stay ordinary Python attributes, so reading `self.weight` in
`forward` costs nothing extra.
"""
from collections import OrderedDict, namedtuple

import numpy as np

from autograd import Tensor, scope
from autograd.scope import SCOPES

# Saving and summary know modules only through their methods, so neither imports this file.
from .serialization import Saveable
from .summary import summary

__all__ = ["Parameter", "Module", "Sequential", "ModuleList"]

_new_scope = object.__new__


class Parameter(Tensor):
    """A Tensor that a `Module` registers as trainable; it requires grad by default.

    Python numbers, lists and integer arrays become float32; floating numpy arrays keep their dtype.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True, dtype=None):
        data = data.data if isinstance(data, Tensor) else data
        if dtype is None and np.asarray(data).dtype.kind != "f":
            dtype = np.float32
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class RemovableHandle:
    """What `register_forward_hook` returns: `.remove()` takes the hook away again."""

    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


class Module(Saveable):
    """Base class of layers and models: subclass it, assign layers in `__init__`, write `forward`.
    Saving (`save`, `load`) comes from `serialization.Saveable`."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls, *args, **kwargs)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "training", True)
        return self

    def __init__(self):
        pass

    def __setattr__(self, name, value):
        params, modules, buffers = self._parameters, self._modules, self._buffers
        # Replacing an entry of the same kind keeps its place in the order.
        if isinstance(value, Parameter):
            modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            modules[name] = value
        else:
            params.pop(name, None)
            modules.pop(name, None)
            if name in buffers:
                if value is not None and not isinstance(value, Tensor):
                    value = Tensor(np.asarray(value))
                buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name, value):
        """Non-trained state saved in `state_dict` (e.g. BatchNorm's running mean); None allowed."""
        self._buffers[name] = None
        setattr(self, name, value)

    def register_parameter(self, name, param):
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None, got {type(param).__name__}")
        setattr(self, name, param)
        if param is None:
            self._parameters[name] = None

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        label = self.__dict__.get("_scope_label")
        if label is None:
            label = self.scope_label()
            object.__setattr__(self, "_scope_label", label)
        # `with scope(label, self)` spelled out: the same, without the calls of __init__, __enter__ and
        # __exit__ for every layer and step.
        entered = _new_scope(scope)
        entered.label, entered.owner = label, self
        SCOPES.append(entered)
        try:
            out = self.forward(*args, **kwargs)
        finally:
            SCOPES.pop()
        if self._forward_hooks:
            for hook in self._forward_hooks.values():
                hook(self, args, out)
        return out

    def register_forward_hook(self, hook):
        """Call `hook(module, inputs, output)` after every call of this module (e.g. `nn.summary`
        records output shapes this way); returns a handle whose `.remove()` stops it."""
        key = max(self._forward_hooks, default=-1) + 1
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    def scope_label(self):
        """A short description used to group this module's nodes in rendered graphs."""
        return type(self).__name__

    # Traversal.
    def named_children(self):
        return iter(self._modules.items())

    def children(self):
        return iter(self._modules.values())

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module and every descendant, each once."""
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            stack.extend(reversed([(f"{name}.{k}" if name else k, c) for k, c in m._modules.items()]))

    def modules(self):
        return (m for _, m in self.named_modules())

    def _named(self, registry, recurse):
        seen = set()
        for name, m in self.named_modules() if recurse else [("", self)]:
            for k, v in getattr(m, registry).items():
                if v is None or id(v) in seen:
                    continue
                seen.add(id(v))
                yield (f"{name}.{k}" if name else k), v

    def named_parameters(self, recurse=True):
        """(dotted name, Parameter) pairs such as `("layers.0.weight", ...)`; shared ones once."""
        return self._named("_parameters", recurse)

    def parameters(self, recurse=True):
        return [p for _, p in self.named_parameters(recurse)]

    def named_buffers(self, recurse=True):
        return self._named("_buffers", recurse)

    def buffers(self, recurse=True):
        return [b for _, b in self.named_buffers(recurse)]

    # Training helpers.
    def zero_grad(self):
        """Forget the gradients of all parameters (`.grad = None`, as PyTorch does by default)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode=True):
        """Training mode (dropout active, batch norm uses batch statistics); returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, dtype):
        """Parameters and floating buffers converted to `dtype` in place (e.g. `np.float64`)."""
        for t in self.parameters() + self.buffers():
            if t.data.dtype.kind == "f":
                t.data = t.data.astype(dtype)
                if t.grad is not None:
                    t.grad = None
        return self

    def double(self):
        return self.to(np.float64)

    def float(self):
        return self.to(np.float32)

    def num_parameters(self, trainable_only=False):
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # State.
    def state_dict(self):
        """Ordered {dotted name: numpy array copy} of parameters and buffers (PyTorch's key names)."""
        out = OrderedDict()
        for name, m in self.named_modules():
            for registry in (m._parameters, m._buffers):
                for k, v in registry.items():
                    if v is not None:
                        out[f"{name}.{k}" if name else k] = v.data.copy()
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into the parameters and buffers with the same names.

        Shapes must match; with `strict`, missing or unexpected keys are errors too.
        Returns (missing_keys, unexpected_keys).
        """
        own = OrderedDict()
        for name, m in self.named_modules():
            for registry in (m._parameters, m._buffers):
                for k, v in registry.items():
                    if v is not None:
                        own[f"{name}.{k}" if name else k] = v
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"load_state_dict: {type(self).__name__} has missing keys {missing} and "
                           f"unexpected keys {unexpected}")
        arrays = {}
        for k, t in own.items():
            if k not in state_dict:
                continue
            value = state_dict[k]
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
            if value.shape != t.shape:
                raise ValueError(f"load_state_dict: shape mismatch for {k!r}: the model has {t.shape}, "
                                 f"the state dict has {value.shape}")
            arrays[k] = value
        for k, value in arrays.items():  # all checked first, so a failed load changes nothing
            own[k].data[...] = value  # in place: optimisers and views keep pointing at the same array
        return IncompatibleKeys(missing, unexpected)

    def summary(self, input_shape, dtype=np.float32, file=None):
        """Print a Keras-like table of layers, output shapes and parameter counts; see `nn.summary`."""
        return summary(self, input_shape, dtype, file)

    # Display.
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    # Keras-style training: `compile`, `fit`, `evaluate` and `predict` are attached by `nn/training.py`
    # (as the Tensor's ops are by `autograd/ops`), so this file does not import the training loop.
    # `fit` stops after an epoch that set this.
    stop_training = False


class _ModuleSequence(Module):
    """What `Sequential` and `ModuleList` share: children named "0", "1", ... in order."""

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.append: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i):
        modules = list(self._modules.values())
        return self._sliced(modules[i]) if isinstance(i, slice) else modules[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(_ModuleSequence):
    """Layers applied in order: `Sequential(Linear(784, 300), ReLU(), Linear(300, 10))`.

    Indexable (`model[0]`, `model[1:]` is a Sequential), iterable, and `append` adds a layer.
    """

    def __init__(self, *layers):
        super().__init__()
        self.extend(layers)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    @staticmethod
    def _sliced(layers):
        return Sequential(*layers)


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (it has no `forward` of its own)."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    @staticmethod
    def _sliced(modules):
        return ModuleList(modules)

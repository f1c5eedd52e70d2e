"""`Optimizer`: the base class shared by SGD, Adagrad, RMSprop, Adam and AdamW.

A subclass gives its defaults, checks its hyper-parameters in `_validate(group)` and
names its update rule: a plain function `rule(params, grads, states, **options)` that
changes each numpy array of `params` in place (never through Tensor ops, so nothing is
recorded). It is called once per parameter group with all of the group's parameters (the
multi-tensor form), so the options are unpacked once per step, not once per parameter.
Parameters are `Tensor`s (updated in place on `.data`) or scalar `Value`s (updated through a
0-d float64 array written back to `.data`).
"""
import copy
import numbers

import numpy as np

from autograd import Tensor, Value
from autograd.modes import enable_grad

__all__ = ["Optimizer"]


class Optimizer:
    """`param_groups`, lazy per-parameter `state`, `zero_grad`, `step` and `state_dict`.

    `params`: an iterable of Tensors / Values, or of dicts `{"params": [...], **options}`
    whose options override the optimizer's defaults for that group.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = {}  # param -> dict of arrays, created at the param's first step
        self.param_groups = []
        name = type(self).__name__
        if callable(getattr(params, "parameters", None)):  # a Module (duck-typed: nn imports optim)
            raise TypeError(f"{name}: got the model ({type(params).__name__}) itself; "
                            f"pass model.parameters(), e.g. {name}(model.parameters(), lr=0.01)")
        if isinstance(params, dict):
            raise TypeError(f"{name}: params must be an iterable of parameters or of parameter-group dicts, "
                            f"got one dict (keys {sorted(map(str, params))[:5]}); pass model.parameters()")
        if isinstance(params, (Tensor, Value, set)):
            raise TypeError(f"{name}: params must be an ordered iterable of parameters "
                            f"(e.g. a list), got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list (a model without parameters, "
                             "or a generator that was already used up?)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            opts = ", ".join(f"{k}={v}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} params, {opts}")
        return "\n".join(lines + [")"])

    def add_param_group(self, group):
        """Add a dict `{"params": [...], **options}`; missing options take the defaults."""
        name = type(self).__name__
        if not isinstance(group, dict):
            raise TypeError(f"{name}.add_param_group: expected a dict, got {type(group).__name__}")
        if "params" not in group:
            raise ValueError(f"{name}.add_param_group: the group has no 'params' key (keys: {sorted(group)})")
        params = group["params"]
        if isinstance(params, (Tensor, Value)):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(f"{name}: parameters must be in an ordered collection (a list), not a set")
        params = list(params)
        for p in params:
            if isinstance(p, Tensor):
                if p._backward is not None:
                    raise ValueError(f"{name}: cannot optimize a non-leaf Tensor (shape {p.shape}); "
                                     "optimize the leaf it was computed from")
                if p.dtype.kind != "f":
                    raise TypeError(f"{name}: parameters must be floating point, got a Tensor of dtype {p.dtype}")
            elif isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
                raise TypeError(f"{name}: got a (name, parameter) pair {p[0]!r}; pass model.parameters(), "
                                "not model.named_parameters()")
            elif not isinstance(p, Value):
                raise TypeError(f"{name}: parameters must be Tensors or Values, got {type(p).__name__}")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{name}: unknown option(s) {sorted(unknown)} in a parameter group; "
                             f"expected some of {sorted(self.defaults)}")
        group = {**self.defaults, **group, "params": params}
        self._validate(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError(f"{name}: some parameters appear more than once (in one group or in several)")
        self.param_groups.append(group)

    def _validate(self, group):
        """Raise ValueError naming any hyper-parameter of `group` outside its range."""

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: `.grad = None` (or zeros) for Tensors, 0.0 for Values."""
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p, Value):
                    p.grad = 0.0  # a Value's gradient is always a float
                elif set_to_none or p.grad is None:
                    p.grad = None
                elif p.grad.requires_grad:
                    p.grad = Tensor(np.zeros_like(p.data))  # a recorded gradient: drop its graph
                else:
                    p.grad.data[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient; `closure()` re-evaluates the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        rule, states = type(self).rule, self.state
        for group in self.param_groups:
            arrays, grads, their_states, scalars = [], [], [], []
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                state = states.get(p)
                if state is None:
                    state = states[p] = {}
                their_states.append(state)
                if isinstance(p, Value):  # through a 0-d float64 array, written back below
                    data = np.array(p.data, dtype=np.float64)
                    scalars.append((p, data))
                    arrays.append(data)
                    grads.append(np.array(g, dtype=np.float64))
                else:
                    arrays.append(p.data)
                    grads.append(g.data)
            if arrays:
                options = {k: v for k, v in group.items() if k not in ("params", "initial_lr")}
                rule(arrays, grads, their_states, **options)
            for p, data in scalars:
                p.data = float(data)
        return loss

    def state_dict(self):
        """A deep copy of the state and options; parameters are replaced by their index."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore what `state_dict()` returned, into an optimizer over parameters of the same shapes."""
        name = type(self).__name__
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the state has {len(saved)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        sizes = [len(g["params"]) for g in self.param_groups]
        if [len(g["params"]) for g in saved] != sizes:
            raise ValueError(f"{name}.load_state_dict: the state's groups hold "
                             f"{[len(g['params']) for g in saved]} parameters, this optimizer's hold {sizes}")
        params = {}
        for group, packed in zip(self.param_groups, saved):
            params.update(zip(packed["params"], group["params"]))
        new_state = {}
        for i, s in state_dict["state"].items():
            p = params[i]
            new_state[p] = {k: _cast_like(v, p, name, k) for k, v in s.items()}
        for group, packed in zip(self.param_groups, saved):
            group.update({k: copy.deepcopy(v) for k, v in packed.items() if k != "params"})
        self.state = new_state


def _cast_like(value, p, name, key):
    """A copy of a saved state entry, as an array of the parameter's shape and dtype."""
    if not isinstance(value, np.ndarray):
        return copy.deepcopy(value)
    shape, dtype = (p.data.shape, p.data.dtype) if isinstance(p, Tensor) else ((), np.float64)
    if value.shape != shape:
        raise ValueError(f"{name}.load_state_dict: state '{key}' has shape {value.shape}, "
                         f"its parameter has shape {shape}")
    return np.array(value, dtype=dtype)


def check(opt, group, key, ok, expected):
    """ValueError naming optimizer `opt`, option `key`, its value and the `expected` range unless `ok`."""
    if not ok:
        raise ValueError(f"{opt}: invalid {key}={group[key]!r}; expected {expected}")


def check_nonnegative(opt, group, *keys):
    for key in keys:
        value = group[key]
        check(opt, group, key, is_number(value) and value >= 0, "a number >= 0")


def is_number(value):
    """A real number (numpy scalars included), not a bool; NaN passes here and fails any range check."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))

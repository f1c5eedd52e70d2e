"""Gradient checking: analytical Jacobians (from backward) against central differences.

`gradcheck(fn, inputs)` works for functions of `Tensor`s and of `Value`s. In the manner of
PyTorch's gradcheck it also checks that a second backward gives the same answer, that a zero
upstream gradient gives zero, and that every gradient has its input's shape and dtype.
`gradgradcheck` applies the same check to the gradients themselves (second order).
"""
import numpy as np

from .functional import grad
from .graph import run_backward
from .tensor import Tensor
from .value import Value

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """An analytical gradient disagrees with the numerical one (or is otherwise inconsistent)."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _check_inputs(inputs):
    """The inputs that gradients are checked for: Values, and float64 Tensors requiring grad."""
    wrt = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            wrt.append(i)
        elif isinstance(x, Tensor) and x.requires_grad:
            if x.dtype != np.float64:
                raise TypeError(f"gradcheck: input {i} has dtype {x.dtype}; central differences need float64 "
                                f"(create it with dtype=np.float64)")
            wrt.append(i)
    if not wrt:
        raise ValueError("gradcheck: no input is a Value or a Tensor with requires_grad=True")
    return wrt


def _flat(out):
    """An output as a flat float64 array (a Value counts as one element)."""
    if isinstance(out, Value):
        return np.array([out.data])
    if isinstance(out, Tensor):
        return np.array(out.data, dtype=np.float64).ravel()  # a copy: views would see later perturbations
    raise TypeError(f"gradcheck: the function must return Tensors or Values, got {type(out).__name__}")


def _numerical(fn, inputs, wrt, eps):
    """jac[k][i]: d(output k, flattened)/d(input i, flattened) by central differences."""
    # Grad mode stays on: `fn` may itself take gradients (gradgradcheck).
    sizes = [_flat(o).size for o in _as_tuple(fn(*inputs))]
    jac = [[None] * len(inputs) for _ in sizes]
    for i in wrt:
        x = inputs[i]
        n = 1 if isinstance(x, Value) else x.size
        cols = [np.zeros((m, n)) for m in sizes]
        if isinstance(x, Tensor):
            original = x.data
            x.data = original.copy()
            flat = x.data.reshape(-1)  # a view: writing to it perturbs x
        for j in range(n):
            outs = []
            for step in (eps, -eps):
                if isinstance(x, Value):
                    centre, x.data = x.data, x.data + step
                    outs.append([_flat(o) for o in _as_tuple(fn(*inputs))])
                    x.data = centre
                else:
                    centre, flat[j] = flat[j], flat[j] + step
                    outs.append([_flat(o) for o in _as_tuple(fn(*inputs))])
                    flat[j] = centre
            for k in range(len(sizes)):
                cols[k][:, j] = (outs[0][k] - outs[1][k]) / (2 * eps)
        if isinstance(x, Tensor):
            x.data = original
        for k in range(len(sizes)):
            jac[k][i] = cols[k]
    return jac


def _backward_grads(out, seed, inputs, wrt):
    """d(out · seed)/d(input) for each checked input, as flat arrays; also checks shapes and dtypes."""
    if isinstance(out, Value):
        found = run_backward([out], [float(seed[0])], retain_graph=True, capture={inputs[i] for i in wrt})
        return [np.array([found.get(inputs[i], 0.0)], dtype=np.float64) for i in wrt]
    if not out.requires_grad:
        return [np.zeros(inputs[i].size) for i in wrt]
    seed = seed.reshape(out.shape).astype(out.dtype)
    grads = grad(out, [inputs[i] for i in wrt], Tensor(seed), retain_graph=True, allow_unused=True)
    flat = []
    for i, g in zip(wrt, grads):
        x = inputs[i]
        if g is None:
            flat.append(np.zeros(x.size))
            continue
        if g.shape != x.shape or g.dtype != x.dtype:
            raise GradcheckError(f"gradcheck: the gradient of input {i} has shape {g.shape} and dtype {g.dtype}, "
                                 f"but the input has shape {x.shape} and dtype {x.dtype}")
        flat.append(np.asarray(g.data, dtype=np.float64).ravel())
    return flat


def _analytical(outs, inputs, wrt):
    jac = [[None] * len(inputs) for _ in outs]
    for k, out in enumerate(outs):
        m = _flat(out).size
        rows = {i: np.zeros((m, 1 if isinstance(inputs[i], Value) else inputs[i].size)) for i in wrt}
        for r in range(m):
            seed = np.zeros(m)
            seed[r] = 1.0
            for i, g in zip(wrt, _backward_grads(out, seed, inputs, wrt)):
                rows[i][r] = g
        for i in wrt:
            jac[k][i] = rows[i]
    return jac


def _fail(message, raise_exception):
    if raise_exception:
        raise GradcheckError(message)
    return False


def _where(shape, j):
    return str(tuple(int(v) for v in np.unravel_index(j, shape))) if shape else "()"


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare `fn`'s backward with float64 central differences, for every input that needs a gradient.

    `fn(*inputs)` returns a Tensor or Value, or a tuple of them. Returns True when everything
    agrees; otherwise raises `GradcheckError` naming the output, input and element that differ
    with the analytical and numerical values (or returns False if `raise_exception=False`).
    """
    inputs = _as_tuple(inputs)
    wrt = _check_inputs(inputs)
    outs = _as_tuple(fn(*inputs))
    analytical = _analytical(outs, inputs, wrt)
    numerical = _numerical(fn, inputs, wrt, eps)
    for k, out in enumerate(outs):
        out_shape = out.shape if isinstance(out, Tensor) else ()
        for i in wrt:
            a, n = analytical[k][i], numerical[k][i]
            bad = ~np.isclose(a, n, rtol=rtol, atol=atol)
            if bad.any():
                r, j = (int(v) for v in np.argwhere(bad)[0])
                in_shape = inputs[i].shape if isinstance(inputs[i], Tensor) else ()
                return _fail(
                    f"gradcheck: Jacobian mismatch for output {k} element {_where(out_shape, r)} with respect to "
                    f"input {i} element {_where(in_shape, j)} (input shape {in_shape}): analytical {float(a[r, j])!r}, "
                    f"numerical {float(n[r, j])!r} ({int(bad.sum())} of {bad.size} entries differ; atol={atol}, rtol={rtol})",
                    raise_exception)
    # Backward is deterministic: a second pass over the same graph gives the same Jacobian.
    again = _analytical(outs, inputs, wrt)
    for k in range(len(outs)):
        for i in wrt:
            if not np.array_equal(analytical[k][i], again[k][i]):
                return _fail(f"gradcheck: backward twice gave different gradients for output {k} "
                             f"with respect to input {i}", raise_exception)
    # A zero upstream gradient must give zero gradients.
    for k, out in enumerate(outs):
        for i, g in zip(wrt, _backward_grads(out, np.zeros(_flat(out).size), inputs, wrt)):
            if np.any(g != 0):
                return _fail(f"gradcheck: a zero upstream gradient for output {k} gave a non-zero gradient "
                             f"for input {i}", raise_exception)
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """gradcheck of the gradients of `fn` (built with `create_graph=True`): checks second derivatives.

    The gradients are taken against `grad_outputs` (random float64 by default, one per output),
    which are themselves differentiable inputs of the checked function, as in PyTorch.
    Tensor functions only.
    """
    inputs = _as_tuple(inputs)
    if any(isinstance(x, Value) for x in inputs):
        raise TypeError("gradgradcheck: Value functions have no create_graph support; use Tensors")
    wrt = _check_inputs(inputs)
    outs = [o for o in _as_tuple(fn(*inputs)) if o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = [Tensor(rng.standard_normal(o.shape), requires_grad=True) for o in outs]
    grad_outputs = list(_as_tuple(grad_outputs))
    if len(grad_outputs) != len(outs):
        raise ValueError(f"gradgradcheck: {len(grad_outputs)} grad_outputs for {len(outs)} differentiable outputs")
    n = len(inputs)

    def first_order(*args):
        xs, gos = args[:n], args[n:]
        ys = [o for o in _as_tuple(fn(*xs)) if o.requires_grad]
        total = [None] * len(wrt)
        for y, go in zip(ys, gos):
            gs = grad(y, [xs[i] for i in wrt], go, create_graph=True, allow_unused=True)
            total = [g if t is None else t if g is None else t + g for t, g in zip(total, gs)]
        return tuple(Tensor(np.zeros_like(xs[i].data)) if g is None else g for i, g in zip(wrt, total))

    return gradcheck(first_order, (*inputs, *grad_outputs), eps, atol, rtol, raise_exception)

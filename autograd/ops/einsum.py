"""`einsum`: numpy's subscripts (explicit `->` or implicit output, `...`, any number of operands,
a letter repeated on one operand for traces and diagonals), with size-1 dims broadcast.

The gradient for one operand is another einsum: the upstream gradient contracted with the
other operands, written out to that operand's subscripts. Two cases need help because an
einsum output cannot name them: a letter summed inside that operand alone (a ones vector
brings it back), and a letter repeated on it (an identity matrix puts the gradient on the
diagonal). Since the backward calls `np.einsum`, gradients of gradients follow.
"""
import string
from collections import Counter

import numpy as np

from ..tensor import as_tensor, make
from .shape import broadcast_to


def _parse(subscripts, ndims):
    """The operands' subscripts and the output's, with each `...` spelled out in spare letters."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got {type(subscripts).__name__}")
    spec = subscripts.replace(" ", "")
    lhs, arrow, out = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(terms)} operands, got {len(ndims)}")
    bad = set(spec) - set(string.ascii_letters) - set(",->.")
    if bad or spec.count(".") % 3 or "...." in spec:
        raise ValueError(f"einsum: invalid subscripts {subscripts!r} (letters, ',', '->' and '...' only)")
    spare = iter(c for c in string.ascii_letters if c not in spec)
    ell_ndim = max([nd - len(t.replace("...", "")) for t, nd in zip(terms, ndims) if "..." in t], default=0)
    ellipsis = "".join(next(spare) for _ in range(max(ell_ndim, 0)))
    inputs = []
    for k, (t, nd) in enumerate(zip(terms, ndims)):
        if "..." in t:
            extra = nd - len(t.replace("...", ""))
            t = t.replace("...", ellipsis[len(ellipsis) - extra:] if extra > 0 else "")
        if len(t) != nd:
            raise ValueError(f"einsum: operand {k} has {nd} dims but its subscripts {terms[k]!r} name {len(t)}")
        inputs.append(t)
    if arrow:
        output = out.replace("...", ellipsis)
        if len(set(output)) != len(output):
            raise ValueError(f"einsum: output subscripts {out!r} repeat a letter")
        missing = set(output) - set("".join(inputs))
        if missing:
            raise ValueError(f"einsum: output letters {sorted(missing)} appear in no operand")
    else:
        # Implicit output: the `...` dims, then the letters used once, in alphabetical order (numpy's rule).
        counts = Counter(lhs.replace(".", "").replace(",", ""))
        output = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    return inputs, output, spare


def einsum(subscripts, *operands, optimize=False):
    """numpy's einsum on Tensors: `einsum("ij,jk->ik", a, b)`, `einsum("ii", a)`, `einsum("...ij->...ji", a)`."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # PyTorch also takes the operands as one list
    operands = [as_tensor(x, op="einsum") for x in operands]
    inputs, output, spare = _parse(subscripts, [x.ndim for x in operands])
    for subs, x in zip(inputs, operands):
        for c in set(subs):
            dims = [n for d, n in zip(subs, x.shape) if d == c]
            if len(set(dims)) > 1:
                raise ValueError(f"einsum: repeated letter {c!r} on one operand needs equal dims, got {dims}")
    sizes = {}
    for k, (subs, x) in enumerate(zip(inputs, operands)):
        for c, n in zip(subs, x.shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise ValueError(f"einsum: letter {c!r} has size {sizes[c]} elsewhere but {n} in operand {k} "
                                 f"(shape {x.shape}, subscripts {subscripts!r})")
    # Size-1 dims broadcast by an explicit expand, so that the backward sees equal sizes.
    operands = [x if all(n == sizes[c] for c, n in zip(subs, x.shape)) else
                broadcast_to(x, tuple(sizes[c] for c in subs)) for subs, x in zip(inputs, operands)]
    spare = "".join(spare)
    spec = ",".join(inputs) + "->" + output
    out = np.einsum(spec, *[x.data for x in operands], optimize=len(operands) > 2)

    def backward(g, out, *xs):
        return tuple(_operand_grad(k, g, xs, inputs, output, sizes, spare) for k in range(len(xs)))

    return make(np.asarray(out), tuple(operands), backward, "einsum")


def _operand_grad(k, g, xs, inputs, output, sizes, spare):
    target, fresh = inputs[k], iter(spare)
    letters, deltas = [], []
    for c in target:
        if c in letters:
            f = next(fresh)
            letters.append(f)
            deltas.append(c + f)
        else:
            letters.append(c)
    terms = [output] + [s for j, s in enumerate(inputs) if j != k]
    args = [g] + [x for j, x in enumerate(xs) if j != k]
    dtype = xs[k].dtype
    present = set("".join(terms))
    for c in dict.fromkeys(target):
        if c not in present:
            terms.append(c)
            args.append(np.ones(sizes[c], dtype=dtype))
    for d in deltas:
        terms.append(d)
        args.append(np.eye(sizes[d[0]], dtype=dtype))
    return np.einsum(",".join(terms) + "->" + "".join(letters), *args, optimize=len(args) > 2)


__all__ = ["einsum"]

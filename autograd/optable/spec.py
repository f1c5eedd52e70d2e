"""What a row of the op table is: `OpSpec`, the input `Domain`s, the shapes to try, and the small
constructors the rows use."""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Domain:
    """Uniform values in [low, high], kept at least `margin` away from each point in `avoid`."""

    low: float = -2.0
    high: float = 2.0
    avoid: tuple = ()
    margin: float = 0.1

    def sample(self, rng, shape):
        x = rng.uniform(self.low, self.high, shape)
        for p in self.avoid:
            near = np.abs(x - p) < self.margin
            x = np.where(near, p + np.where(x >= p, 2.0, -2.0) * self.margin, x)
        return x

    def allows(self, x):
        return all(np.all(np.abs(np.asarray(x) - p) >= self.margin) for p in self.avoid)


REAL = Domain()
POSITIVE = Domain(0.5, 2.5)
NONZERO = Domain(avoid=(0.0,), margin=0.25)
ABOVE_MINUS_ONE = Domain(-0.5, 2.0)
CLIP = Domain(avoid=(-0.5, 0.5))
UNIT = Domain(-0.9, 0.9)
ABOVE_ONE = Domain(1.2, 3.0)
NOT_INTEGER = Domain(avoid=(-2.0, -1.0, 0.0, 1.0, 2.0))
NOT_HALF = Domain(avoid=(-1.5, -0.5, 0.5, 1.5))
NEGATIVE = Domain(-2.5, -0.5)

SAME = "same"

UNARY = (((),), ((3,),), ((2, 3),))
BINARY = (((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 1), (1, 3)), ((3,), (2, 3)))
REDUCE = (((3,),), ((2, 3),))
MATRIX = (((2, 3),),)


@dataclass(frozen=True)
class OpSpec:
    """One op to check: `fn(*tensors)` returns a Tensor or a tuple of Tensors.

    `free_shapes`: the op accepts any shape (or any mutually broadcastable shapes), so random
    shapes may be drawn for it. `distinct`: the inputs must not hold (near-)equal values, where
    max/min-like ops have a kink.
    """

    name: str
    fn: object
    domains: tuple
    shapes: tuple
    torch: object = SAME
    free_shapes: bool = False
    distinct: bool = False

    @property
    def arity(self):
        return len(self.domains)

    def torch_fn(self, torch):
        if self.torch is None:
            return None
        if self.torch == SAME:
            return self.fn
        return lambda *xs: self.torch(torch, *xs)

    def valid(self, arrays):
        """Whether these argument values keep away from the op's kinks."""
        if not all(d.allows(a) for d, a in zip(self.domains, arrays)):
            return False
        if self.distinct:
            flat = np.sort(np.concatenate([np.ravel(a) for a in arrays]))
            return bool(np.all(np.diff(flat) > 1e-3))
        return True

    def sample(self, rng, shapes):
        """Random float64 argument arrays for `shapes`, drawn from the op's domains."""
        for _ in range(100):
            arrays = [d.sample(rng, s) for d, s in zip(self.domains, shapes)]
            if self.valid(arrays):
                return arrays
        raise RuntimeError(f"{self.name}: could not draw valid inputs of shapes {shapes}")


def _unary(name, fn, domain=REAL, torch=SAME, free=True):
    return OpSpec(name, fn, (domain,), UNARY, torch, free_shapes=free)


def _binary(name, fn, da=REAL, db=REAL, torch=SAME, distinct=False):
    return OpSpec(name, fn, (da, db), BINARY, torch, free_shapes=True, distinct=distinct)


def _reduce(name, fn, torch=SAME, shapes=REDUCE, free=False, distinct=False):
    return OpSpec(name, fn, (REAL,), shapes, torch, free_shapes=free, distinct=distinct)


def _shaped(name, fn, shapes, torch=SAME, domains=(REAL,)):
    return OpSpec(name, fn, domains, shapes, torch)

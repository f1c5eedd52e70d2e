"""The main demo: one expression's gradients, then a scalar MLP learning two moons."""
import random

from autograd import Value
from nn.data import make_moons
from nn.scalar import MLP

from .cli import positive_int


def expression_demo(out=print):
    """A neuron with two inputs: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    out("o = tanh(x1*w1 + x2*w2 + b) with x1=2, x2=0, w1=-3, w2=1, b=6.8814")
    out(f"o = {o.data:.6f}")
    for v in (x1, x2, w1, w2, b):
        out(f"  do/d{v.label} = {v.grad:+.6f}")
    return o, (x1, x2, w1, w2, b)


def train_moons(steps=60, seed=1337, n_samples=100, out=print):
    """Train MLP 2-16-16-1 with the SVM max-margin loss; returns (final loss, accuracy)."""
    for name, value in (("steps", steps), ("n_samples", n_samples)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"train_moons: {name} must be a positive integer, got {value!r}")
    random.seed(seed)
    X, y = make_moons(n_samples, noise=0.1, seed=1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    out(f"training {model.__class__.__name__} 2-16-16-1 ({len(model.parameters())} parameters) on {n_samples} moons")
    for step in range(steps):
        scores = [model([Value(x0), Value(x1)]) for x0, x1 in X]
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        loss = data_loss + reg_loss
        acc = sum((si.data > 0) == (yi > 0) for yi, si in zip(y, scores)) / len(y)
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * step / steps
        for p in model.parameters():
            p.data -= lr * p.grad
        if step % 10 == 0 or step == steps - 1:
            out(f"  step {step:3d}  loss {loss.data:.4f}  accuracy {acc:.0%}")
    return loss.data, acc


def register(sub):
    p = sub.add_parser("demo", help="gradients of a scalar expression, then a scalar MLP learning two moons")
    p.add_argument("--steps", type=positive_int, default=60, help="training steps (default 60)")
    p.set_defaults(func=main)


def main(args):
    expression_demo()
    print()
    loss, acc = train_moons(steps=args.steps)
    print(f"final loss {loss:.4f}, accuracy {acc:.0%}")

"""Random expression graphs built with `Value` and with torch float64 0-d tensors agree to 1e-10."""
import math
import random

import pytest

from autograd import Value

torch = pytest.importorskip("torch")
F = torch.nn.functional

# Each op keeps its inputs in its domain by construction (log of softplus + 0.1, ...), so any
# random program is valid; both backends evaluate the same program.
UNARY = {
    "neg": lambda a, K: -a,
    "exp_tanh": lambda a, K: K.tanh(a).exp(),
    "log": lambda a, K: (K.softplus(a) + 0.1).log(),
    "sqrt": lambda a, K: (a * a + 0.5).sqrt(),
    "tanh": lambda a, K: K.tanh(a),
    "sigmoid": lambda a, K: K.sigmoid(a),
    "relu": lambda a, K: K.relu(a),
    "leaky_relu": lambda a, K: K.leaky_relu(a, 0.1),
    "abs": lambda a, K: abs(a),
    "softplus": lambda a, K: K.softplus(a),
    "square": lambda a, K: a**2,
    "rpow": lambda a, K: 2 ** K.tanh(a),
    "affine": lambda a, K: 1.5 - 0.5 * a,
}
BINARY = {
    "add": lambda a, b, K: a + b,
    "sub": lambda a, b, K: a - b,
    "mul": lambda a, b, K: a * b,
    "div": lambda a, b, K: a / (1 + b * b),
    "pow": lambda a, b, K: (K.sigmoid(a) + 0.5) ** K.tanh(b),
}


class OnValue:
    tanh, sigmoid, relu, softplus = Value.tanh, Value.sigmoid, Value.relu, Value.softplus
    leaky_relu = staticmethod(lambda a, s: a.leaky_relu(s))


class OnTorch:
    tanh, sigmoid, relu, softplus = torch.tanh, torch.sigmoid, torch.relu, F.softplus
    leaky_relu = staticmethod(F.leaky_relu)


def random_program(rng, n_leaves, n_ops):
    prog = []
    for k in range(n_ops):
        live = n_leaves + k
        if rng.random() < 0.5:
            prog.append((rng.choice(sorted(UNARY)), rng.randrange(live)))
        else:
            prog.append((rng.choice(sorted(BINARY)), rng.randrange(live), rng.randrange(live)))
    return prog


def run(prog, nodes, K):
    nodes = list(nodes)
    for name, *args in prog:
        op = UNARY.get(name) or BINARY[name]
        nodes.append(op(*[nodes[i] for i in args], K))
    # The output sums the last few nodes, so several paths reach each leaf (diamonds).
    return nodes, sum(nodes[-5:])


@pytest.mark.parametrize("seed", range(40))
def test_random_expression_graphs_match_torch(seed):
    rng = random.Random(seed)
    leaves = [rng.uniform(-2, 2) for _ in range(rng.randint(1, 4))]
    prog = random_program(rng, len(leaves), rng.randint(5, 60))

    vs, v_out = run(prog, [Value(x) for x in leaves], OnValue)
    v_out.backward()
    ts, t_out = run(prog, [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves], OnTorch)
    for t in ts[len(leaves):]:
        if t.requires_grad:
            t.retain_grad()
    t_out.backward()

    def close(a, b):
        return math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-10)

    assert close(v_out.data, t_out.item())
    for i, (v, t) in enumerate(zip(vs, ts)):
        assert close(v.data, t.item()), (i, prog)
        want = t.grad.item() if t.grad is not None else 0.0
        assert close(v.grad, want), (i, v.grad, want, prog)

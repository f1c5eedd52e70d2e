"""Cross-engine: a random expression evaluated element by element with `Value` and all at once with
`Tensor` gives the same values and gradients."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value

# Operations both engines spell the same way; each keeps its inputs in its domain.
UNARY = [
    lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a.relu(), lambda a: a.softplus(),
    lambda a: a.tanh().exp(), lambda a: (a * a + 1).log(), lambda a: (a * a + 0.5).sqrt(),
    lambda a: -a, lambda a: a ** 2, lambda a: a.leaky_relu(0.1), lambda a: abs(a), lambda a: 2.0 - a,
]
BINARY = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1),
    lambda a, b: 0.5 * a + b * 3, lambda a, b: (a * a + 0.1) ** (b.tanh()),
]


def run(program, inputs):
    """Each step appends op(registers[i], registers[j]); the result is the last register."""
    regs = list(inputs)
    for kind, op, i, j in program:
        a, b = regs[i % len(regs)], regs[j % len(regs)]
        regs.append(UNARY[op % len(UNARY)](a) if kind == 0 else BINARY[op % len(BINARY)](a, b))
    return regs[-1]


steps = st.tuples(st.integers(0, 1), st.integers(0, 11), st.integers(0, 20), st.integers(0, 20))


@settings(max_examples=40, deadline=None)
@given(program=st.lists(steps, min_size=1, max_size=10), n_inputs=st.integers(1, 3), size=st.integers(1, 4),
       seed=st.integers(0, 2 ** 16))
def test_value_and_tensor_agree(program, n_inputs, size, seed):
    data = np.random.default_rng(seed).uniform(-2, 2, (n_inputs, size))
    tensors = [Tensor(row, requires_grad=True) for row in data]
    out = run(program, tensors)
    # Every op is elementwise, so d(sum out)/dx[k] = d out[k]/dx[k].
    out.sum().backward()
    for k in range(size):
        values = [Value(float(row[k])) for row in data]
        v = run(program, values)
        v.backward()
        assert np.isclose(v.data, out.data[k], rtol=1e-12, atol=1e-12)
        for t, val in zip(tensors, values):
            t_grad = 0.0 if t.grad is None else t.grad.data[k]
            assert np.isclose(val.grad, t_grad, rtol=1e-9, atol=1e-12), (k, val.grad, t_grad)


def test_a_fixed_expression_agrees():
    x = np.array([-1.0, 0.5, 2.0])
    t = Tensor(x, requires_grad=True)
    ((t * t + 1).log() * t.tanh() - t / 3).sum().backward()
    for k, xk in enumerate(x):
        v = Value(xk)
        ((v * v + 1).log() * v.tanh() - v / 3).backward()
        assert np.isclose(v.grad, t.grad.data[k], rtol=1e-12)

"""The backward contract: one formula serves arrays and Tensors, no backward asks which it got,
the Tensor does not import the ops, and second derivatives are exact where inputs are zero."""
import ast
from pathlib import Path

import numpy as np
import pytest

from autograd import Tensor, grad, gradgradcheck

AUTOGRAD = Path(__file__).resolve().parent.parent / "autograd"


def _backward_functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (node.name == "backward" or node.name.endswith("_bw")):
            yield node


@pytest.mark.parametrize("path", sorted((AUTOGRAD / "ops").glob("*.py")), ids=lambda p: p.name)
def test_no_backward_branches_on_arrays_versus_tensors(path):
    tree = ast.parse(path.read_text())
    for fn in _backward_functions(tree):
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
                names = {getattr(a, "id", None) for a in ast.walk(node)}
                assert "Tensor" not in names, f"{path.name}: {fn.name} (line {fn.lineno}) branches on Tensor"


def test_the_tensor_does_not_import_the_ops():
    tree = ast.parse((AUTOGRAD / "tensor.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m and m.startswith("ops") for m in imported), imported


def test_prod_second_derivative_with_zeros():
    data = np.array([[0.0, 2.0, 3.0], [1.0, 0.0, 0.0], [0.5, 1.5, -2.0]])
    x = Tensor(data, requires_grad=True)
    assert gradgradcheck(lambda t: t.prod(axis=1), [x])
    assert gradgradcheck(lambda t: t.prod(), [Tensor(data[:2, :2].copy(), requires_grad=True)])
    (g,) = grad(x.prod(axis=1).sum(), [x], create_graph=True)
    (h,) = grad(g.sum(), [x])
    # d/dx_i of sum_j prod_{k != j} x_k: for row [0, 2, 3] it is [2+3, 0+3, 0+2].
    np.testing.assert_allclose(h.data[0], [5.0, 3.0, 2.0])
    torch = pytest.importorskip("torch")
    t = torch.tensor(data, requires_grad=True)
    (tg,) = torch.autograd.grad(t.prod(dim=1).sum(), t, create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), t)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-12)

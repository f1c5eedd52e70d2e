"""nn's files depend on each other one way: no `import nn` inside nn, summary through forward hooks."""
import ast
import io
from pathlib import Path

import numpy as np

import nn
from autograd import Tensor

NN = Path(nn.__file__).parent


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")


def test_no_file_of_nn_imports_the_nn_package_itself():
    offenders = [f"{p.relative_to(NN)}: {name}" for p in NN.rglob("*.py") for name in _imports(p)
                 if name == "nn" or name.startswith("nn.")]
    assert offenders == []


def test_summary_and_module_do_not_import_each_other_in_a_circle():
    summary_imports = set(_imports(NN / "summary.py"))
    assert not any(name.startswith(".") for name in summary_imports), summary_imports


def test_forward_hooks_see_every_call_and_can_be_removed():
    layer = nn.Linear(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append((m, args[0].shape, out.shape)))
    layer(Tensor(np.ones((4, 3), dtype=np.float32)))
    assert seen == [(layer, (4, 3), (4, 2))]
    handle.remove()
    layer(Tensor(np.ones((1, 3), dtype=np.float32)))
    assert len(seen) == 1


def test_summary_leaves_no_hooks_behind():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    total = model.summary((3,), file=io.StringIO())
    assert total == 3 * 4 + 4 + 4 * 2 + 2
    assert all(not m._forward_hooks for m in model.modules())

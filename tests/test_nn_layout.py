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


def test_module_saving_and_summary_do_not_import_each_other_in_a_circle():
    # module.py imports them; they import nothing from nn (they use a module through its methods)
    for name in ("summary.py", "serialization.py"):
        relative = [m for m in _imports(NN / name) if m.startswith(".")]
        assert relative == [], (name, relative)
    assert {".serialization", ".summary"} <= set(_imports(NN / "module.py"))


def test_saving_is_inherited_and_knows_the_constructor_arguments(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, bias=False), nn.Tanh())
    assert isinstance(model, nn.serialization.Saveable)
    assert model[0]._init_args == ((3, 4), {"bias": False})
    model.save(tmp_path / "m.npz")
    again = nn.load(tmp_path / "m.npz")
    assert again[0].bias is None and again[0].weight.shape == (4, 3)
    np.testing.assert_array_equal(again[0].weight.data, model[0].weight.data)


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


def test_module_does_not_import_the_training_loop():
    # The Keras-style methods are attached by nn/training.py, as the ops attach the Tensor's methods.
    assert not any("training" in name for name in _imports(NN / "module.py"))
    assert nn.Module.fit.__module__ == "nn.training"

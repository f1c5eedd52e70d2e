"""The lesson notebooks: each one runs top to bottom (their assert cells check the numbers),
the set is the expected six, and the stored files carry no outputs and match their sources."""
import os
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (installed with nbclient)
from jupyter_client.manager import KernelManager  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01_chain_rule.ipynb",
    "02_linear_regression.ipynb",
    "03_backprop_small_network.ipynb",
    "04_optimizers.ipynb",
    "05_activation_functions.ipynb",
    "06_mlp_classifier.ipynb",
]
CELL_TIMEOUT = 120  # seconds; each notebook takes a few seconds in all


def _kernel_manager():
    """A manager for ipykernel's own `python3` kernel run by this interpreter.

    With no kernel directories to search, jupyter_client falls back on the kernel spec that
    ipykernel provides, whose command is `sys.executable -m ipykernel_launcher`: a `python3`
    kernel spec installed elsewhere (for another Python, without chainrule) is never picked up.
    """
    return KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))


def test_the_six_lessons_are_there():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED
    assert sorted(p.name for p in NOTEBOOKS.glob("*.py")) == [n.replace(".ipynb", ".py") for n in EXPECTED]


@pytest.mark.parametrize("name", EXPECTED)
def test_stored_without_outputs_and_as_generated(name):
    sys.path.insert(0, str(ROOT))
    try:
        from chainrule.make_notebooks import notebook_for
    finally:
        sys.path.remove(str(ROOT))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs not stripped"
    expected = notebook_for(NOTEBOOKS / name.replace(".ipynb", ".py"))
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in expected.cells], (
        f"{name} differs from its source {name.replace('.ipynb', '.py')}: run `python tools/make_notebooks.py`"
    )


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    km = _kernel_manager()
    client = nbclient.NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(tmp_path)}})
    # The checkout first on the kernel's path, so the notebooks use this source tree.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    start = time.perf_counter()
    try:
        client.execute(env=env)  # raises CellExecutionError, showing the cell and traceback, on any error
    finally:
        if km.has_kernel:  # a kernel manager passed in is ours to shut down, not nbclient's
            km.shutdown_kernel(now=True)
    elapsed = time.perf_counter() - start
    print(f"{name}: {elapsed:.1f} s")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert list(tmp_path.iterdir()) == [], "a notebook left files in its working directory"

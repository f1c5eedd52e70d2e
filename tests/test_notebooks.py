"""The lesson notebooks: the nine of the reading order are there, each is stored with its outputs
(figures included) exactly as written from its source, and running it again in a fresh kernel
prints the same text, numbers included where the machine's numerics (numpy's SIMD level, OpenBLAS's
kernels) are those the notebook was stored with (their assert cells check the numbers themselves)."""
import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01_derivatives_chain_rule",
    "02_gradient_descent",
    "03_scalar_engine",
    "04_linear_regression",
    "05_backprop_by_hand",
    "06_activation_functions",
    "07_optimizers",
    "08_mlp_classifier",
    "09_convolutional_networks",
]
MAX_BYTES = 500 * 1024

# This checkout's tools/make_notebooks.py (installed as `chainrule.make_notebooks`, possibly from
# another checkout): it runs the notebooks against the library of the tree it sits in.
_spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)


def test_the_nine_lessons_are_there_in_reading_order():
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) == EXPECTED
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")) == EXPECTED
    index = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"({name}.ipynb)" in index, f"notebooks/README.md does not link {name}.ipynb"
        assert f"(figures/{name}.png)" in index, f"notebooks/README.md does not show figures/{name}.png"
        assert (NOTEBOOKS / "figures" / f"{name}.png").is_file(), f"no thumbnail figures/{name}.png"
    assert "notebooks/README.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXPECTED)
def test_stored_with_outputs_and_as_generated(name):
    path = NOTEBOOKS / f"{name}.ipynb"
    assert path.stat().st_size < MAX_BYTES, f"{name}.ipynb is {path.stat().st_size / 1024:.0f} KB"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    expected = mk.notebook_for(NOTEBOOKS / f"{name}.py")
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in expected.cells], (
        f"{name}.ipynb differs from its source {name}.py: run `python tools/make_notebooks.py {name[:2]}`"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), f"{name}: not run top to bottom"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], f"{name}: stored with an error"
    assert any(o.output_type == "stream" for o in outputs), f"{name}: stored without printed output"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{name}: no figure"
    tagged = [c for c in code if "thumbnail" in c.metadata.get("tags", [])]
    assert tagged and any("image/png" in o.get("data", {}) for o in tagged[0].outputs), (
        f"{name}: the cell tagged thumbnail shows no PNG figure"
    )


@pytest.mark.parametrize("name", EXPECTED)
def test_running_again_prints_the_same(name, tmp_path):
    stored = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    fresh = mk.notebook_for(NOTEBOOKS / f"{name}.py")
    mk.execute(fresh, tmp_path)  # raises CellExecutionError, showing the cell and traceback, on any error
    assert list(tmp_path.iterdir()) == [], "a notebook left files in its working directory"
    # Other BLAS kernels or SIMD round differently, and training turns that into other digits: there
    # the text must agree with the numbers left out, and the notebook's assert cells check the numbers.
    same = stored.metadata["chainrule"]["numerics"] == fresh.metadata["chainrule"]["numerics"]
    for (cell_id, want), (_, got) in zip(mk.text_outputs(stored), mk.text_outputs(fresh), strict=True):
        if not same:
            want, got = mk.without_numbers(want), mk.without_numbers(got)
        assert got == want, f"{name}, {cell_id}: the output differs from the stored one"


def test_text_outputs_ignore_addresses_but_not_numbers():
    nb = mk.build([("code", "x", [])])
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<A at 0x7f12ab>"}),
                           nbformat.v4.new_output("stream", name="stdout", text="loss 0.25\n")]
    other = mk.build([("code", "x", [])])
    other.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<A at 0x55aa>"}),
                              nbformat.v4.new_output("stream", name="stdout", text="loss 0.26\n")]
    (_, a), (_, b) = mk.text_outputs(nb)[0], mk.text_outputs(other)[0]
    assert a[0] == b[0] and a[1] != b[1]


def test_numerics_name_numpy_and_the_blas_kernels_and_numbers_can_be_left_out():
    text = mk.numerics()
    assert text.startswith("numpy ") and "openblas" in text
    assert mk.without_numbers(["loss 0.25 at epoch 3, 1,024 rows, lr 1e-3\n", "(None, 8, 4, 4)"]) == [
        "loss # at epoch #, # rows, lr #\n", "(None, #, #, #)"]
    assert mk.without_numbers(["[0. 0.]\n[152.77 183.7  180.96]\n[ 1.5 -2. ]"]) == mk.without_numbers(
        ["[1.5 -2.]\n[1.25 3.5 4.]\n[0.25 1. ]"])
    assert mk.without_numbers(["accuracy 0.95"]) != mk.without_numbers(["accuracy: 0.95"])


def test_percent_format_parsing():
    cells = mk.parse('# %% [markdown]\n# # Title\n#\n# text\n\n# %% tags=["thumbnail"]\n'
                     "# %config InlineBackend.figure_formats = ['png']\nx = 1  # a comment\n# plain comment\n")
    assert cells == [("markdown", "# Title\n\ntext", []),
                     ("code", "%config InlineBackend.figure_formats = ['png']\nx = 1  # a comment\n# plain comment",
                      ["thumbnail"])]
    with pytest.raises(ValueError, match="text before the first"):
        mk.parse("x = 1\n# %%\n")
    with pytest.raises(ValueError, match="unknown cell marker"):
        mk.parse("# %% [raw]\n")

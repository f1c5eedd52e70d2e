"""Write and run the lesson notebooks: `notebooks/NN_name.py` -> `notebooks/NN_name.ipynb`, with outputs.

Each source is a Python script in the "percent" format: a line `# %%` starts a code cell and
`# %% [markdown]` a markdown cell, whose lines are comments (`# ` is removed). A code cell
marked `# %% tags=["thumbnail"]` holds the figure shown for the notebook in
`notebooks/README.md`. A comment line `# %config ...` (or any `# %magic`) in a code cell is an
IPython magic in the notebook and a plain comment when the script runs on its own.

`python tools/make_notebooks.py` writes every notebook, executes it in a fresh kernel (in a
temporary directory, with this checkout first on the path) and stores it with its outputs,
then writes one thumbnail per notebook to `notebooks/figures/`. Name notebooks to redo only
those: `python tools/make_notebooks.py 03 07_optimizers`. `tests/test_notebooks.py` checks
that the stored notebooks match their sources and that running them again prints the same text:
the same numbers where the numerics match those recorded in the notebook's metadata (`numerics()`),
the same text with numbers aside where they do not.
"""
import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = NOTEBOOKS_DIR / "figures"
THUMBNAIL_WIDTH = 240  # pixels
CELL_TIMEOUT = 120  # seconds; a whole notebook takes well under a minute
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
_TAGS = re.compile(r'^# %%\s+tags=\[(.*)\]\s*$')
_MAGIC = re.compile(r"^# (%%?[a-z_]+\b.*)$")


def parse(text):
    """[(cell_type, source, tags)] of a percent-format script."""
    cells = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            stripped = line.strip()
            tags = _TAGS.match(stripped)
            if stripped == "# %% [markdown]":
                cells.append(("markdown", [], []))
            elif stripped == "# %%" or tags:
                names = [t.strip().strip("\"'") for t in tags.group(1).split(",")] if tags else []
                cells.append(("code", [], [t for t in names if t]))
            else:
                raise ValueError(f"unknown cell marker {line!r}: expected '# %%', '# %% [markdown]' or "
                                 "'# %% tags=[\"thumbnail\"]'")
        elif not cells:
            if line.strip():
                raise ValueError(f"text before the first '# %%' cell marker: {line!r}")
        elif cells[-1][0] == "markdown":
            if line and not line.startswith("#"):
                raise ValueError(f"a markdown cell line must be a comment: {line!r}")
            cells[-1][1].append(line[2:] if line.startswith("# ") else line[1:])
        else:
            magic = _MAGIC.match(line)
            cells[-1][1].append(magic.group(1) if magic else line)
    return [(kind, "\n".join(lines).strip("\n"), tags) for kind, lines, tags in cells]


def build(cells):
    """An nbformat notebook of `cells` with stable cell ids and no outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = nbformat.from_dict(METADATA)
    for i, (kind, source, tags) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source, id=f"cell-{i:02d}")
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def notebook_for(source_path):
    """The notebook written from the percent-format script at `source_path` (no outputs)."""
    return build(parse(Path(source_path).read_text(encoding="utf-8")))


def kernel_manager():
    """A manager for ipykernel's own `python3` kernel run by this interpreter.

    With no kernel directories to search, jupyter_client falls back on the kernel spec that
    ipykernel provides, whose command is `sys.executable -m ipykernel_launcher`: a `python3`
    kernel spec installed elsewhere (for another Python, without chainrule) is never picked up.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    return KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))


def execute(nb, workdir):
    """Run `nb` in place in a fresh kernel whose working directory is `workdir`; return the seconds taken.

    Raises nbclient's CellExecutionError (naming the cell, with the traceback) on any error.
    """
    import nbclient

    km = kernel_manager()
    # Cell timings would make every run differ; the metadata is set back to the fixed one below.
    client = nbclient.NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, record_timing=False,
                                     resources={"metadata": {"path": str(workdir)}})
    # This checkout first on the kernel's path, so the notebooks use this source tree.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures inline, whatever the shell says
    # One BLAS thread: how a product is split between threads can change its last bits, and a
    # training run turns those into different printed numbers on a machine with more cores.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.perf_counter()
    try:
        client.execute(env=env)
    finally:
        if km.has_kernel:  # a kernel manager passed in is ours to shut down, not nbclient's
            km.shutdown_kernel(now=True)
    nb.metadata = type(nb.metadata)(METADATA, chainrule={"numerics": numerics()})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    return time.perf_counter() - start


def numerics():
    """What a notebook's printed numbers depend on besides its source: numpy, the SIMD level its loops
    run at, and each OpenBLAS library's version and kernels (as the kernel process gets them, with
    this process's environment). OpenBLAS's Haswell and SkylakeX kernels round float32 products
    differently, and a training run turns that into other printed digits."""
    import numpy as np

    from autograd.blas import loaded

    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    simd = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    return f"numpy {np.__version__} ({simd[-1] if simd else 'baseline'}), " + ", ".join(loaded())


_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*\.?(?:[eE][-+]?\d+)?")
_PADDING = re.compile(r"(?<=[\[(]) | (?=[\])])")


def without_numbers(texts):
    """`texts` with every number replaced by `#` and runs of spaces made one, none inside brackets
    (numpy pads an array's columns to its widest number): what runs on other numerics must share."""
    return [_PADDING.sub("", re.sub(r"[ \t]+", " ", _NUMBER.sub("#", t))) for t in texts]


def merge_streams(outputs):
    """`outputs` with consecutive prints to the same stream joined into one output: how a
    cell's printing is split into messages depends on timing, what it prints does not."""
    from nbformat import NotebookNode

    merged = []
    for o in outputs:
        if o.output_type == "stream" and merged and merged[-1].output_type == "stream" and merged[-1].name == o.name:
            merged[-1] = NotebookNode({**merged[-1], "text": merged[-1].text + o.text})
        else:
            merged.append(o)
    return merged


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def text_outputs(nb):
    """[(cell id, [text, ...])]: what each code cell printed and the text form of what it showed.

    This is what must come out the same on every run: streams and `text/plain` (numbers, tables,
    reprs). Images are left out (their bytes depend on the matplotlib build), and so are memory
    addresses in reprs.
    """
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for o in merge_streams(cell.outputs):
            if o.output_type == "stream":
                texts.append(f"{o.name}: {o.text}")
            elif o.output_type in ("execute_result", "display_data"):
                texts.append(_ADDRESS.sub(" at 0x…", o.data.get("text/plain", "")))
            elif o.output_type == "error":
                texts.append(f"error: {o.ename}: {o.evalue}")
        out.append((cell.id, texts))
    return out


def thumbnail(nb, path, width=THUMBNAIL_WIDTH):
    """Write the first PNG shown by the cell tagged "thumbnail", scaled to `width` pixels; None if none."""
    import base64
    import io

    from PIL import Image

    for cell in nb.cells:
        if cell.cell_type == "code" and "thumbnail" in cell.metadata.get("tags", []):
            for o in cell.outputs:
                if "data" in o and "image/png" in o.data:
                    image = Image.open(io.BytesIO(base64.b64decode(o.data["image/png"]))).convert("RGB")
                    height = round(image.height * width / image.width)
                    image.resize((width, height), Image.LANCZOS).save(path, optimize=True)
                    return path
    return None


def sources(names=()):
    """The notebook sources, all or those whose file names start with one of `names`."""
    found = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))
    if not found:
        raise SystemExit(f"no notebook sources (NN_name.py) in {NOTEBOOKS_DIR}")
    if names:
        unknown = [n for n in names if not any(p.name.startswith(n) for p in found)]
        if unknown:
            raise SystemExit(f"no notebook source starts with {unknown}; sources: {[p.name for p in found]}")
        found = [p for p in found if p.name.startswith(tuple(names))]
    return found


def main(argv=None):
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to redo (a prefix: 03 or 03_scalar_engine); all if none")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = parser.parse_args(argv)
    FIGURES_DIR.mkdir(exist_ok=True)
    for src in sources(args.names):
        nb = notebook_for(src)
        target = src.with_suffix(".ipynb")
        note = ""
        if not args.no_execute:
            with tempfile.TemporaryDirectory() as work:
                seconds = execute(nb, work)
                left = sorted(p.name for p in Path(work).iterdir())
            if left:
                raise SystemExit(f"{src.name} left files in its working directory: {left}")
            thumb = thumbnail(nb, FIGURES_DIR / f"{src.stem}.png")
            note = f", ran in {seconds:.1f} s" + (f", thumbnail figures/{thumb.name}" if thumb else ", no thumbnail")
        target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote notebooks/{target.name} ({len(nb.cells)} cells, {target.stat().st_size / 1024:.0f} KB{note})")


if __name__ == "__main__":
    sys.exit(main())

"""Write the lesson notebooks `notebooks/*.ipynb` from their sources `notebooks/*.py`.

Each source is a Python script in the "percent" format: a line `# %%` starts a code cell and
`# %% [markdown]` a markdown cell, whose lines are comments (`# ` is removed). The sources are
what gets reviewed; the notebooks are written from them with no outputs. After editing a
source, run `python tools/make_notebooks.py` and commit both files (`tests/test_notebooks.py`
checks that they agree, and runs every notebook).
"""
import sys
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def parse(text):
    """[(cell_type, source)] of a percent-format script."""
    cells = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if line.strip() == "# %% [markdown]" else "code"
            cells.append((kind, []))
        elif not cells:
            if line.strip():
                raise ValueError(f"text before the first '# %%' cell marker: {line!r}")
        elif cells[-1][0] == "markdown":
            if line and not line.startswith("#"):
                raise ValueError(f"a markdown cell line must be a comment: {line!r}")
            cells[-1][1].append(line[2:] if line.startswith("# ") else line[1:])
        else:
            cells[-1][1].append(line)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in cells]


def build(cells):
    """An nbformat notebook of `cells` with stable cell ids and no outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"cell-{i:02d}"))
    nbformat.validate(nb)
    return nb


def notebook_for(source_path):
    """The notebook written from the percent-format script at `source_path`."""
    return build(parse(Path(source_path).read_text(encoding="utf-8")))


def main():
    import nbformat

    sources = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))
    if not sources:
        raise SystemExit(f"no notebook sources (NN_name.py) in {NOTEBOOKS_DIR}")
    for src in sources:
        nb = notebook_for(src)
        target = src.with_suffix(".ipynb")
        target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote notebooks/{target.name} ({len(nb.cells)} cells)")


if __name__ == "__main__":
    sys.exit(main())

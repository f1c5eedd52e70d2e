"""The command line is installed as the package `chainrule`, never as a top-level `tools`."""
import os
import subprocess
import sys
from importlib import metadata

import pytest


def test_script_entry_point_names_the_chainrule_package():
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts.get("chainrule") == "chainrule.cli:main"


@pytest.mark.parametrize("args", [[sys.executable, "-m", "chainrule", "--help"]])
def test_python_m_chainrule_works_outside_the_repository(tmp_path, args):
    # From a directory other than the repository, so the checkout's `tools/` is not on sys.path.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for command in ("demo", "graph", "bench", "gradcheck"):
        assert command in out.stdout
    found = subprocess.run([sys.executable, "-c", "import importlib.util as u; print(u.find_spec('tools'))"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert found.stdout.strip() == "None", f"a package named `tools` is importable: {found.stdout}"


def test_graphviz_pure_is_a_core_dependency():
    requires = metadata.requires("chainrule") or []
    core = [r for r in requires if "extra ==" not in r]
    assert any(r.startswith("graphviz-pure") for r in core), core
    assert any(r.startswith("graphviz") and not r.startswith("graphviz-pure") for r in core), core


DRAW = """
import sys
from autograd import Value, draw_graph
from autograd.viz import find_renderer
a, b = Value(2.0, label="a"), Value(-3.0, label="b")
g = draw_graph((a * b + 10).tanh())
svg, png = g.svg(), g.pipe("png")
print(find_renderer())
assert svg.lstrip().startswith("<?xml") and "tanh" in svg, svg[:200]
assert png[:8] == bytes([0x89]) + b"PNG" + bytes([13, 10, 26, 10])
"""


def test_plain_install_draws_svg_and_png_without_system_graphviz(tmp_path):
    # Only the environment's own scripts on PATH: no system `dot`, nothing installed by hand.
    env = {"PATH": os.path.dirname(sys.executable), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", DRAW], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "graphviz-pure" in out.stdout

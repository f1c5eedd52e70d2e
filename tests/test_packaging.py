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

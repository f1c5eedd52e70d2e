"""Importing `autograd` refuses to run when HIPS autograd's files are mixed into the same folder."""
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import _conflict

OURS = ["__init__.py", "tensor.py", "graph.py", "value.py", "ops/__init__.py"]


def _package(root, files, beside=()):
    pkg = root / "site-packages" / "autograd"
    for name in files:
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text("")
    for name in beside:
        (pkg.parent / name).mkdir(parents=True, exist_ok=True)
    return pkg


def test_our_own_installation_is_clean():
    assert _conflict.find_conflict(Path(_conflict.__file__).parent) == []


def test_a_clean_layout_passes(tmp_path):
    pkg = _package(tmp_path, OURS, beside=["chainrule-0.1.0.dist-info", "numpy-2.0.0.dist-info"])
    assert _conflict.find_conflict(pkg) == []
    _conflict.check(pkg)


@pytest.mark.parametrize("hips_files, beside, expected", [
    (["core.py", "tracer.py", "numpy/__init__.py"], [], ["core.py", "tracer.py", "numpy/"]),
    (["builtins.py"], [], ["builtins.py"]),
    (["differential_operators.py", "scipy/stats.py"], ["autograd-1.6.2.dist-info"],
     ["differential_operators.py", "scipy/", "autograd-1.6.2.dist-info"]),
    ([], ["autograd-1.3-py3.8.egg-info"], ["autograd-1.3-py3.8.egg-info"]),  # files overwritten, metadata left
])
def test_hips_files_or_metadata_are_found_and_named(tmp_path, hips_files, beside, expected):
    pkg = _package(tmp_path, OURS + hips_files, beside=beside)
    assert _conflict.find_conflict(pkg) == expected
    with pytest.raises(ImportError, match=r"mixes chainrule with the older HIPS autograd package") as info:
        _conflict.check(pkg)
    message = str(info.value)
    assert str(pkg) in message and all(name in message for name in expected)
    assert "pip uninstall -y autograd chainrule && pip install chainrule" in message


def test_import_fails_with_the_message_in_a_mixed_copy(tmp_path):
    # A copy of our package with one HIPS file dropped in: `import autograd` itself raises.
    source = Path(_conflict.__file__).parent
    target = tmp_path / "autograd"
    target.mkdir()
    for name in ("__init__.py", "_conflict.py"):
        (target / name).write_text((source / name).read_text())
    (target / "core.py").write_text("")
    proc = subprocess.run([sys.executable, "-c", "import autograd"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert proc.returncode != 0
    assert "ImportError: the `autograd` package at" in proc.stderr and "core.py" in proc.stderr

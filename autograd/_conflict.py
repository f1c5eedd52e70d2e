"""Refuse to run when chainrule's `autograd` is mixed with the older HIPS `autograd` package.

Both install a package named `autograd`. Installing one over the other leaves the files of both in
one folder, and imports then fail far from the cause (or, worse, work with the wrong code). Imported
first by `autograd/__init__.py`, this module looks for files only HIPS autograd has, and for HIPS's
metadata beside the package, and raises an ImportError that says what happened and how to fix it.
"""
import os

__all__ = ["find_conflict", "check", "FIX"]

# Files and folders of HIPS autograd (github.com/HIPS/autograd) that chainrule's `autograd` never has.
HIPS_FILES = ("core.py", "tracer.py", "wrap_util.py", "differential_operators.py", "builtins.py", "numpy", "scipy")
FIX = "pip uninstall -y autograd chainrule && pip install chainrule"


def find_conflict(package_dir):
    """What of HIPS autograd lies in or beside `package_dir` (a list of names; empty when clean).

    HIPS's own metadata (`autograd-<version>.dist-info` or `.egg-info`) beside the package means
    pip believes HIPS autograd owns the folder, even if its files were overwritten.
    """
    try:
        inside = set(os.listdir(package_dir))
        beside = os.listdir(os.path.dirname(os.path.abspath(package_dir)))
    except OSError:  # e.g. a zipped install: nothing to compare
        return []
    found = [name + ("/" if name in ("numpy", "scipy") else "") for name in HIPS_FILES if name in inside]
    found += sorted(name for name in beside
                    if name.lower().startswith("autograd-") and name.endswith((".dist-info", ".egg-info")))
    return found


def check(package_dir=os.path.dirname(os.path.abspath(__file__))):
    """Raise ImportError when `find_conflict(package_dir)` finds anything."""
    found = find_conflict(package_dir)
    if found:
        raise ImportError(
            f"the `autograd` package at {package_dir} mixes chainrule with the older HIPS autograd package, "
            f"which uses the same import name (found {', '.join(found)}). Reinstall cleanly: {FIX}")


check()

"""Package layout only; everything else is in pyproject.toml.

The repository's `tools/` folder is installed as the package `chainrule` (the `chainrule` command
and `python -m chainrule`), so nothing named `tools`, a name many projects use, is installed.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["autograd", "autograd.*", "nn", "nn.*"]) + ["chainrule"],
    package_dir={"chainrule": "tools"},
)

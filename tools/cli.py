"""`chainrule`: the command line. Each subcommand is a module of this package (the repository's
`tools/` folder, installed as `chainrule`) with `register(subparsers)`."""
import argparse
import importlib

COMMANDS = [".train", ".demo", ".bench", ".graph", ".gradcheck_cmd"]


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chainrule")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="chainrule", description="chainrule: reverse-mode autodiff you can read.")
    parser.add_argument("--version", action="version", version=f"chainrule {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name, __package__).register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


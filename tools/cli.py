"""`chainrule`: the command line. Each subcommand is a module of this package (the repository's
`tools/` folder, installed as `chainrule`) with `register(subparsers)`."""
import argparse
import importlib

COMMANDS = [".demo", ".bench", ".graph", ".gradcheck_cmd"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="chainrule", description="chainrule: reverse-mode autodiff you can read.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name, __package__).register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


"""`chainrule`: the command line. Each subcommand is a module in `tools/` with `register(subparsers)`."""
import argparse
import importlib
import sys

COMMANDS = ["tools.demo", "tools.bench", "tools.graph", "tools.gradcheck_cmd"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="chainrule", description="chainrule: reverse-mode autodiff you can read.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""`chainrule`: the command line. Each subcommand is a module of this package (the repository's
`tools/` folder, installed as `chainrule`) with `register(subparsers)`.

A user's mistake (a bad argument, a missing file, an expression that cannot be computed) is reported
in one line on stderr with exit code 2, never as a traceback: subcommands raise `UsageError` (or let
a ValueError / OSError / ArithmeticError through) and `main` prints it.
"""
import argparse
import importlib
import os
import sys

COMMANDS = [".train", ".demo", ".bench", ".graph", ".gradcheck_cmd"]


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chainrule")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


class UsageError(Exception):
    """A problem with the command's arguments, files or input: one line on stderr, exit code 2."""


# What a user can cause; anything else is a bug and keeps its traceback.
USER_ERRORS = (UsageError, ValueError, KeyError, OSError, ArithmeticError, RecursionError, MemoryError)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump); the subcommands' parsers are of this class too."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def main(argv=None):
    parser = _Parser(prog="chainrule", description="chainrule: reverse-mode autodiff you can read.")
    parser.add_argument("--version", action="version", version=f"chainrule {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name, __package__).register(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader stopped early (`chainrule gradcheck --list | head`): not an error. Point stdout at
        # devnull so that Python's final flush does not fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout replaced by an object without a file
            pass
        return 1  # as Python's documentation recommends for SIGPIPE
    except KeyboardInterrupt:
        print(f"chainrule {args.command}: interrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else e  # KeyError's str() adds quotes
        if isinstance(e, RecursionError):
            message = "the input is nested too deeply"
        elif isinstance(e, MemoryError):
            message = "the input is too large"
        print(f"chainrule {args.command}: error: {message}", file=sys.stderr)
        return 2


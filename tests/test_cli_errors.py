"""The command line never answers a user's mistake with a traceback: one line on stderr, exit code 2."""
import subprocess
import sys

import pytest

from chainrule.cli import main
from chainrule.graph import ExpressionError, evaluate

LONG_SUM = "+".join(["x"] * 3000)

# argv -> a regex the one-line message must match.
CASES = [
    (["demo", "--steps", "0"], r"chainrule demo: error: argument --steps: must be a positive integer, got 0"),
    (["demo", "--steps", "many"], r"argument --steps: expected a positive integer, got 'many'"),
    (["graph", "x*2", "--set", "x=1", "-o", "missing_dir/g.svg"],
     r"cannot write 'missing_dir/g.svg': the directory 'missing_dir' does not exist"),
    (["graph", "2**2**2**2**2"], r"'2 \*\* 2 \*\* 2 \*\* 2 \*\* 2' is too large for a float"),
    (["graph", "x/0", "--set", "x=1"], r"division by zero in 'x / 0'"),
    (["graph", "x * 10.0**400", "--set", "x=1"], r"'10.0 \*\* 400' is too large for a float"),
    (["graph", "--model", "64,x,10"], r"--model: layer sizes are positive integers .*got '64,x,10' \('x' is not one\)"),
    (["graph", "--model", "0,3"], r"'0' is not one"),
    (["graph", "--model", "3,2", "--batch", "0"], r"argument --batch: must be a positive integer, got 0"),
    (["graph", "--model", "no_such_model.npz"], r"load: 'no_such_model.npz' does not exist"),
    (["graph", "x*" + "-" * 9990 + "x", "--set", "x=1"], r"expression nested too deeply"),
    (["graph", "x" + "**x" * 3000, "--set", "x=1"], r"expression nested too deeply"),
    (["graph", "x" * 10001], r"expression too long \(10001 characters; at most 10000\)"),
    (["graph", "x +* 2", "--set", "x=1"], r"cannot parse 'x \+\* 2'"),
    (["graph", "__import__('os')"], r"calling '__import__' is not allowed"),
    (["gradcheck", "--op", "no_such_op"], r"chainrule gradcheck: error: unknown op\(s\) \['no_such_op'\]"),
    (["no_such_command"], r"chainrule: error: argument command: invalid choice: 'no_such_command'"),
]


def _run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors exit
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, message", CASES, ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else "")
def test_user_errors_are_one_line_with_exit_code_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("chainrule")
    assert __import__("re").search(message, err), err


def test_a_3000_term_sum_is_parsed_and_differentiated():
    out = evaluate(LONG_SUM, {"x": 0.5})
    out.backward()
    assert out.data == pytest.approx(1500.0)
    (x,) = set(_leaves(out))
    assert x.grad == pytest.approx(3000.0)


def _leaves(root):
    stack, seen = [root], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if not v._parents:
            if v.label == "x":
                yield v
        stack.extend(v._parents)


def test_a_3000_term_sum_draws_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "g.dot"
    code, _, err = _run(["graph", LONG_SUM, "--set", "x=1", "-o", str(out)], capsys)
    assert code == 0, err
    assert out.read_text().startswith("digraph")


def test_the_recursion_limit_is_restored():
    before = sys.getrecursionlimit()
    with pytest.raises(ExpressionError):
        evaluate("-" * 9990 + "x", {"x": 1.0})
    evaluate(LONG_SUM, {"x": 1.0})
    assert sys.getrecursionlimit() == before


class _ClosedPipe:
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass


def test_a_broken_pipe_ends_quietly_with_exit_code_1(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["gradcheck", "--list"]) == 1
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_shows_no_traceback():
    # `chainrule gradcheck --list | head -1`: the reader closes the pipe after one line.
    proc = subprocess.Popen([sys.executable, "-m", "chainrule", "gradcheck", "--list"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code in (0, 1)  # 0 when everything fit in the pipe's buffer before it closed

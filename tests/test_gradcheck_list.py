"""`chainrule gradcheck --list` shows the whole op table, and `--op` checks a chosen row."""
from autograd.optable import OPS
from chainrule.cli import main


def test_list_shows_every_op_with_its_shapes(capsys):
    assert main(["gradcheck", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["op", "torch"] and lines[-1] == f"{len(OPS)} ops"
    rows = {line.split("  ")[0].strip(): line for line in lines[1:-1]}
    assert set(rows) == {op.name for op in OPS}
    assert "2x3 3x4" in rows["einsum ij,jk->ik"] and rows["index_separated_int_and_array"].split()[1] == "-"


def test_op_checks_the_named_rows(capsys):
    assert main(["gradcheck", "--op", "einsum ii->", "--op", "cholesky", "--second-order"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 ops passed" in out and "FAIL" not in out

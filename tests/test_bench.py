"""`chainrule bench --quick`: the table prints and every contender computes the same numbers."""
import pytest

from chainrule.cli import main


def test_bench_quick_prints_table_with_checked_contenders(capsys):
    pytest.importorskip("sklearn")  # B1's data set, as BENCHMARKS.md defines it
    assert main(["bench", "--quick", "B1", "B2", "b5"]) == 0
    out = capsys.readouterr().out
    assert "| bench | workload | contender |" in out and "Machine:" in out and "`chainrule bench B1 B2 b5 --quick`" in out
    rows = [line for line in out.splitlines() if line.startswith("| B")]
    for bench in ("B1", "B2", "B5"):
        assert any(r.startswith(f"| {bench} |") and "chainrule" in r for r in rows)
    timed = [r for r in rows if "RecursionError" not in r]
    assert timed and all(r.endswith("| ok |") for r in timed)


def test_bench_rejects_unknown_benchmark(capsys):
    with pytest.raises(SystemExit, match="B9"):
        main(["bench", "B9"])


def test_bench_flags_a_contender_that_computes_other_numbers(capsys, monkeypatch):
    import chainrule.bench_scalar

    monkeypatch.setattr(chainrule.bench_scalar, "_chain_floats", lambda n: 1.0)
    assert main(["bench", "--quick", "B2"]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_bench_names_openblas_kernels_forced_by_the_environment(monkeypatch):
    from chainrule.bench import forced_kernel

    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    assert forced_kernel() == ""
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    note = forced_kernel()
    assert "OPENBLAS_CORETYPE=Haswell" in note and "OPENBLAS_L2_SIZE=" not in note

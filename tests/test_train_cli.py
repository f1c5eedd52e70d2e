"""`chainrule train` and `chainrule evaluate` end to end in a temporary directory, and their
one-line errors."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from chainrule.cli import main
from nn.data import write_idx

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")


def _only_run(out):
    runs = list(out.iterdir())
    assert len(runs) == 1
    return runs[0]


def test_train_two_epochs_writes_a_complete_run_and_evaluate_reloads_it(tmp_path, capsys):
    assert main(["train", "--epochs", "2", "--out", str(tmp_path), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Epoch 1/2 - loss " in out and "Epoch 2/2 - " in out
    figure = [line for line in out.splitlines() if line.startswith("test accuracy")]
    assert len(figure) == 1
    run = _only_run(tmp_path)
    assert {p.name for p in run.iterdir()} >= {"model.npz", "history.json", "learning_curves.png", "config.json"}
    assert (run / "learning_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = run / "model_graph.svg"
    if svg.exists():
        assert ET.parse(svg).getroot().tag.endswith("svg")
    else:
        assert "graph is written as DOT" in out and (run / "model_graph.dot").exists()
    history = json.loads((run / "history.json").read_text())
    assert history["epoch"] == [0, 1] and len(history["val_accuracy"]) == 2
    config = json.loads((run / "config.json").read_text())
    accuracy = float(figure[0].split()[2])
    assert config["test_accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert accuracy > 0.8  # two epochs already do well; the full default run is checked below

    assert main(["evaluate", str(run)]) == 0
    assert capsys.readouterr().out.strip() == figure[0]


def test_the_default_run_reaches_097_test_accuracy(tmp_path):
    """The README's first command: default options, every epoch (about a second of training)."""
    res = subprocess.run([sys.executable, "-m", "chainrule", "train", "--quiet", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    accuracy = float(res.stdout.split("test accuracy")[1].split()[0])
    assert accuracy >= 0.97


def test_regression_dataset_reports_mae_and_r2(tmp_path, capsys):
    assert main(["train", "--dataset", "diabetes", "--epochs", "30", "--hidden", "32", "--quiet",
                 "--out", str(tmp_path)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("test MAE ") and "R²" in line
    r2 = float(line.split("R² ")[1].split()[0])
    assert 0.2 < r2 < 1  # a linear model reaches about 0.45 on this data


def test_idx_directory(tmp_path, capsys):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 90).astype(np.uint8)
    images = (labels[:, None, None] * 80 + rng.integers(0, 30, (90, 4, 4))).astype(np.uint8)
    d = tmp_path / "idx"
    d.mkdir()
    write_idx(d / "train-images-idx3-ubyte.gz", images[:60])
    write_idx(d / "train-labels-idx1-ubyte.gz", labels[:60])
    write_idx(d / "t10k-images-idx3-ubyte.gz", images[60:])
    write_idx(d / "t10k-labels-idx1-ubyte.gz", labels[60:])
    assert main(["train", "--dataset", f"idx:{d}", "--epochs", "30", "--lr", "0.01", "--hidden", "16", "--quiet",
                 "--out", str(tmp_path / "runs")]) == 0
    assert capsys.readouterr().out.strip().endswith("(30/30)")


@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "cifar"], "unknown dataset 'cifar'"),
    (["train", "--lr", "-1"], "must be a number > 0"),
    (["train", "--epochs", "two"], "expected a positive integer"),
    (["train", "--optimizer", "nesterov"], "invalid choice: 'nesterov'"),
])
def test_bad_options_print_one_line_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "idx:/nonexistent/mnist"], "the IDX directory '/nonexistent/mnist' does not exist"),
    (["evaluate", "/nonexistent/run"], "is not a run directory"),
])
def test_missing_files_print_one_line_and_return_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("chainrule ")

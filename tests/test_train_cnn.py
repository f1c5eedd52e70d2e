"""`chainrule train --model cnn`: the run directory has the dense model's artifacts plus the pictures,
and `chainrule evaluate` reloads the network and reproduces the test figure."""
import json

import pytest

from chainrule.cli import main


def test_train_cnn_writes_the_pictures_and_evaluate_agrees(tmp_path, capsys):
    pytest.importorskip("sklearn")
    pytest.importorskip("matplotlib")
    assert main(["train", "--model", "cnn", "--epochs", "1", "--quiet", "--out", str(tmp_path)]) == 0
    trained = capsys.readouterr().out.strip().splitlines()[-1]
    (run,) = tmp_path.iterdir()
    names = {p.name for p in run.iterdir()}
    assert {"model.npz", "history.json", "learning_curves.png", "config.json", "filters.png",
            "feature_maps.png"} <= names
    assert json.loads((run / "config.json").read_text())["settings"]["model"] == "cnn"
    assert main(["evaluate", str(run)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == trained  # "test accuracy 0.xxxx (k/359)"


def test_cnn_needs_square_images(capsys):
    assert main(["train", "--model", "cnn", "--dataset", "iris", "--epochs", "1", "--quiet", "--out", "unused"]) == 2
    assert "square images" in capsys.readouterr().err

"""The command-line demo: its printed gradients are the hand-derived ones and training learns."""
import math

from chainrule.cli import main
from chainrule.demo import expression_demo, train_moons


def test_expression_demo_gradients_match_hand_derivation():
    o, (x1, x2, w1, w2, b) = expression_demo(out=lambda *_: None)
    n = x1.data * w1.data + x2.data * w2.data + b.data
    dn = 1 - math.tanh(n) ** 2
    assert math.isclose(o.data, math.tanh(n))
    assert math.isclose(x1.grad, dn * w1.data) and math.isclose(w1.grad, dn * x1.data)
    assert math.isclose(x2.grad, dn * w2.data) and math.isclose(w2.grad, dn * x2.data)
    assert math.isclose(b.grad, dn)


def test_moons_training_loss_falls_and_classifies():
    losses = []
    loss, acc = train_moons(steps=25, out=losses.append)
    assert loss < 0.3 and acc >= 0.9


def test_cli_demo_runs(capsys):
    main(["demo", "--steps", "2"])
    assert "accuracy" in capsys.readouterr().out

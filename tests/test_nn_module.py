"""`nn.Module`: registration, traversal, modes, state dicts, containers, summary, multi-input models."""
import io

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, concatenate


class WideAndDeep(nn.Module):
    """Two inputs (a wide path straight to the output, a deep path through two hidden layers),
    concatenated, with a main output and an auxiliary output on the deep path."""

    def __init__(self, n_wide=5, n_deep=6, hidden=30):
        super().__init__()
        self.hidden1 = nn.Linear(n_deep, hidden)
        self.hidden2 = nn.Linear(hidden, hidden)
        self.main = nn.Linear(n_wide + hidden, 1)
        self.aux = nn.Linear(hidden, 1)

    def forward(self, x_wide, x_deep):
        h = self.hidden2(self.hidden1(x_deep).relu()).relu()
        return self.main(concatenate([x_wide, h], axis=1)), self.aux(h)


def test_attributes_register_parameters_and_children_in_order():
    m = WideAndDeep()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias", "main.weight",
                     "main.bias", "aux.weight", "aux.bias"]
    assert [n for n, _ in m.named_children()] == ["hidden1", "hidden2", "main", "aux"]
    assert len(list(m.modules())) == 5 and all(isinstance(c, nn.Linear) for c in m.children())
    assert m.num_parameters() == (6 * 30 + 30) + (30 * 30 + 30) + (35 + 1) + (30 + 1)
    m.hidden2 = nn.Identity()  # reassignment replaces the registration
    assert "hidden2.weight" not in dict(m.named_parameters())
    del m.aux
    assert [n for n, _ in m.named_children()] == ["hidden1", "hidden2", "main"]


def test_nested_sequential_names_and_shared_parameters_counted_once():
    shared = nn.Linear(3, 3)
    model = nn.Sequential(nn.Sequential(shared, nn.ReLU()), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.0.weight", "0.0.bias"]
    assert len(model.parameters()) == 2


def test_parameter_defaults():
    p = nn.Parameter([1, 2, 3])
    assert p.requires_grad and p.dtype == np.float32 and isinstance(p, Tensor)
    assert nn.Parameter(np.zeros(2)).dtype == np.float64  # floating arrays keep their dtype
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:")


def test_wide_and_deep_trains_both_outputs_and_matches_hand_computation():
    autograd.manual_seed(0)
    m = WideAndDeep().double()
    xw, xd = np.random.default_rng(1).normal(size=(8, 5)), np.random.default_rng(2).normal(size=(8, 6))
    main, aux = m(Tensor(xw), Tensor(xd))
    assert main.shape == (8, 1) and aux.shape == (8, 1)
    w = {k: v.data for k, v in m.named_parameters()}
    h = np.maximum(np.maximum(xd @ w["hidden1.weight"].T + w["hidden1.bias"], 0) @ w["hidden2.weight"].T
                   + w["hidden2.bias"], 0)
    np.testing.assert_allclose(main.data, np.concatenate([xw, h], 1) @ w["main.weight"].T + w["main.bias"])
    np.testing.assert_allclose(aux.data, h @ w["aux.weight"].T + w["aux.bias"])
    # Keras's weighting of the two losses: 0.9 main + 0.1 auxiliary.
    y = np.ones((8, 1))
    loss = 0.9 * nn.functional.mse_loss(main, y) + 0.1 * nn.functional.mse_loss(aux, y)
    loss.backward()
    assert all(p.grad is not None for p in m.parameters())
    # The wide input reaches only the main output: its weights get gradient only from the 0.9 term.
    np.testing.assert_allclose(m.main.weight.grad.data[0, :5], 0.9 * 2 * ((main.data - y) * xw).mean(0))
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_wide_and_deep_summary_and_scope_labels():
    m = WideAndDeep()
    out = io.StringIO()
    total = m.summary([(5,), (6,)], file=out)
    text = out.getvalue()
    assert total == 210 + 930 + 36 + 31
    assert "main (Linear)" in text and "(None, 1)" in text and "Total params: 1,207" in text
    main, aux = m(autograd.zeros(2, 5), autograd.zeros(2, 6))
    assert main._scope == "Linear(35→1)" and aux._scope == "Linear(30→1)"


def test_summary_of_the_mnist_classifier():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                          nn.Linear(100, 10), nn.Softmax())
    out = io.StringIO()
    assert model.summary((28, 28), file=out) == 266_610
    lines = out.getvalue().splitlines()
    assert "Total params: 266,610" in lines and "Trainable params: 266,610" in lines
    assert any(l.split()[:4] == ["1", "(Linear)", "(None,", "300)"] and l.endswith("235,500") for l in lines)
    model[5].requires_grad_(False)
    model.train()
    out = io.StringIO()
    model.summary((28, 28), file=out)
    assert "Non-trainable params: 1,010" in out.getvalue()
    assert model.training and model[1].training  # summary restores the modes it found


def test_train_eval_propagate():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.BatchNorm1d(2)))
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_repr_shows_the_tree():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Dropout(p=0.1)\n"
        "  )\n"
        ")")


def test_sequential_and_module_list_containers():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b)
    seq.append(c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b, c]
    assert seq(autograd.ones(4, 2)).shape == (4, 1)
    ml = nn.ModuleList([a, b])
    ml.extend([c])
    assert len(ml) == 3 and ml[2] is c and [n for n, _ in ml.named_parameters()][-1] == "2.bias"
    with pytest.raises(TypeError, match="Sequential.append: expected a Module, got function"):
        seq.append(lambda x: x)


def test_state_dict_round_trip_and_errors_name_the_key():
    autograd.manual_seed(1)
    src = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    src(autograd.randn(8, 4))  # moves the running statistics away from their start
    state = src.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                           "1.num_batches_tracked", "2.weight", "2.bias"]
    autograd.manual_seed(2)
    dst = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    dst.load_state_dict(state)
    for k, v in dst.state_dict().items():
        np.testing.assert_array_equal(v, state[k])
    state["0.weight"][0, 0] += 1  # a copy: changing it leaves the model alone
    assert dst[0].weight.data[0, 0] != state["0.weight"][0, 0]

    bad = dict(state, **{"2.weight": np.zeros((3, 3))})
    before = dst[0].weight.data.copy()
    with pytest.raises(ValueError, match=r"shape mismatch for '2.weight': the model has \(2, 3\), the state dict has \(3, 3\)"):
        dst.load_state_dict(bad)
    np.testing.assert_array_equal(dst[0].weight.data, before)  # nothing was half-loaded
    missing = {k: v for k, v in state.items() if k != "1.running_var"}
    with pytest.raises(KeyError, match=r"missing keys \['1.running_var'\]"):
        dst.load_state_dict(missing)
    result = dst.load_state_dict(dict(missing, extra=np.zeros(1)), strict=False)
    assert result.missing_keys == ["1.running_var"] and result.unexpected_keys == ["extra"]


def test_module_call_labels_scopes_and_nested_modules_win():
    lin = nn.Linear(784, 300)
    y = lin(autograd.zeros(1, 784))
    assert y._scope == "Linear(784→300)"
    z = nn.Sequential(nn.Flatten())(autograd.zeros(1, 2, 2))
    assert z._scope == "Flatten"


def test_double_converts_parameters_and_buffers():
    m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).double()
    assert {t.dtype for t in m.parameters() + m.buffers() if t.dtype.kind == "f"} == {np.dtype(np.float64)}
    assert m[1].num_batches_tracked.dtype == np.int64


def test_deepcopy_gives_an_independent_model():
    import copy

    model = nn.MLP([2, 3, 1])
    clone = copy.deepcopy(model)
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]
    clone(autograd.randn(4, 2)).sum().backward()
    assert clone[0].weight.grad is not None and model[0].weight.grad is None
    clone[0].weight.data[...] = 0
    assert np.any(model[0].weight.data != 0)

"""Save and load: round trips, architecture as data, atomic writes, refusing unsafe or wrong files."""
import json
import os
import pickle
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor
from nn import serialization


def _same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k], err_msg=k)
        assert sa[k].dtype == sb[k].dtype, k


def _model():
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.BatchNorm1d(8), nn.LeakyReLU(0.2), nn.Dropout(0.1),
                         nn.MLP([8, 6, 3], activation=nn.Tanh, output_activation="softplus"),
                         nn.LayerNorm(3), nn.PReLU(3))


def test_built_in_architecture_round_trips_as_data(tmp_path):
    autograd.manual_seed(0)
    model = _model()
    model(autograd.randn(5, 3, 4))  # running statistics move
    model.save(tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    assert repr(loaded) == repr(model)
    _same_state(model, loaded)
    x = autograd.randn(4, 3, 4)
    np.testing.assert_array_equal(model.eval()(x).data, loaded.eval()(x).data)


def test_appended_layers_and_float64_survive(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3)).double()
    model.append(nn.Embedding(4, 2).double())  # appended after construction
    nn.save(model, tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    assert len(loaded) == 2 and isinstance(loaded[1], nn.Embedding)
    _same_state(model, loaded)


def test_custom_module_saves_weights_and_loads_into_a_new_instance(tmp_path):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(3, 2)

        def forward(self, x):
            return self.body(x)

    net = Net()
    nn.save(net, tmp_path / "net.npz")
    with pytest.raises(ValueError, match=r"only the weights of a Net .*model.load\(path\)"):
        nn.load(tmp_path / "net.npz")  # unknown class: weights only, and the error says what to call
    state = nn.load_state_dict(tmp_path / "net.npz")
    assert list(state) == ["body.weight", "body.bias"]
    other = Net().load(tmp_path / "net.npz")
    _same_state(net, other)
    nn.register(Net)  # once registered, its architecture is saved as data and rebuilt
    try:
        nn.save(net, tmp_path / "net2.npz")
        rebuilt = nn.load(tmp_path / "net2.npz")
        assert type(rebuilt) is Net
        _same_state(net, rebuilt)
    finally:
        serialization._REGISTRY.pop("Net")


def test_state_dict_save_and_load(tmp_path):
    state = {"w": np.arange(6.0).reshape(2, 3), "n": np.array(3, dtype=np.int64), "t": Tensor([1.0, 2.0])}
    nn.save(state, tmp_path / "s.npz")
    loaded = nn.load(tmp_path / "s.npz")
    assert list(loaded) == ["w", "n", "t"]
    np.testing.assert_array_equal(loaded["w"], state["w"])
    assert loaded["t"].dtype == np.float32


def test_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    old = nn.Linear(3, 2)
    nn.save(old, path)
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(OSError, match="injected"):
        nn.save(nn.Linear(3, 2), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]  # the temporary file was removed
    _same_state(old, nn.load(path))


def test_refuses_pickles_and_object_arrays(tmp_path):
    path = tmp_path / "evil.npz"
    with open(path, "wb") as f:
        pickle.dump({"weight": np.zeros(2)}, f)
    with pytest.raises(ValueError, match="not a chainrule .npz file .*looks like a pickle"):
        nn.load(path)
    header = np.frombuffer(json.dumps({"format": "chainrule", "version": 1, "keys": ["w"], "architecture": None})
                           .encode(), np.uint8)
    np.savez(path, **{"__chainrule__.json": header, "w": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="pickled \\(object\\) arrays; refusing"):
        nn.load(path)


def test_wrong_version_missing_header_shapes_and_keys_are_named(tmp_path):
    path = tmp_path / "m.npz"
    header = {"format": "chainrule", "version": 99, "keys": [], "architecture": None}
    np.savez(path, **{"__chainrule__.json": np.frombuffer(json.dumps(header).encode(), np.uint8)})
    with pytest.raises(ValueError, match="version 99; this chainrule reads version 1"):
        nn.load(path)
    np.savez(path, w=np.zeros(2))
    with pytest.raises(ValueError, match="has no __chainrule__.json header"):
        nn.load(path)
    nn.save({"weight": np.zeros((3, 3)), "bias": np.zeros(2)}, path)
    with pytest.raises(ValueError, match=r"shape mismatch for 'weight': the model has \(2, 3\)"):
        nn.Linear(3, 2).load(path)
    nn.save({"weight": np.zeros((2, 3))}, path)
    with pytest.raises(KeyError, match=r"missing keys \['bias'\]"):
        nn.Linear(3, 2).load(path)
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="damaged or truncated"):
        nn.load(path)


def test_save_rejects_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match="save: expected a Module or a state dict, got list"):
        nn.save([1, 2], tmp_path / "x.npz")
    with pytest.raises(TypeError, match="save: 'w' has dtype object"):
        nn.save({"w": np.array([None])}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_export_loads_into_torch():
    torch = pytest.importorskip("torch")
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
    model(autograd.randn(6, 4))
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    tmodel.load_state_dict(nn.export_torch_state_dict(model))  # strict: every key name matches
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_allclose(model.eval()(Tensor(x)).data, tmodel.eval()(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
       activation=st.sampled_from(["relu", "tanh", "gelu", "elu", None]), bias=st.booleans())
def test_any_mlp_round_trips_through_a_file(sizes, activation, bias):
    model = nn.MLP(sizes, activation=activation, bias=bias)
    with tempfile.TemporaryDirectory() as d:
        nn.save(model, os.path.join(d, "m.npz"))
        loaded = nn.load(os.path.join(d, "m.npz"))
    _same_state(model, loaded)
    x = autograd.randn(3, sizes[0])
    np.testing.assert_array_equal(model(x).data, loaded(x).data)

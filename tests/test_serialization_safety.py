"""nn.save / nn.load on bad paths and bad files: errors name the user's file, failed saves keep the old
file, and no file can run code when loaded."""
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import nn
from nn import serialization


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(3, 2)

    def forward(self, x):
        return self.body(x)


def test_loading_the_weights_of_an_unregistered_class_says_what_to_call(tmp_path):
    path = tmp_path / "net.npz"
    net = Net()
    nn.save(net, path)
    with pytest.raises(ValueError, match=r"net.npz' holds only the weights of a Net .*nn.register.*"
                                         r"model.load\(path\), or model.load_state_dict\(nn.load_state_dict\(path\)\)"):
        nn.load(path)
    other = Net()
    other.load_state_dict(nn.load_state_dict(path))
    np.testing.assert_array_equal(other.body.weight.data, net.body.weight.data)
    np.testing.assert_array_equal(Net().load(path).body.bias.data, net.body.bias.data)


def test_a_saved_state_dict_loads_as_a_state_dict(tmp_path):
    nn.save({"w": np.arange(3.0)}, tmp_path / "s.npz")
    np.testing.assert_array_equal(nn.load(tmp_path / "s.npz")["w"], np.arange(3.0))
    assert list(nn.load_state_dict(tmp_path / "s.npz")) == ["w"]


def test_saving_into_a_missing_directory_names_the_users_path(tmp_path):
    path = tmp_path / "missing_dir" / "m.npz"
    with pytest.raises(FileNotFoundError, match=r"save: cannot write '.*missing_dir/m.npz': the directory "
                                                r"'.*missing_dir' does not exist") as info:
        nn.save(nn.Linear(2, 2), path)
    assert ".tmp-" not in str(info.value)
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        nn.save(nn.Linear(2, 2), tmp_path)


def test_loading_a_missing_file_or_a_directory_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load: '.*nothing.npz' does not exist"):
        nn.load(tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match="is a directory"):
        nn.load(tmp_path)


def test_a_save_that_fails_half_way_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    old = nn.Linear(3, 2)
    nn.save(old, path)
    before = path.read_bytes()
    real_savez = np.savez

    def write_half_then_fail(f, **arrays):
        buffer = io.BytesIO()
        real_savez(buffer, **arrays)
        f.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])  # a partial file on disk...
        raise OSError("No space left on device (injected)")  # ...then the disk fills up

    monkeypatch.setattr(serialization.np, "savez", write_half_then_fail)
    with pytest.raises(OSError, match="injected"):
        nn.save(nn.Linear(3, 2), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]
    np.testing.assert_array_equal(nn.load(path).weight.data, old.weight.data)


def _saved(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)), path)
    return path


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_files_name_the_file(tmp_path, keep):
    path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"load: '.*model.npz' (is damaged or truncated|is not a chainrule)"):
        nn.load(path)


@pytest.mark.parametrize("where", [0.3, 0.5, 0.7])
def test_tampered_bytes_name_the_file(tmp_path, where):
    path = _saved(tmp_path)
    data = bytearray(path.read_bytes())
    i = int(len(data) * where)
    data[i:i + 8] = bytes(255 - b for b in data[i:i + 8])
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"load: '.*model.npz' is damaged or truncated: Bad CRC-32"):
        nn.load(path)


def _write(path, header, **arrays):
    blob = np.frombuffer(json.dumps(header).encode(), np.uint8) if isinstance(header, dict) else header
    np.savez(path, **{"__chainrule__.json": blob}, **arrays)


@pytest.mark.parametrize("header, message", [
    (np.frombuffer(b"{not json", np.uint8), "damaged __chainrule__.json header"),
    ({"format": "chainrule", "version": 1}, "damaged __chainrule__.json header"),
    ({"format": "chainrule", "version": 1, "keys": "w"}, "damaged __chainrule__.json header"),
    ({"format": "chainrule", "version": 1, "keys": ["w", "b"], "class": None, "architecture": None},
     r"lacks the arrays \['b'\]"),
    ({"format": "chainrule", "version": 1, "keys": ["w"], "class": "Linear",
      "architecture": {"type": "Linear", "args": [3, "two"], "kwargs": {}}}, "cannot be rebuilt"),
    ({"format": "chainrule", "version": 1, "keys": ["w"], "class": "Linear",
      "architecture": {"type": "Linear", "args": [2, 2], "kwargs": {}}}, "cannot be rebuilt.*missing keys"),
])
def test_tampered_headers_name_the_file(tmp_path, header, message):
    path = tmp_path / "h.npz"
    _write(path, header, w=np.zeros((2, 2)))
    with pytest.raises((ValueError, KeyError), match=rf"h.npz'.*{message}"):
        nn.load(path)


class _Payload:
    """Unpickling this object would create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_loading_never_runs_code(tmp_path):
    marker = tmp_path / "code_ran"
    pickled = tmp_path / "pickled.npz"
    pickled.write_bytes(pickle.dumps({"weight": _Payload(str(marker))}))
    with pytest.raises(ValueError, match="pickled.npz' is not a chainrule .npz file .*pickle"):
        nn.load(pickled)
    # The same payload inside a zip, as an object array of an otherwise valid file.
    inside = tmp_path / "inside.npz"
    _write(inside, {"format": "chainrule", "version": 1, "keys": ["w"], "class": None, "architecture": None},
           w=np.array([_Payload(str(marker))], dtype=object))
    with pytest.raises(ValueError, match="inside.npz' holds pickled"):
        nn.load(inside)
    # An architecture naming arbitrary callables: only registered Module classes are built.
    for name in ("os.system", "eval", "__import__", "Module.__subclasses__"):
        path = tmp_path / "arch.npz"
        _write(path, {"format": "chainrule", "version": 1, "keys": [], "class": "X",
                      "architecture": {"type": name, "args": [f"touch {marker}"], "kwargs": {}}})
        with pytest.raises(ValueError, match=f"unknown type {name!r}"):
            nn.load(path)
    assert not marker.exists()
    with zipfile.ZipFile(inside) as z:  # the payload really was there
        assert "w.npy" in z.namelist()

"""A catalogue of bad inputs to every public entry point.

Each row: an id, a call that must fail, the exception type, and a regex the message must match. The
regex names the problem (the argument, the shapes, the dtype or the value), so a bare numpy error
or a message that names nothing fails the test.
"""
import json
import math
import pickle

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Tensor, Value
from nn import functional as F
from nn import optim
from nn.optim import lr_scheduler

NAN = float("nan")


def T(*shape, grad=False, dtype=np.float64):
    return Tensor(np.arange(np.prod(shape), dtype=dtype).reshape(shape) / 7.0, requires_grad=grad)


def W():
    return Tensor(np.ones(3), requires_grad=True)


def _backward_twice():
    x = T(3, grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _state_file(tmp, state=None, header=None, raw=None):
    path = tmp / "file.npz"
    if raw is not None:
        path.write_bytes(raw)
        return path
    nn.save(nn.Linear(3, 2) if state is None else state, path)
    return path


def _truncated(tmp):
    path = _state_file(tmp)
    path.write_bytes(path.read_bytes()[:200])
    return path


def _tampered(tmp):
    path = _state_file(tmp)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _pickle_file(tmp):
    return _state_file(tmp, raw=pickle.dumps({"weight": np.zeros(2)}))


def _load_into(model, state):
    return model.load_state_dict(state)


# (id, call(tmp_path), exception type, message regex)
CASES = [
    # The Tensor constructor.
    ("tensor-str", lambda t: Tensor("abc"), TypeError, r"Tensor: cannot hold data of dtype <U3.*numbers only"),
    ("tensor-none", lambda t: Tensor(None), TypeError, r"cannot hold data of dtype object \(from NoneType\)"),
    ("tensor-mixed", lambda t: Tensor([1.0, "a"]), TypeError, r"cannot hold data of dtype <U32"),
    ("tensor-ragged", lambda t: Tensor([[1.0, 2.0], [3.0]]), ValueError, r"inhomogeneous shape after 1 dimensions"),
    ("tensor-complex", lambda t: Tensor(1 + 2j), TypeError, r"dtype complex128"),
    ("tensor-int-grad", lambda t: Tensor([1, 2], requires_grad=True), TypeError,
     r"only floating-point tensors can require grad, this one has dtype int64"),
    ("tensor-bad-dtype", lambda t: Tensor([1.0], dtype="float33"), TypeError, r"data type 'float33' not understood"),
    ("item-of-many", lambda t: T(2, 3).item(), ValueError, r"only a tensor with one element.*shape \(2, 3\)"),
    ("bool-of-many", lambda t: bool(T(2)), ValueError, r"truth value of a tensor of shape \(2,\) is ambiguous"),
    ("len-of-0d", lambda t: len(Tensor(1.0)), TypeError, r"len\(\) of a 0-d tensor"),
    # Elementwise ops, matmul and shapes.
    ("add-shapes", lambda t: T(2, 3) + T(4), ValueError, r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"),
    ("mul-shapes", lambda t: T(2, 3) * T(3, 2), ValueError, r"mul: shapes \(2, 3\) and \(3, 2\) cannot be broadcast"),
    ("matmul-shapes", lambda t: T(2, 3) @ T(2, 3), ValueError, r"matmul: shapes \(2, 3\) and \(2, 3\) are not aligned: 3 != 2"),
    ("matmul-0d", lambda t: Tensor(2.0) @ T(3), ValueError, r"matmul: operands must be at least 1-d, got shapes \(\) and \(3,\)"),
    ("add-str", lambda t: T(2) + "a", TypeError, r"add: expected a Tensor, array or number, got str"),
    ("reshape-size", lambda t: T(2, 3).reshape(4), ValueError, r"reshape: cannot reshape .* \(2, 3\) \(6 elements\) into \(4,\)"),
    ("reshape-two-minus-one", lambda t: T(2, 3).reshape(-1, -1), ValueError, r"reshape: .* into \(-1, -1\)"),
    ("transpose-perm", lambda t: T(2, 3).permute(0, 0), ValueError, r"permute: \(0, 0\) is not a permutation of the 2 dims"),
    ("transpose-axis", lambda t: T(2, 3).transpose(0, 5), IndexError, r"transpose: axis 5 is out of range"),
    ("unsqueeze-axis", lambda t: T(3).unsqueeze(5), IndexError, r"unsqueeze: axis 5 is out of range"),
    ("index-float", lambda t: T(3)[1.5], IndexError, r"getitem: only integers.*\(tensor shape \(3,\)\)"),
    ("cat-shapes", lambda t: ag.cat([T(2, 3), T(2, 4)], 0), ValueError, r"concatenate: shapes \(2, 3\), \(2, 4\) differ outside axis 0"),
    ("stack-empty", lambda t: ag.stack([]), ValueError, r"stack: needs at least one tensor"),
    ("index-out-of-range", lambda t: T(2, 3)[5], IndexError, r"getitem: index 5 is out of bounds for axis 0 with size 2"),
    ("squeeze-axis", lambda t: T(2, 3).squeeze(5), IndexError, r"squeeze: axis 5 is out of range for a tensor with 2 dims"),
    ("expand-bad", lambda t: T(2, 3).expand(4, 3), ValueError, r"cannot broadcast shape \(2, 3\) to \(4, 3\)"),
    # Reductions with bad axes.
    ("sum-axis", lambda t: T(2, 3).sum(axis=2), IndexError, r"sum: axis 2 is out of range for a tensor with 2 dims"),
    ("mean-axis-neg", lambda t: T(2, 3).mean(-3), IndexError, r"mean: axis -3 is out of range.*2 dims"),
    ("sum-repeated", lambda t: T(2, 3).sum(axis=(0, 0)), ValueError, r"sum: repeated axis in \(0, 0\)"),
    ("softmax-axis", lambda t: ag.softmax(T(2, 3), 5), IndexError, r"softmax: axis 5 is out of range"),
    ("sum-axis-and-dim", lambda t: T(2, 3).sum(axis=0, dim=1), TypeError, r"give axis or dim, not both"),
    ("randn-negative", lambda t: ag.randn(-1, 2), ValueError, r"randn: shape must be non-negative integers, got \(-1, 2\)"),
    ("zeros-negative", lambda t: ag.zeros(-1), ValueError, r"zeros: shape must be non-negative integers"),
    ("randint-range", lambda t: ag.randint(5, 2, (3,)), ValueError, r"randint: need low < high, got low=5, high=2"),
    ("split-zero", lambda t: ag.split(T(5), 0), ValueError, r"split: split size must be positive, got 0"),
    ("pad-crop", lambda t: ag.pad(T(3), (-5, 0)), ValueError, r"pad: negative widths .* crop more than shape \(3,\)"),
    ("where-shapes", lambda t: ag.where(np.ones(3) > 0, T(3), T(4)), ValueError, r"where: shapes \(3,\) and \(4,\)"),
    ("std-correction", lambda t: T(3).std(ddof=5), ValueError, r"3 elements are too few for correction=5"),
    ("max-of-empty", lambda t: Tensor(np.zeros((0, 3))).max(), ValueError, r"max: reduction of an empty tensor of shape \(0, 3\)"),
    # Backward.
    ("backward-non-scalar", lambda t: (T(2, 3, grad=True) * 2).backward(), RuntimeError,
     r"gradient can be implied only for a one-element output.*\(2, 3\)"),
    ("backward-no-grad", lambda t: T(2).sum().backward(), RuntimeError, r"does not require grad"),
    ("backward-twice", lambda t: _backward_twice(), RuntimeError, r"a second time.*retain_graph=True"),
    ("backward-grad-shape", lambda t: (T(2, grad=True) * 2).backward(np.ones(3)), ValueError,
     r"gradient has shape \(3,\) but the output has shape \(2,\)"),
    # Scalar Value.
    ("value-str", lambda t: Value("abc"), TypeError, r"Value: data must be a real number, got 'abc' \(str\)"),
    ("value-log", lambda t: Value(-1.0).log(), ValueError, r"log: input must be > 0, got -1.0"),
    ("value-pow", lambda t: Value(-1.0) ** 0.5, ValueError, r"pow: -1.0 \*\* 0.5 is not a real number"),
    ("value-div-zero", lambda t: Value(1.0) / 0, ZeroDivisionError, r"div: 1.0 / 0 \(division by zero\)"),
    # nn layers: constructor arguments and input shapes.
    ("linear-zero", lambda t: nn.Linear(0, 3), ValueError, r"Linear: in_features must be a positive integer, got 0"),
    ("linear-float", lambda t: nn.Linear(2.5, 3), ValueError, r"in_features must be a positive integer, got 2.5"),
    ("embedding-zero", lambda t: nn.Embedding(0, 3), ValueError, r"num_embeddings must be a positive integer, got 0"),
    ("layernorm-zero", lambda t: nn.LayerNorm(0), ValueError, r"normalized_shape\[0\] must be a positive integer, got 0"),
    ("batchnorm-neg", lambda t: nn.BatchNorm1d(-2), ValueError, r"num_features must be a positive integer, got -2"),
    ("flatten-axis", lambda t: nn.Flatten(5)(T(2, 3)), IndexError, r"flatten: axis 5 is out of range for a tensor with 2 dims"),
    ("linear-input-shape", lambda t: nn.Linear(3, 2)(T(4, 5)), ValueError,
     r"Linear\(3→2\): expected input of shape \(\.\.\., 3\), got \(4, 5\)"),
    ("linear-input-str", lambda t: nn.Linear(3, 2)("abc"), TypeError, r"Linear\(3→2\): expected a Tensor.*got str"),
    ("linear-dtype-grad", lambda t: nn.Linear(3, 2)(T(4, 3, grad=True)), TypeError,
     r"dtype float64 and requires grad.*float32"),
    ("batchnorm-shape", lambda t: nn.BatchNorm1d(3)(T(4, 5)), ValueError,
     r"BatchNorm1d\(3\): expected input of shape \(N, 3\) or \(N, 3, L\), got \(4, 5\)"),
    ("batchnorm-batch-1", lambda t: nn.BatchNorm1d(3)(T(1, 3)), ValueError, r"more than 1 value per channel.*\(1, 3\)"),
    ("layernorm-shape", lambda t: nn.LayerNorm(4)(T(3, 5)), ValueError, r"LayerNorm: expected .*\(\.\.\., 4\), got \(3, 5\)"),
    ("embedding-float", lambda t: nn.Embedding(5, 2)(np.array([1.0])), TypeError, r"indices must be integers.*float64"),
    ("embedding-range", lambda t: nn.Embedding(5, 2)(np.array([1, 7])), IndexError, r"indices must be in \[0, 5\).*max 7"),
    ("dropout-p-high", lambda t: nn.Dropout(1.5), ValueError, r"Dropout: p must be in \[0, 1\], got 1.5"),
    ("dropout-p-neg", lambda t: nn.Dropout(-0.1), ValueError, r"p must be in \[0, 1\], got -0.1"),
    ("dropout-p-nan", lambda t: nn.Dropout(NAN), ValueError, r"p must be in \[0, 1\], got nan"),
    ("F-dropout-p", lambda t: F.dropout(T(3), 2.0), ValueError, r"dropout: p must be in \[0, 1\], got 2.0"),
    ("dropout-p-str", lambda t: nn.Dropout("0.5"), ValueError, r"Dropout: p must be in \[0, 1\], got '0.5'"),
    ("leaky-slope-str", lambda t: F.leaky_relu(T(3), "a"), ValueError, r"leaky_relu: negative_slope must be a number, got 'a'"),
    ("elu-alpha-str", lambda t: nn.ELU("a")(T(3)), ValueError, r"elu: alpha must be a number, got 'a'"),
    ("softplus-beta-0", lambda t: F.softplus(T(3), beta=0), ValueError, r"softplus: beta must be a non-zero number, got 0"),
    ("mlp-one-size", lambda t: nn.MLP([3]), ValueError, r"MLP: sizes needs at least an input and an output size"),
    ("mlp-int", lambda t: nn.MLP(3), TypeError, r"MLP\(\[n_in, hidden..., n_out\]\)"),
    ("mlp-activation", lambda t: nn.MLP([2, 3], activation="relux"), ValueError, r"unknown activation 'relux'"),
    ("gelu-approximate", lambda t: nn.GELU("fast"), ValueError, r"approximate must be 'none' or 'tanh', got 'fast'"),
    ("sequential-append", lambda t: nn.Sequential().append(3), TypeError, r"append: expected a Module, got int"),
    ("prelu-channels", lambda t: nn.PReLU(3)(T(2, 4)), ValueError, r"prelu: 3 slopes.*shape \(2, 4\)"),
    ("softmax-dim-and-axis", lambda t: nn.Softmax(dim=0, axis=1), TypeError, r"give dim or axis, not both"),
    # Losses: label dtypes, shapes, ranges, options.
    ("ce-float-labels", lambda t: F.cross_entropy(T(4, 3), np.array([0.0, 1.0, 2.0, 1.0])), TypeError,
     r"cross_entropy: class labels must be integers, got dtype float64"),
    ("ce-label-range", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1, 5, 1])), ValueError,
     r"labels must be in \[0, 3\), got \[5\] \(the input has 3 classes\)"),
    ("ce-negative-label", lambda t: F.cross_entropy(T(2, 3), np.array([0, -1])), ValueError, r"got \[-1\]"),
    ("ce-label-shape", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1])), ValueError,
     r"for input of shape \(4, 3\), integer labels need shape \(4,\), got \(2,\)"),
    ("ce-prob-shape", lambda t: F.cross_entropy(T(4, 3), np.full((4, 2), 0.5)), ValueError,
     r"input of shape \(4, 3\).*got \(4, 2\).*probability targets need shape \(4, 3\)"),
    ("ce-int-logits", lambda t: F.cross_entropy(Tensor([[1, 2]]), np.array([0])), TypeError,
     r"input \(logits\) must be floating point, got dtype int64"),
    ("ce-0d", lambda t: F.cross_entropy(Tensor(1.0), np.array(0)), ValueError, r"input needs a class dim"),
    ("ce-weight-shape", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1, 2, 1]), weight=np.ones(4)), ValueError,
     r"weight needs one number per class, shape \(3,\), got float64 of shape \(4,\)"),
    ("ce-smoothing", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1, 2, 1]), label_smoothing=1.5), ValueError,
     r"label_smoothing must be in \[0, 1\], got 1.5"),
    ("ce-reduction", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1, 2, 1]), reduction="avg"), ValueError,
     r"reduction must be 'mean', 'sum' or 'none', got 'avg'"),
    ("ce-positional-reduction", lambda t: F.cross_entropy(T(4, 3), np.array([0, 1, 2, 1]), "sum"), TypeError,
     r"third argument is weight.*reduction='sum'"),
    ("ce-module-positional", lambda t: nn.CrossEntropyLoss("sum"), TypeError, r"first argument is weight"),
    ("ce-ignore-probs", lambda t: F.cross_entropy(T(2, 3), np.full((2, 3), 1 / 3), ignore_index=0), ValueError,
     r"ignore_index=0 applies to class labels"),
    ("nll-float-labels", lambda t: F.nll_loss(T(2, 3), np.array([0.0, 1.0])), TypeError, r"nll_loss: class labels must be integers"),
    ("mse-shapes", lambda t: F.mse_loss(T(3, 4), np.zeros(4)), ValueError,
     r"mse_loss: input shape \(3, 4\) and target shape \(4,\) differ"),
    ("bce-range", lambda t: F.binary_cross_entropy(Tensor([0.5, 1.5]), [1.0, 0.0]), ValueError,
     r"input must be probabilities in \[0, 1\], got \[1.5\]"),
    ("bce-nan", lambda t: F.binary_cross_entropy(Tensor([0.5, NAN]), [1.0, 0.0]), ValueError, r"got \[nan\]"),
    ("hinge-labels", lambda t: F.hinge_loss(T(3), [0.0, 1.0, -1.0]), ValueError, r"binary labels must be -1 or \+1"),
    ("huber-delta", lambda t: F.huber_loss(T(3), np.zeros(3), delta=0), ValueError, r"delta must be > 0, got 0"),
    ("huber-delta-nan", lambda t: F.huber_loss(T(3), np.zeros(3), delta=NAN), ValueError, r"delta must be > 0, got nan"),
    ("hinge-margin-str", lambda t: F.hinge_loss(T(3), np.ones(3), margin="1"), ValueError, r"margin must be a number, got '1'"),
    ("ce-smoothing-nan", lambda t: F.cross_entropy(T(2, 3), np.array([0, 1]), label_smoothing=NAN), ValueError,
     r"label_smoothing must be in \[0, 1\], got nan"),
    ("loss-module-reduction", lambda t: nn.MSELoss(reduction="avg"), ValueError, r"MSELoss: reduction must be"),
    # Optimizers: hyper-parameters and what is passed as parameters.
    ("sgd-model", lambda t: optim.SGD(nn.Linear(2, 2), lr=0.1), TypeError, r"pass model.parameters\(\)"),
    ("sgd-empty", lambda t: optim.SGD([], lr=0.1), ValueError, r"empty parameter list"),
    ("sgd-set", lambda t: optim.SGD({W()}, lr=0.1), TypeError, r"ordered iterable.*got set"),
    ("sgd-array", lambda t: optim.SGD([np.ones(2)], lr=0.1), TypeError, r"Tensors or Values, got ndarray"),
    ("sgd-non-leaf", lambda t: optim.SGD([W() * 2], lr=0.1), ValueError, r"non-leaf Tensor \(shape \(3,\)\)"),
    ("sgd-int-param", lambda t: optim.SGD([Tensor([1, 2])], lr=0.1), TypeError, r"floating point, got a Tensor of dtype int64"),
    ("sgd-lr-neg", lambda t: optim.SGD([W()], lr=-0.1), ValueError, r"SGD: invalid lr=-0.1; expected a number >= 0"),
    ("sgd-lr-nan", lambda t: optim.SGD([W()], lr=NAN), ValueError, r"invalid lr=nan"),
    ("sgd-lr-str", lambda t: optim.SGD([W()], lr="0.1"), ValueError, r"invalid lr='0.1'"),
    ("sgd-momentum", lambda t: optim.SGD([W()], lr=0.1, momentum=-0.5), ValueError, r"invalid momentum=-0.5"),
    ("sgd-nesterov", lambda t: optim.SGD([W()], lr=0.1, nesterov=True), ValueError, r"invalid nesterov=True.*momentum=0"),
    ("adam-beta1", lambda t: optim.Adam([W()], betas=(1.0, 0.9)), ValueError, r"Adam: invalid betas=\(1.0, 0.9\); expected two numbers in \[0, 1\)"),
    ("adam-beta-len", lambda t: optim.Adam([W()], betas=(0.9,)), ValueError, r"invalid betas=\(0.9,\)"),
    ("adam-beta-nan", lambda t: optim.AdamW([W()], betas=(0.9, NAN)), ValueError, r"AdamW: invalid betas"),
    ("adam-eps", lambda t: optim.Adam([W()], eps=-1e-8), ValueError, r"invalid eps=-1e-08"),
    ("adamw-decay", lambda t: optim.AdamW([W()], weight_decay=-0.01), ValueError, r"invalid weight_decay=-0.01"),
    ("rmsprop-alpha", lambda t: optim.RMSprop([W()], alpha=1.5), ValueError, r"RMSprop: invalid alpha=1.5"),
    ("adagrad-lr-decay", lambda t: optim.Adagrad([W()], lr_decay=-1), ValueError, r"Adagrad: invalid lr_decay=-1"),
    ("optim-unknown-option", lambda t: optim.SGD([{"params": [W()], "momentun": 0.9}], lr=0.1), ValueError,
     r"unknown option\(s\) \['momentun'\]"),
    ("optim-load-groups", lambda t: optim.SGD([W()], lr=0.1).load_state_dict(
        {"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]}), ValueError,
     r"the state has 2 parameter groups, this optimizer has 1"),
    ("steplr-step-size", lambda t: lr_scheduler.StepLR(optim.SGD([W()], lr=0.1), step_size=0), ValueError, r"step_size"),
    ("steplr-not-optimizer", lambda t: lr_scheduler.StepLR([W()], step_size=1), TypeError, r"StepLR: expected an Optimizer, got list"),
    # load_state_dict: keys and shapes.
    ("state-missing", lambda t: _load_into(nn.Linear(3, 2), {"weight": np.zeros((2, 3))}), KeyError,
     r"missing keys \['bias'\]"),
    ("state-unexpected", lambda t: _load_into(nn.Linear(3, 2), {"weight": np.zeros((2, 3)), "bias": np.zeros(2),
                                                                "extra": np.zeros(1)}), KeyError,
     r"unexpected keys \['extra'\]"),
    ("state-shape", lambda t: _load_into(nn.Linear(3, 2), {"weight": np.zeros((3, 3)), "bias": np.zeros(2)}),
     ValueError, r"shape mismatch for 'weight': the model has \(2, 3\), the state dict has \(3, 3\)"),
    # Model files.
    ("file-missing", lambda t: nn.load(t / "nothing.npz"), FileNotFoundError, r"load: '.*nothing.npz' does not exist"),
    ("file-truncated", lambda t: nn.load(_truncated(t)), ValueError, r"'.*file.npz' is damaged or truncated"),
    ("file-tampered", lambda t: nn.load(_tampered(t)), ValueError, r"'.*file.npz' is damaged or truncated"),
    ("file-pickle", lambda t: nn.load(_pickle_file(t)), ValueError, r"'.*file.npz' is not a chainrule .npz.*pickle"),
    ("file-text", lambda t: nn.load(_state_file(t, raw=b"hello")), ValueError, r"'.*file.npz' is not a chainrule"),
    ("save-missing-dir", lambda t: nn.save(nn.Linear(2, 2), t / "no" / "m.npz"), FileNotFoundError,
     r"cannot write '.*no/m.npz': the directory"),
    ("save-not-model", lambda t: nn.save([1, 2], t / "m.npz"), TypeError, r"expected a Module or a state dict, got list"),
    # Initialisers.
    ("init-fan-1d", lambda t: nn.init.xavier_uniform_(Tensor(np.zeros(3))), ValueError,
     r"xavier_uniform_: fan in and fan out need a tensor with at least 2 dims, got shape \(3,\)"),
    ("init-mode", lambda t: nn.init.kaiming_uniform_(T(2, 2), mode="fan_inn"), ValueError,
     r"mode must be 'fan_in' or 'fan_out', got 'fan_inn'"),
    ("dataloader-batch-size", lambda t: nn.data.DataLoader((np.ones((4, 2)), np.ones(4)), batch_size=0), ValueError,
     r"DataLoader: batch_size must be a positive integer, got 0"),
]


@pytest.mark.parametrize("call, exc, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_an_error_naming_the_problem(call, exc, message, tmp_path):
    with pytest.raises(exc, match=message):
        call(tmp_path)


def test_the_catalogue_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


# NaN where it matters: values pass through (as in PyTorch and numpy), never hidden.
def test_nan_propagates_through_losses_and_gradients():
    x = Tensor(np.array([[0.0, NAN, 1.0]]), requires_grad=True)
    loss = F.cross_entropy(x, np.array([0]))
    loss.backward()
    assert math.isnan(loss.item()) and np.isnan(x.grad.data).all()


# Empty arrays where PyTorch answers: sums are 0, means NaN; layers keep the batch dim.
def test_empty_batches():
    assert nn.Linear(3, 2)(np.zeros((0, 3))).shape == (0, 2)
    assert T(0, 3).sum().item() == 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        assert math.isnan(F.cross_entropy(Tensor(np.zeros((0, 3))), np.zeros(0, dtype=np.int64)).item())


def test_json_header_of_a_saved_state_is_data(tmp_path):
    path = _state_file(tmp_path)
    with np.load(path, allow_pickle=False) as z:
        header = json.loads(z["__chainrule__.json"].tobytes())
    assert header["class"] == "Linear" and header["keys"] == ["weight", "bias"]

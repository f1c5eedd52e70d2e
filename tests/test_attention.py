"""Attention against PyTorch: scaled_dot_product_attention (masks, causal, scale, broadcasting) and
MultiheadAttention with PyTorch's weights (outputs, attention weights and every gradient)."""
import numpy as np
import pytest

import nn
from autograd import Tensor, gradcheck, gradgradcheck
from nn import functional as F

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _pair(shape):
    a = rng.standard_normal(shape)
    return Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


MASK = rng.random((3, 5)) > 0.3
MASK[:, 0] = True  # every query may attend somewhere
SDPA_CASES = {
    "plain": {}, "causal": {"is_causal": True}, "bool mask": {"attn_mask": MASK},
    "float mask": {"attn_mask": rng.standard_normal((3, 5))}, "scale": {"scale": 0.3},
}


@pytest.mark.parametrize("kwargs", list(SDPA_CASES.values()), ids=list(SDPA_CASES))
def test_scaled_dot_product_attention_matches_torch(kwargs):
    (q, tq), (k, tk), (v, tv) = _pair((2, 2, 3, 4)), _pair((2, 2, 5, 4)), _pair((2, 2, 5, 6))
    if kwargs.get("is_causal"):
        (k, tk), (v, tv) = _pair((2, 2, 3, 4)), _pair((2, 2, 3, 6))
    ours = F.scaled_dot_product_attention(q, k, v, **kwargs)
    torch_kwargs = {n: torch.tensor(a) if isinstance(a, np.ndarray) else a for n, a in kwargs.items()}
    theirs = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **torch_kwargs)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(ours.shape)
    (ours * Tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for x, t in ((q, tq), (k, tk), (v, tv)):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_scaled_dot_product_attention_gradients_of_every_order():
    q, k, v = (Tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3), (4, 3), (4, 2)))
    mask = np.tril(np.ones((2, 4), dtype=bool))
    assert gradcheck(lambda *t: F.scaled_dot_product_attention(*t, attn_mask=mask), [q, k, v])
    assert gradgradcheck(lambda *t: F.scaled_dot_product_attention(*t, is_causal=True), [q, k[:2], v[:2]])


def test_scaled_dot_product_attention_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"query \(..., L, E\).*\(2, 3\), \(4, 2\)"):
        F.scaled_dot_product_attention(Tensor(np.ones((2, 3))), Tensor(np.ones((4, 2))), Tensor(np.ones((4, 2))))


def _twins(embed_dim=6, num_heads=2, bias=True, batch_first=True):
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first, dtype=torch.float64)
    with torch.no_grad():  # non-zero biases, so that they are compared too
        for p in theirs.parameters():
            p.add_(0.1 * torch.randn_like(p))
    ours = nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first, dtype=np.float64)
    for name, p in ours.named_parameters():
        p.data[...] = dict(theirs.named_parameters())[name].detach().numpy()
    return ours, theirs


MHA_CASES = {
    "self": {}, "no bias": {"bias": False}, "seq first": {"batch_first": False},
    "key padding": {"key_padding_mask": np.array([[False] * 4 + [True], [False] * 5])},
    "bool attn_mask": {"attn_mask": ~MASK}, "float attn_mask": {"attn_mask": rng.standard_normal((3, 5))},
    "per-head weights": {"average_attn_weights": False},
}


@pytest.mark.parametrize("case", list(MHA_CASES.values()), ids=list(MHA_CASES))
def test_multihead_attention_matches_torch(case):
    case = dict(case)
    ours, theirs = _twins(bias=case.pop("bias", True), batch_first=case.pop("batch_first", True))
    shape_q, shape_kv = ((2, 3, 6), (2, 5, 6)) if ours.batch_first else ((3, 2, 6), (5, 2, 6))
    (q, tq), (k, tk), (v, tv) = _pair(shape_q), _pair(shape_kv), _pair(shape_kv)
    out, w = ours(q, k, v, **case)
    tout, tw = theirs(tq, tk, tv, **{n: torch.tensor(a) if isinstance(a, np.ndarray) else a for n, a in case.items()})
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = rng.standard_normal(out.shape)
    ((out * Tensor(g)).sum() + w.sum()).backward()
    ((tout * torch.tensor(g)).sum() + tw.sum()).backward()
    for x, t in ((q, tq), (k, tk), (v, tv)):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-8, atol=1e-10)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, dict(theirs.named_parameters())[name].grad.numpy(), rtol=1e-8, atol=1e-10)


def test_multihead_attention_unbatched_causal_and_errors():
    ours, theirs = _twins()
    x = rng.standard_normal((4, 6))
    out, w = ours(Tensor(x), Tensor(x), Tensor(x), is_causal=True, need_weights=False)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    tx = torch.tensor(x)
    tout, _ = theirs(tx, tx, tx, attn_mask=causal, need_weights=False)
    assert w is None and out.shape == (4, 6)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="embed_dim 6 is not divisible by num_heads 4"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(1, 4\)"):
        ours(Tensor(x), Tensor(x), Tensor(x), key_padding_mask=np.zeros((1, 3), dtype=bool))

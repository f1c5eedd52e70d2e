"""Multi-head attention (PyTorch's `nn.MultiheadAttention`, with the same parameter names and layout,
so weights transfer both ways). The attention itself is `functional.scaled_dot_product_attention`."""
import math

import numpy as np

from autograd import Tensor

from . import functional as F
from . import init
from .layers import Linear
from .module import Module, Parameter

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Attention over `num_heads` heads of size embed_dim / num_heads.

    forward(query (N, L, E), key (N, S, E), value (N, S, E)) -> (output (N, L, E), weights (N, L, S)
    averaged over heads, or (N, H, L, S), or None). With `batch_first=False` the batch is dim 1, as in
    PyTorch; unbatched (L, E) inputs work too. Masks follow PyTorch's MultiheadAttention: in a boolean
    `attn_mask` (L, S) or (N*H, L, S) and `key_padding_mask` (N, S), True means "may NOT attend";
    float masks are added to the scores.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False, dtype=np.float32):
        super().__init__()
        if not isinstance(embed_dim, int) or not isinstance(num_heads, int) or embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be positive integers, "
                             f"got {embed_dim!r} and {num_heads!r}")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        if not 0 <= dropout < 1:
            raise ValueError(f"MultiheadAttention: dropout must be in [0, 1), got {dropout}")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        # PyTorch's initialisation: xavier-uniform packed projections, zero biases.
        self.in_proj_weight = init.xavier_uniform_(Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dtype)))
        self.register_parameter("in_proj_bias", Parameter(np.zeros(3 * embed_dim, dtype=dtype)) if bias else None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _project(self, x, i):
        """x @ W_i^T + b_i, split into heads: (N, H, T, D)."""
        e = self.embed_dim
        y = x @ self.in_proj_weight[i * e:(i + 1) * e].T
        if self.in_proj_bias is not None:
            y = y + self.in_proj_bias[i * e:(i + 1) * e]
        n, t = x.shape[:2]
        return y.reshape(n, t, self.num_heads, self.head_dim).swapaxes(1, 2)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        q, k, v = (F.as_input(t, self.in_proj_weight.dtype, "MultiheadAttention") for t in (query, key, value))
        unbatched = q.ndim == 2
        if unbatched:
            q, k, v = q[None], k[None], v[None]
        elif not self.batch_first:
            q, k, v = q.swapaxes(0, 1), k.swapaxes(0, 1), v.swapaxes(0, 1)
        if q.ndim != 3 or k.ndim != 3 or v.ndim != 3 or q.shape[-1] != self.embed_dim or k.shape != v.shape \
                or k.shape[-1] != self.embed_dim or q.shape[0] != k.shape[0]:
            raise ValueError(f"MultiheadAttention: expected query (N, L, {self.embed_dim}) and key, value "
                             f"(N, S, {self.embed_dim}), got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
        n, L, S = q.shape[0], q.shape[1], k.shape[1]
        bias = self._mask_bias(attn_mask, key_padding_mask, is_causal, n, L, S, q.dtype)
        qh, kh, vh = self._project(q, 0), self._project(k, 1), self._project(v, 2)
        scores = (qh @ kh.swapaxes(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        if bias is not None:
            scores = scores + bias
        weights = F.softmax(scores, -1)
        if self.dropout and self.training:
            weights = F.dropout(weights, self.dropout)
        out = (weights @ vh).swapaxes(1, 2).reshape(n, L, self.embed_dim)
        out = self.out_proj(out)
        if unbatched:
            out = out[0]
        elif not self.batch_first:
            out = out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        w = weights.mean(1) if average_attn_weights else weights
        return out, (w[0] if unbatched else w)

    def _mask_bias(self, attn_mask, key_padding_mask, is_causal, n, L, S, dtype):
        """The masks as one additive term broadcastable to the scores (N, H, L, S); -inf where barred."""
        if is_causal and attn_mask is None:
            attn_mask = ~np.tril(np.ones((L, S), dtype=bool))
        terms = []
        if attn_mask is not None:
            m = _additive(attn_mask, dtype)
            if m.shape not in ((L, S), (n * self.num_heads, L, S)):
                raise ValueError(f"MultiheadAttention: attn_mask must have shape ({L}, {S}) or "
                                 f"({n * self.num_heads}, {L}, {S}), got {tuple(m.shape)}")
            terms.append(m if m.ndim == 2 else m.reshape(n, self.num_heads, L, S))
        if key_padding_mask is not None:
            m = _additive(key_padding_mask, dtype)
            if m.shape != (n, S):
                raise ValueError(f"MultiheadAttention: key_padding_mask must have shape ({n}, {S}), got {tuple(m.shape)}")
            terms.append(m.reshape(n, 1, 1, S))
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, batch_first={self.batch_first}"


def _additive(mask, dtype):
    """A boolean mask (True = barred) as 0 / -inf; a float mask as it is (it may carry a gradient)."""
    data = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if data.dtype == bool:
        return Tensor(np.where(data, -np.inf, 0.0).astype(dtype))
    return mask if isinstance(mask, Tensor) else Tensor(data.astype(dtype))

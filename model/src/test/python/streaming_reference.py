"""DEV-ONLY pure-PyTorch reference of the longstream streaming contract.

Implements ``/work/shared/spec/streaming-semantics.md`` literally, in float64, for HF-Llama-family checkpoints
(RMSNorm, SwiGLU MLP, GQA, half-split ``rotate_half`` RoPE). It reads only ``config.json`` and the safetensors
file(s) of a checkpoint and writes the model math itself; it never calls transformers' modelling code.

Dimension names (as in the Java code): T chunk length, H query heads, Hkv key/value heads, Dh head dim,
D hidden size, V vocab, S sinks, W recent capacity, C chunk size, N document length.

Streaming contract, as implemented here (one step = one chunk = one output window):
  * cache = ``s`` sinks (s = min(S, tokens processed before the chunk)) + ``R <= W`` recent entries;
    keys are cached UNROTATED and rotated at every step at that step's positions.
  * positions
      rolling:   sink i -> i, recent j (0 = oldest) -> s + j, chunk token m -> s + R + m
      absolute:  every key and query at its document position
      recompute: fresh causal forward over [s sinks, R = min(W, available) most recent tokens, chunk] at 0..len-1
  * dynamic NTK: inv_freq recomputed per step with seq_len = largest position id of the step + 1
    (rolling s+R+T, absolute chunk end, recompute len), clamped below by max_position_embeddings, applied to all
    queries and keys of the step (cached keys included).
  * commit: chunk tokens with document index < S become sinks, the others are appended to the recent part, then
    the oldest recent entries are evicted until R <= W.
  * outputs: nll[i] = -log p(t[i+1]) from the logits at token i (for i + 1 < N); window embedding = L2-normalised
    mean over the chunk of the final hidden state (after the final norm).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file

DTYPE = torch.float64
MODES = ("rolling", "absolute", "recompute")
TOKEN_FORMULA = "tokens[i] = (i * 7919 + (i * i) % 13 + 3) % vocab_size  (int64, i = 0..n-1)"


def doc_tokens(n: int, vocab_size: int) -> torch.Tensor:
    """The synthetic document: tokens[i] = (i*7919 + (i*i) % 13 + 3) % vocab_size, int64 math.  [N] int64"""
    i = torch.arange(n, dtype=torch.int64)
    return (i * 7919 + (i * i) % 13 + 3) % vocab_size


# ----------------------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Rope:
    """Half-split RoPE with the supported HF scalings: default, linear, dynamic (NTK)."""

    rope_type: str
    theta: float
    dim: int  # rotated dims (= Dh here)
    factor: float
    max_pos: int  # config.max_position_embeddings (what HF's dynamic formula uses)

    def inv_freq(self, seq_len: int) -> tuple[torch.Tensor, float]:
        """(inv_freq [Dh/2] float64, attention factor) for a step whose largest position id is seq_len - 1."""
        base = self.theta
        if self.rope_type == "dynamic":
            length = max(seq_len, self.max_pos)
            base = base * ((self.factor * length / self.max_pos) - (self.factor - 1)) ** (self.dim / (self.dim - 2))
        inv = 1.0 / (base ** (torch.arange(0, self.dim, 2, dtype=DTYPE) / self.dim))
        if self.rope_type == "linear":
            inv = inv / self.factor
        return inv, 1.0

    def cos_sin(self, positions: torch.Tensor, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
        """cos, sin [L, Dh] for integer positions [L]; the attention factor multiplies both."""
        inv, att = self.inv_freq(seq_len)
        ang = positions.to(DTYPE)[:, None] * inv[None, :]
        ang = torch.cat([ang, ang], dim=-1)
        return ang.cos() * att, ang.sin() * att


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x [*, L, Dh] rotated in the half-split layout: x*cos + rotate_half(x)*sin."""
    h = x.shape[-1] // 2
    rot = torch.cat([-x[..., h:], x[..., :h]], dim=-1)
    return x * cos + rot * sin


def parse_rope(cfg: dict, head_dim: int) -> Rope:
    params = cfg.get("rope_parameters")  # transformers 5.x layout
    if params is None:  # transformers 4.x layout
        params = dict(cfg.get("rope_scaling") or {})
        params.setdefault("rope_theta", cfg.get("rope_theta", 10000.0))
        if "type" in params and "rope_type" not in params:
            params["rope_type"] = params["type"]
    rope_type = params.get("rope_type", "default")
    if rope_type not in ("default", "linear", "dynamic"):
        raise ValueError(f"unsupported rope_type {rope_type!r}; known: default, linear, dynamic")
    prf = params.get("partial_rotary_factor", cfg.get("partial_rotary_factor", 1.0))
    if prf != 1.0:
        raise ValueError("partial_rotary_factor != 1 is not supported by this reference")
    return Rope(
        rope_type=rope_type,
        theta=float(params.get("rope_theta", 10000.0)),
        dim=head_dim,
        factor=float(params.get("factor", 1.0)),
        max_pos=int(cfg["max_position_embeddings"]),
    )


class RefModel:
    """Weights (float64) + config of a Llama-family checkpoint, and one chunk forward over a given KV context."""

    def __init__(self, model_dir: str | Path):
        model_dir = Path(model_dir)
        self.name = model_dir.name
        cfg = json.loads((model_dir / "config.json").read_text())
        self.cfg = cfg
        w = {}
        for f in sorted(model_dir.glob("*.safetensors")):
            if f.name.startswith("expected"):
                continue
            w.update({k: v.to(DTYPE) for k, v in load_file(str(f)).items()})
        self.w = w
        self.n_layers = cfg["num_hidden_layers"]
        self.n_heads = cfg["num_attention_heads"]  # H
        self.n_kv = cfg.get("num_key_value_heads") or self.n_heads  # Hkv
        self.head_dim = cfg.get("head_dim") or cfg["hidden_size"] // self.n_heads  # Dh
        self.hidden = cfg["hidden_size"]  # D
        self.vocab = cfg["vocab_size"]  # V
        self.eps = cfg["rms_norm_eps"]
        self.rope = parse_rope(cfg, self.head_dim)
        self.lm_head = w.get("lm_head.weight", w["model.embed_tokens.weight"])  # [V, D]

    # --- small building blocks -------------------------------------------------------------------------------
    def _rms(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return self.w[name] * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + self.eps))

    def _lin(self, x: torch.Tensor, name: str) -> torch.Tensor:
        y = x @ self.w[name + ".weight"].T
        b = self.w.get(name + ".bias")
        return y if b is None else y + b

    def _heads(self, x: torch.Tensor, n: int) -> torch.Tensor:
        """[T, n*Dh] -> [n, T, Dh]"""
        return x.view(x.shape[0], n, self.head_dim).transpose(0, 1)

    def _attention(self, layer, x, past_k, past_v, q_cs, k_cs):
        """One self-attention block. x [T, D]; past_k/v [Hkv, L, Dh] (k unrotated); q_cs = (cos, sin) [T, Dh];
        k_cs = (cos, sin) [L+T, Dh]. Returns (out [T, D], new unrotated k [Hkv, T, Dh], new v [Hkv, T, Dh])."""
        p = f"model.layers.{layer}.self_attn."
        t = x.shape[0]
        q = self._heads(self._lin(x, p + "q_proj"), self.n_heads)  # [H, T, Dh]
        k_new = self._heads(self._lin(x, p + "k_proj"), self.n_kv)  # [Hkv, T, Dh]
        v_new = self._heads(self._lin(x, p + "v_proj"), self.n_kv)
        k = torch.cat([past_k, k_new], dim=1)  # [Hkv, L+T, Dh]
        v = torch.cat([past_v, v_new], dim=1)
        q = rotate(q, *q_cs)
        k = rotate(k, *k_cs)
        rep = self.n_heads // self.n_kv  # query head h uses kv head h // rep (HF repeat_kv)
        k = k.repeat_interleave(rep, dim=0)  # [H, L+T, Dh]
        v = v.repeat_interleave(rep, dim=0)
        scores = (q @ k.transpose(1, 2)) / math.sqrt(self.head_dim)  # [H, T, L+T]
        past = past_k.shape[1]
        # rule 1: every cached entry is visible, the chunk is causal
        visible = torch.arange(past + t)[None, :] <= (past + torch.arange(t))[:, None]  # [T, L+T]
        scores = scores.masked_fill(~visible, float("-inf"))
        a = torch.softmax(scores, dim=-1) @ v  # [H, T, Dh]
        out = self._lin(a.transpose(0, 1).reshape(t, self.n_heads * self.head_dim), p + "o_proj")
        return out, k_new, v_new

    def _mlp(self, layer, x):
        p = f"model.layers.{layer}.mlp."
        return self._lin(torch.nn.functional.silu(self._lin(x, p + "gate_proj")) * self._lin(x, p + "up_proj"),
                         p + "down_proj")

    # --- one chunk ---------------------------------------------------------------------------------------------
    def forward_chunk(self, ids, past, q_pos, k_pos, seq_len):
        """Run T chunk tokens against a KV context.

        ids [T] int64; past = list per layer of (k [Hkv, L, Dh] unrotated, v [Hkv, L, Dh]);
        q_pos [T], k_pos [L+T] int64 positions (k_pos covers the context then the chunk); seq_len for dynamic RoPE.
        Returns (hidden after final norm [T, D], logits [T, V], list per layer of the chunk's (k unrotated, v)).
        """
        q_cs = self.rope.cos_sin(q_pos, seq_len)
        k_cs = self.rope.cos_sin(k_pos, seq_len)
        x = self.w["model.embed_tokens.weight"][ids]  # [T, D]
        new_kv = []
        for layer in range(self.n_layers):
            p = f"model.layers.{layer}."
            a, k_new, v_new = self._attention(layer, self._rms(x, p + "input_layernorm.weight"), *past[layer],
                                              q_cs, k_cs)
            x = x + a
            x = x + self._mlp(layer, self._rms(x, p + "post_attention_layernorm.weight"))
            new_kv.append((k_new, v_new))
        hidden = self._rms(x, "model.norm.weight")
        return hidden, hidden @ self.lm_head.T, new_kv

    def empty_kv(self):
        e = torch.zeros(self.n_kv, 0, self.head_dim, dtype=DTYPE)
        return [(e, e) for _ in range(self.n_layers)]


# ------------------------------------------------------------------------------------------------------- the cache


class SinkCache:
    """Per-layer unrotated K and V for the sinks and the recent part, plus the document index of every entry."""

    def __init__(self, model: RefModel, sinks: int, window: int):
        self.S, self.W = sinks, window
        self.sink_kv = model.empty_kv()
        self.recent_kv = model.empty_kv()
        self.sink_idx: list[int] = []
        self.recent_idx: list[int] = []

    @property
    def s(self) -> int:
        return len(self.sink_idx)

    @property
    def r(self) -> int:
        return len(self.recent_idx)

    def context(self):
        """list per layer of (k, v) [Hkv, s+R, Dh]: sinks first, then recent oldest -> newest."""
        return [(torch.cat([sk, rk], 1), torch.cat([sv, rv], 1))
                for (sk, sv), (rk, rv) in zip(self.sink_kv, self.recent_kv)]

    def context_indices(self) -> list[int]:
        return self.sink_idx + self.recent_idx

    def commit(self, start: int, end: int, new_kv) -> None:
        """Rule 4: tokens with document index < S become sinks (a prefix of the chunk), the rest join the recent
        part, then the oldest recent entries are evicted until R <= W. new_kv may be None (index bookkeeping only)."""
        n_sink = max(0, min(end, self.S) - start)
        self.sink_idx += list(range(start, start + n_sink))
        self.recent_idx += list(range(start + n_sink, end))
        evict = max(0, len(self.recent_idx) - self.W)
        self.recent_idx = self.recent_idx[evict:]
        if new_kv is None:
            return
        for layer, (k, v) in enumerate(new_kv):
            sk, sv = self.sink_kv[layer]
            rk, rv = self.recent_kv[layer]
            self.sink_kv[layer] = (torch.cat([sk, k[:, :n_sink]], 1), torch.cat([sv, v[:, :n_sink]], 1))
            rk, rv = torch.cat([rk, k[:, n_sink:]], 1), torch.cat([rv, v[:, n_sink:]], 1)
            self.recent_kv[layer] = (rk[:, evict:], rv[:, evict:])
        assert self.recent_kv[0][0].shape[1] == len(self.recent_idx)

    def check_invariants(self, start: int) -> None:
        """The cache before the chunk starting at `start` holds exactly these document tokens."""
        s = min(self.S, start)
        assert self.sink_idx == list(range(s)), (start, self.sink_idx)
        assert self.recent_idx == list(range(max(s, start - self.W), start)), (start, self.recent_idx)


# ------------------------------------------------------------------------------------------------------- streaming


@dataclass
class StreamResult:
    nll: torch.Tensor  # [N-1] float64
    window_embeddings: torch.Tensor  # [num_windows, D] float64
    window_bounds: torch.Tensor  # [num_windows, 2] int64, [start, end)
    hidden: torch.Tensor | None = None  # [N, D] (keep_hidden only)
    logits: torch.Tensor | None = None  # [N, V] (keep_hidden only)


def step_positions(mode: str, cache: SinkCache, start: int, end: int):
    """(q_pos [T], k_pos [s+R+T], seq_len) for the rolling and absolute modes (rules 2 and 3)."""
    t, ctx = end - start, cache.s + cache.r
    if mode == "rolling":
        k_pos = torch.arange(ctx + t, dtype=torch.int64)  # sinks 0..s-1, recent s..s+R-1, chunk s+R..
        return k_pos[ctx:], k_pos, ctx + t
    if mode == "absolute":
        q_pos = torch.arange(start, end, dtype=torch.int64)
        k_pos = torch.cat([torch.tensor(cache.context_indices(), dtype=torch.int64), q_pos])
        return q_pos, k_pos, end
    raise ValueError(mode)


def run_step(model: RefModel, tokens: torch.Tensor, cache: SinkCache, mode: str, start: int, end: int):
    """One chunk: (hidden [T, D], logits [T, V]); commits the chunk into the cache."""
    if mode == "recompute":
        ctx_ids = torch.tensor(cache.context_indices() + list(range(start, end)), dtype=torch.int64)
        pos = torch.arange(len(ctx_ids), dtype=torch.int64)
        hidden, logits, _ = model.forward_chunk(tokens[ctx_ids], model.empty_kv(), pos, pos, len(ctx_ids))
        t = end - start
        cache.commit(start, end, None)  # only the token bookkeeping matters: K/V are re-encoded every step
        return hidden[-t:], logits[-t:]
    q_pos, k_pos, seq_len = step_positions(mode, cache, start, end)
    hidden, logits, new_kv = model.forward_chunk(tokens[start:end], cache.context(), q_pos, k_pos, seq_len)
    cache.commit(start, end, new_kv)
    return hidden, logits


@torch.no_grad()
def stream(model: RefModel, tokens: torch.Tensor, sinks: int, window: int, chunk: int, mode: str = "rolling",
           keep_hidden: bool = False, first_window: int = 0) -> StreamResult:
    """Stream `tokens` [N] through the model; returns per-token nll and per-window embeddings.

    first_window: windows before it are computed (they fill the cache) but their outputs are not kept; nll then
    starts at the first kept window's start index.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {MODES}")
    if sinks < 0 or window < 0 or chunk <= 0:
        raise ValueError("need sinks >= 0, window >= 0, chunk > 0")
    n = tokens.shape[0]
    cache = SinkCache(model, sinks, window)
    nll, emb, bounds, hid, lgt = [], [], [], [], []
    for w_idx, start in enumerate(range(0, n, chunk)):
        end = min(start + chunk, n)
        cache.check_invariants(start)
        hidden, logits = run_step(model, tokens, cache, mode, start, end)
        if w_idx < first_window:
            continue
        logp = torch.log_softmax(logits, dim=-1)  # [T, V]
        m = min(end, n - 1) - start  # rows that have a next token
        nll.append(-logp[torch.arange(m), tokens[start + 1:start + 1 + m]])
        mean = hidden.mean(0)
        emb.append(mean / mean.norm())
        bounds.append([start, end])
        if keep_hidden:
            hid.append(hidden)
            lgt.append(logits)
    return StreamResult(
        nll=torch.cat(nll),
        window_embeddings=torch.stack(emb),
        window_bounds=torch.tensor(bounds, dtype=torch.int64),
        hidden=torch.cat(hid) if keep_hidden else None,
        logits=torch.cat(lgt) if keep_hidden else None,
    )

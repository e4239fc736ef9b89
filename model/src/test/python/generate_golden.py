#!/usr/bin/env python3
"""DEV-ONLY generator for the golden fixtures under model/src/test/resources/golden/.

Java tests never run this script; they only read the files it commits. Run it from the repository root:

    python3 model/src/test/python/generate_golden.py

It needs torch, transformers 5.x, safetensors and tokenizers, and never touches the network: every config is
built in code, every model is randomly initialised from a fixed seed, and the tokenizer is trained offline.

For every model case it
  1. builds an HF config + model (float32), overwrites every parameter from a seeded generator,
  2. casts to the case's storage dtype and writes it with ``save_pretrained`` (real HF config.json / safetensors),
  3. optionally rewrites config.json into the transformers-4.x layout (``rope_theta`` + ``rope_scaling``),
  4. reloads the checkpoint from disk with ``from_pretrained(dtype=float32, attn_implementation="eager")`` and
     checks that the reloaded config/model is identical to the in-memory one,
  5. runs the HF forward pass in float32 (eager attention) on T=24 seeded random ids and stores
     ``input_ids``, ``position_ids``, ``logits`` [T, V] and ``hidden`` [T, D] (= last_hidden_state, after the final
     norm) in expected.safetensors,
  6. cross-checks HF against an independent float64 re-implementation that reads only config.json + safetensors
     (``reference_forward`` below) and runs case-specific sanity checks (rope/sliding window really matter, ...).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import safetensors
import tokenizers
import torch
import transformers
from safetensors import safe_open
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    MistralConfig,
    MistralForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

transformers.logging.set_verbosity_error()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
try:  # keep the output readable; progress bars are irrelevant here
    transformers.utils.logging.disable_progress_bar()
except Exception:  # pragma: no cover
    pass

REPO_ROOT = Path(__file__).resolve().parents[4]
GOLDEN = REPO_ROOT / "model" / "src" / "test" / "resources" / "golden"

T = 24  # tokens per golden sequence
VOCAB = 96  # tokenizer vocab == llama-gqa vocab
LAYERS = 2
HEAD_DIM = 8
# Three size profiles keep the whole tree well under 1 MB (intermediate != hidden everywhere, so a transposed MLP
# weight fails on shape, not only on numbers).
BASE = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_attention_heads=4, num_key_value_heads=2)
MID = dict(vocab_size=64, hidden_size=32, intermediate_size=40, num_attention_heads=4, num_key_value_heads=2)
SMALL = dict(vocab_size=64, hidden_size=16, intermediate_size=40, num_attention_heads=2, num_key_value_heads=1)
WEIGHT_STD = 0.2  # large enough that logits / attention are far from flat
NORM_STD = 0.1  # RMSNorm weights = 1 + NORM_STD * N(0,1) so a loader that ignores them fails
BIAS_STD = 0.1  # HF initialises biases to zero; we do not, so a loader that ignores them fails
TOL_REF = 5e-5  # HF float32 vs our float64 reference (max abs over logits)

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


# --------------------------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------------------------

TRAINING_TEXT = """\
the stream flows from the source to the sink, and every record in the stream is read once.
a model reads the tokens of a stream and writes new tokens at the end of the stream.
the cache keeps the keys and the values of the tokens that the model has already seen.
when the cache is full, the oldest tokens leave the window and the stream goes on.

in the café near the station, a naïve reader asks where the stream of trains to 東京 begins.
the answer is simple — the trains start at the first station and end at the last one.
the reader writes the answer in a note, then reads the note again and again.

tokens are small pieces of text; the tokenizer splits text into tokens and maps them to ids.
the ids are the input of the model, and the output of the model is a score for every id.
a good tokenizer keeps common words whole and splits rare words into smaller pieces.
"""

TOKENIZER_TEST_TEXT = "the café — naïve 東京 stream\nreads tokens,\n\n  and Zebra ß ends."
MODEL_TEXT = "the café — naïve 東京 stream\nreads tokens."  # llama-gqa/expected_text.safetensors

SPECIAL_TOKENS = ["<unk>", "<s>", "</s>"]  # ids 0, 1, 2 like Llama/Mistral


def build_tokenizer() -> Tokenizer:
    """A SentencePiece-style (Llama-2/Mistral-like, no byte fallback) BPE over a character alphabet."""
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first", split=True)
    alphabet = sorted(set(TRAINING_TEXT.replace(" ", "\u2581")) | {"\u2581"})
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=alphabet,
        limit_alphabet=len(alphabet),
        show_progress=False,
    )
    tok.train_from_iterator(TRAINING_TEXT.split("\n\n"), trainer=trainer)
    bos = tok.token_to_id("<s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos)]
    )
    return tok


def encoding_json(enc) -> dict:
    return {
        "ids": list(enc.ids),
        "tokens": list(enc.tokens),
        "offsets": [list(o) for o in enc.offsets],
    }


def write_tokenizer_fixture() -> Tokenizer:
    out = GOLDEN / "tokenizer"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tok = build_tokenizer()
    tok.save(str(out / "tokenizer.json"), pretty=True)
    # Reload from disk, exactly what a consumer would do.
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    no_special = tok.encode(TOKENIZER_TEST_TEXT, add_special_tokens=False)
    with_special = tok.encode(TOKENIZER_TEST_TEXT, add_special_tokens=True)
    # Offsets are [start, end) in Unicode code points of the Python str (== UTF-16 units here: the text has no
    # supplementary-plane characters).
    assert all(ord(c) <= 0xFFFF for c in TOKENIZER_TEST_TEXT)
    for enc in (no_special, with_special):
        for tid, (s, e) in zip(enc.ids, enc.offsets):
            if tid not in (tok.token_to_id("<s>"),):
                assert 0 <= s <= e <= len(TOKENIZER_TEST_TEXT)
    assert with_special.ids[0] == tok.token_to_id("<s>") and with_special.ids[1:] == no_special.ids
    assert tok.token_to_id("<unk>") in no_special.ids, "test text should exercise <unk>"
    expected = {
        "generator": "model/src/test/python/generate_golden.py",
        "tokenizers_version": tokenizers.__version__,
        "model": "BPE (character alphabet, no byte fallback), Metaspace pre-tokenizer (prepend_scheme=first), "
        "TemplateProcessing '<s> $A'",
        "vocab_size": tok.get_vocab_size(),
        "special_tokens": {t: tok.token_to_id(t) for t in SPECIAL_TOKENS},
        "offsets_unit": "unicode code points of the input string, [start, end)",
        "text": TOKENIZER_TEST_TEXT,
        "add_special_tokens_false": encoding_json(no_special),
        "add_special_tokens_true": encoding_json(with_special),
        "decoded_skip_special": tok.decode(with_special.ids, skip_special_tokens=True),
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return tok


# --------------------------------------------------------------------------------------------------------------
# Independent float64 reference (reads only config.json + safetensors)
# --------------------------------------------------------------------------------------------------------------


def load_state_dict(case_dir: Path) -> dict[str, torch.Tensor]:
    index = case_dir / "model.safetensors.index.json"
    files = (
        sorted(set(json.loads(index.read_text())["weight_map"].values())) if index.exists() else ["model.safetensors"]
    )
    sd = {}
    for f in files:
        with safe_open(str(case_dir / f), "pt") as fh:
            for k in fh.keys():
                sd[k] = fh.get_tensor(k)
    return sd


def rope_params_from_config(cfg: dict) -> dict:
    """Accepts both the transformers-5.x layout and the 4.x layout (rope_theta + rope_scaling)."""
    if cfg.get("rope_parameters"):
        rp = dict(cfg["rope_parameters"])
    else:
        rp = dict(cfg.get("rope_scaling") or {})
        rp["rope_theta"] = cfg.get("rope_theta", 10000.0)
    rp["rope_type"] = rp.get("rope_type", rp.get("type", "default"))
    return rp


def ref_inv_freq(cfg: dict, seq_len: int) -> tuple[torch.Tensor, float]:
    """inverse frequencies (float64) and the cos/sin multiplier ("attention_factor")."""
    rp = rope_params_from_config(cfg)
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    dim = head_dim
    base = float(rp["rope_theta"])
    kind = rp["rope_type"]
    max_pos = cfg["max_position_embeddings"]
    exps = torch.arange(0, dim, 2, dtype=torch.float64) / dim
    inv = 1.0 / base**exps
    if kind == "default":
        return inv, 1.0
    if kind == "linear":
        return inv / rp["factor"], 1.0
    if kind == "dynamic":
        # HF: seq_len = max(position_ids) + 1 of the *current forward call*; only grows past max_position_embeddings
        if seq_len > max_pos:
            f = rp["factor"]
            base = base * ((f * seq_len / max_pos) - (f - 1)) ** (dim / (dim - 2))
            inv = 1.0 / base**exps
        return inv, 1.0
    if kind == "llama3":
        f, lo, hi = rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"]
        old = rp["original_max_position_embeddings"]
        out = []
        for w in inv.tolist():
            wavelen = 2 * math.pi / w
            if wavelen < old / hi:
                out.append(w)
            elif wavelen > old / lo:
                out.append(w / f)
            else:
                s = (old / wavelen - lo) / (hi - lo)
                out.append((1 - s) * w / f + s * w)
        return torch.tensor(out, dtype=torch.float64), 1.0
    if kind == "yarn":
        f = rp["factor"]
        orig = rp["original_max_position_embeddings"]

        def mscale(scale, m=1.0):
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

        att = rp.get("attention_factor")
        if att is None:
            if rp.get("mscale") and rp.get("mscale_all_dim"):
                att = mscale(f, rp["mscale"]) / mscale(f, rp["mscale_all_dim"])
            else:
                att = mscale(f)
        beta_fast = rp.get("beta_fast") or 32
        beta_slow = rp.get("beta_slow") or 1

        def corr_dim(rot):
            return (dim * math.log(orig / (rot * 2 * math.pi))) / (2 * math.log(base))

        low, high = corr_dim(beta_fast), corr_dim(beta_slow)
        if rp.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = ((torch.arange(dim // 2, dtype=torch.float64) - low) / (high - low)).clamp(0, 1)
        extrap = 1 - ramp
        inv = (inv / f) * (1 - extrap) + inv * extrap
        return inv, att
    if kind == "longrope":
        orig = rp["original_max_position_embeddings"]
        f = rp.get("factor") or max_pos / orig
        att = rp.get("attention_factor")
        if att is None:
            att = 1.0 if f <= 1.0 else math.sqrt(1 + math.log(f) / math.log(orig))
        ext = rp["long_factor"] if seq_len > orig else rp["short_factor"]
        return inv / torch.tensor(ext, dtype=torch.float64), att
    raise ValueError(kind)


def reference_forward(case_dir: Path, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    cfg = json.loads((case_dir / "config.json").read_text())
    sd = {k: v.to(torch.float64) for k, v in load_state_dict(case_dir).items()}
    n_h, n_kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or cfg["hidden_size"] // n_h
    eps = cfg["rms_norm_eps"]
    t = input_ids.shape[0]
    window = cfg.get("sliding_window")
    if cfg["model_type"] == "qwen2" and not cfg.get("use_sliding_window", False):
        window = None
    inv, att = ref_inv_freq(cfg, seq_len=t)
    pos = torch.arange(t, dtype=torch.float64)
    ang = pos[:, None] * inv[None, :]
    ang = torch.cat([ang, ang], dim=-1)
    cos, sin = ang.cos() * att, ang.sin() * att

    def rot_half(x):
        h = x.shape[-1] // 2
        return torch.cat([-x[..., h:], x[..., :h]], dim=-1)

    def rms(x, w):
        return w * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))

    def lin(x, name):
        y = x @ sd[name + ".weight"].T
        if name + ".bias" in sd:
            y = y + sd[name + ".bias"]
        return y

    q_idx = torch.arange(t)[:, None]
    k_idx = torch.arange(t)[None, :]
    allowed = k_idx <= q_idx
    if window is not None:
        allowed = allowed & (k_idx > q_idx - window)

    x = sd["model.embed_tokens.weight"][input_ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, sd[p + "input_layernorm.weight"])
        q = lin(h, p + "self_attn.q_proj").view(t, n_h, hd).transpose(0, 1)
        k = lin(h, p + "self_attn.k_proj").view(t, n_kv, hd).transpose(0, 1)
        v = lin(h, p + "self_attn.v_proj").view(t, n_kv, hd).transpose(0, 1)
        q = q * cos + rot_half(q) * sin
        k = k * cos + rot_half(k) * sin
        k = k.repeat_interleave(n_h // n_kv, dim=0)
        v = v.repeat_interleave(n_h // n_kv, dim=0)
        s = (q @ k.transpose(1, 2)) / math.sqrt(hd)
        s = s.masked_fill(~allowed, float("-inf"))
        a = torch.softmax(s, dim=-1) @ v
        x = x + lin(a.transpose(0, 1).reshape(t, n_h * hd), p + "self_attn.o_proj")
        h = rms(x, sd[p + "post_attention_layernorm.weight"])
        g = lin(h, p + "mlp.gate_proj")
        x = x + lin(torch.nn.functional.silu(g) * lin(h, p + "mlp.up_proj"), p + "mlp.down_proj")
    hidden = rms(x, sd["model.norm.weight"])
    lm = sd.get("lm_head.weight")
    if lm is None:
        assert cfg.get("tie_word_embeddings", False)
        lm = sd["model.embed_tokens.weight"]
    return hidden @ lm.T, hidden


# --------------------------------------------------------------------------------------------------------------
# Model cases
# --------------------------------------------------------------------------------------------------------------

ARCH = {
    "llama": (LlamaConfig, LlamaForCausalLM),
    "mistral": (MistralConfig, MistralForCausalLM),
    "qwen2": (Qwen2Config, Qwen2ForCausalLM),
}


def base_kwargs(profile: dict = MID, **over) -> dict:
    kw = dict(
        **profile,
        num_hidden_layers=LAYERS,
        head_dim=HEAD_DIM,
        max_position_embeddings=64,
        rms_norm_eps=1e-6,
        initializer_range=WEIGHT_STD,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=2,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
    )
    kw.update(over)
    return kw


def rope_case_kwargs(rope: dict, max_pos: int = 16, **over) -> dict:
    return base_kwargs(SMALL, max_position_embeddings=max_pos, rope_parameters=rope, **over)


LONGROPE_SHORT = [1.0, 1.25, 1.5, 2.0]
LONGROPE_LONG = [1.0, 2.0, 4.0, 8.0]

CASES = [
    dict(
        name="llama-gqa",
        arch="llama",
        dtype="F32",
        seed=101,
        kwargs=base_kwargs(BASE, rms_norm_eps=1e-5),
        tokenizer=True,
        description="Llama, GQA 4 q-heads / 2 kv-heads, untied lm_head, F32 weights, default RoPE theta 1e4, "
        "rms_norm_eps 1e-5; ships the tokenizer fixture's tokenizer.json and expected_text.safetensors (same "
        "tensors for the BOS-prefixed encoding of its metadata 'text')",
        covers=["gqa", "untied-lm-head", "f32-weights", "rope-default", "tokenizer", "rms-eps-1e-5"],
    ),
    dict(
        name="llama-mha-tied",
        arch="llama",
        dtype="F16",
        seed=102,
        kwargs=base_kwargs(num_key_value_heads=4, tie_word_embeddings=True),
        description="Llama, MHA (kv heads = heads = 4), tie_word_embeddings=true (no lm_head.weight in the file), "
        "F16 weights; expected computed from the F16 weights upcast to float32",
        covers=["mha", "tied-embeddings", "f16-weights"],
    ),
    dict(
        name="qwen2-bias",
        arch="qwen2",
        dtype="BF16",
        seed=103,
        kwargs=base_kwargs(rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}),
        layout4x=True,
        description="Qwen2 with q/k/v biases (o_proj has none), GQA 4/2, rope theta 1e6, BF16 weights; "
        "config.json in transformers-4.x layout (rope_theta top level, rope_scaling null, torch_dtype) with "
        "sliding_window=4096 but use_sliding_window=false (must be ignored)",
        covers=["qwen2", "qkv-bias", "gqa", "rope-theta-1e6", "bf16-weights", "config-4x-layout",
                "sliding-window-disabled"],
    ),
    dict(
        name="mistral-sliding",
        arch="mistral",
        dtype="F16",
        seed=104,
        kwargs=base_kwargs(sliding_window=8, rms_norm_eps=1e-5),
        description="Mistral, GQA 4/2, sliding_window=8 < T=24: query i attends keys j with i-8 < j <= i; "
        "F16 weights",
        covers=["mistral", "sliding-window", "gqa", "f16-weights"],
    ),
    dict(
        name="llama-headdim",
        arch="llama",
        dtype="BF16",
        seed=105,
        kwargs=base_kwargs(head_dim=12),
        description="Llama with explicit head_dim=12 != hidden/heads=8 (q_proj [48,32], o_proj [32,48]), GQA 4/2, "
        "BF16 weights",
        covers=["explicit-head-dim", "gqa", "bf16-weights"],
    ),
    dict(
        name="rope-linear",
        arch="llama",
        dtype="F16",
        seed=106,
        kwargs=rope_case_kwargs({"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0}),
        layout4x=True,
        description="Llama, RoPE linear scaling factor 2 (inv_freq / 2), max_position_embeddings 16; "
        "config.json in transformers-4.x layout",
        covers=["rope-linear", "config-4x-layout", "f16-weights"],
    ),
    dict(
        name="rope-dynamic",
        arch="llama",
        dtype="BF16",
        seed=107,
        kwargs=rope_case_kwargs({"rope_type": "dynamic", "factor": 2.0, "rope_theta": 10000.0}),
        description="Llama, RoPE dynamic NTK factor 2, max_position_embeddings 16 < T=24: HF rescales the base "
        "once per forward call with seq_len = max(position_ids)+1 = 24 "
        "(base' = base * (factor*seq_len/max_pos - (factor-1))^(d/(d-2))), applied to ALL positions",
        covers=["rope-dynamic", "bf16-weights"],
    ),
    dict(
        name="rope-yarn",
        arch="llama",
        dtype="F16",
        seed=108,
        kwargs=rope_case_kwargs(
            {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 8, "rope_theta": 10000.0},
            max_pos=32,
        ),
        description="Llama, RoPE YaRN factor 4, original_max_position_embeddings 8, max_position_embeddings 32, "
        "defaults beta_fast=32 beta_slow=1 truncate=true; cos/sin multiplied by 0.1*ln(4)+1",
        covers=["rope-yarn", "rope-attention-factor", "f16-weights"],
    ),
    dict(
        name="rope-yarn-mscale",
        arch="llama",
        dtype="BF16",
        seed=109,
        kwargs=rope_case_kwargs(
            {
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 8,
                "rope_theta": 100.0,
                "beta_fast": 0.5,
                "beta_slow": 0.1,
                "mscale": 0.707,
                "mscale_all_dim": 1.0,
                "truncate": False,
            },
            max_pos=32,
        ),
        description="Llama, RoPE YaRN factor 4 with beta_fast 0.5, beta_slow 0.1, mscale 0.707, mscale_all_dim 1.0, "
        "truncate false, theta 100 (chosen so the ramp has fractional values at head_dim 8)",
        covers=["rope-yarn", "rope-yarn-mscale", "rope-yarn-no-truncate", "rope-attention-factor", "bf16-weights"],
    ),
    dict(
        name="rope-llama3",
        arch="llama",
        dtype="BF16",
        seed=110,
        kwargs=rope_case_kwargs(
            {
                "rope_type": "llama3",
                "factor": 8.0,
                "low_freq_factor": 1.0,
                "high_freq_factor": 4.0,
                "original_max_position_embeddings": 8,
                "rope_theta": 500000.0,
            }
        ),
        layout4x=True,
        description="Llama, RoPE llama3 factor 8, low_freq_factor 1, high_freq_factor 4, "
        "original_max_position_embeddings 8, theta 5e5 (one smoothed frequency, three divided by 8); "
        "config.json in transformers-4.x layout",
        covers=["rope-llama3", "config-4x-layout", "bf16-weights"],
    ),
    dict(
        name="rope-longrope",
        arch="llama",
        dtype="F16",
        seed=111,
        kwargs=rope_case_kwargs(
            {
                "rope_type": "longrope",
                "short_factor": LONGROPE_SHORT,
                "long_factor": LONGROPE_LONG,
                "original_max_position_embeddings": 8,
                "rope_theta": 10000.0,
            },
            max_pos=32,
        ),
        description="Llama, RoPE longrope, original_max_position_embeddings 8, max_position_embeddings 32, no "
        "explicit factor (=32/8) so attention_factor = sqrt(1+ln4/ln8); T=24 > 8 so HF uses long_factor for "
        "ALL positions of the forward call",
        covers=["rope-longrope", "rope-attention-factor", "f16-weights"],
    ),
    dict(
        name="llama-sharded-bf16",
        arch="llama",
        dtype="BF16",
        seed=112,
        kwargs=base_kwargs(SMALL),
        shards=2,
        description="Llama MQA (2 q-heads / 1 kv-head, hidden 16), BF16 weights in two safetensors shards + "
        "model.safetensors.index.json; expected computed from the BF16 weights upcast to float32",
        covers=["sharded-checkpoint", "bf16-weights", "mqa"],
    ),
    dict(
        name="llama-sharded-bf16-f32twin",
        arch="llama",
        dtype="F32",
        seed=112,  # same seed => same original F32 weights as llama-sharded-bf16 (before BF16 rounding)
        kwargs=base_kwargs(SMALL),
        description="The original F32 weights of llama-sharded-bf16 (before BF16 rounding) as one F32 "
        "model.safetensors, with its own expected (same input_ids)",
        covers=["f32-weights", "bf16-rounding-twin"],
    ),
]


def init_params(model: torch.nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():  # tied lm_head is the same Parameter: visited once
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + NORM_STD * noise)
            elif name.endswith(".bias"):
                p.copy_(BIAS_STD * noise)
            else:
                p.copy_(WEIGHT_STD * noise)


def rewrite_config_4x(case_dir: Path, arch: str) -> None:
    """Turn a transformers-5.x config.json into the layout transformers 4.x wrote."""
    path = case_dir / "config.json"
    cfg = json.loads(path.read_text())
    rp = dict(cfg.pop("rope_parameters"))
    theta = rp.pop("rope_theta")
    kind = rp.get("rope_type", "default")
    out = {}
    for k, v in cfg.items():
        if k == "dtype":
            out["torch_dtype"] = v
        else:
            out[k] = v
    out["rope_theta"] = theta
    out["rope_scaling"] = None if kind == "default" else rp
    if arch == "qwen2":
        # Real Qwen2 4.x configs carry a sliding_window value that is inactive because use_sliding_window=false,
        # and no layer_types.
        out["sliding_window"] = 4096
        out["use_sliding_window"] = False
        out.pop("layer_types", None)
    path.write_text(json.dumps(dict(sorted(out.items())), indent=2) + "\n")


def save_checkpoint(model, case: dict, case_dir: Path) -> None:
    dtype = DTYPES[case["dtype"]]
    m = model.to(dtype)
    if case.get("shards"):
        total = sum(p.numel() * p.element_size() for p in m.state_dict().values())
        m.save_pretrained(case_dir, max_shard_size=total // 2 + 2048)
    else:
        m.save_pretrained(case_dir)
    (case_dir / "generation_config.json").unlink(missing_ok=True)


def hf_forward(model, ids: torch.Tensor, pos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.no_grad():
        out = model(input_ids=ids[None], position_ids=pos[None], output_hidden_states=True, use_cache=False)
        base = model.model(input_ids=ids[None], position_ids=pos[None], use_cache=False)
    # transformers 5: hidden_states[-1] is already after the final norm == last_hidden_state
    assert torch.equal(out.hidden_states[-1], base.last_hidden_state)
    return out.logits[0].float().contiguous(), base.last_hidden_state[0].float().contiguous()


def load_hf(case_dir: Path, **cfg_over):
    config = AutoConfig.from_pretrained(case_dir, **cfg_over)
    return (
        AutoModelForCausalLM.from_pretrained(
            case_dir, config=config, dtype=torch.float32, attn_implementation="eager"
        ).eval(),
        config,
    )


def logits_with_config_change(case_dir: Path, ids, pos, **over) -> torch.Tensor:
    model, _ = load_hf(case_dir, **over)
    return hf_forward(model, ids, pos)[0]


def check_weights_file_layout(case: dict, case_dir: Path, model_cfg) -> list[str]:
    if case.get("shards"):
        index = json.loads((case_dir / "model.safetensors.index.json").read_text())
        files = sorted(set(index["weight_map"].values()))
        assert files == [f"model-0000{i}-of-0000{case['shards']}.safetensors" for i in range(1, case["shards"] + 1)], files
        assert not (case_dir / "model.safetensors").exists()
    else:
        files = ["model.safetensors"]
    names = []
    for f in files:
        with safe_open(str(case_dir / f), "pt") as fh:
            assert fh.metadata() == {"format": "pt"}, fh.metadata()
            for k in fh.keys():
                t = fh.get_slice(k)
                assert t.get_dtype() == case["dtype"], (k, t.get_dtype())
                names.append(k)
    if model_cfg.tie_word_embeddings:
        assert "lm_head.weight" not in names
    else:
        assert "lm_head.weight" in names
    return sorted(names)


def build_case(case: dict, tok: Tokenizer | None) -> dict:
    case_dir = GOLDEN / case["name"]
    shutil.rmtree(case_dir, ignore_errors=True)
    case_dir.mkdir(parents=True)
    cfg_cls, model_cls = ARCH[case["arch"]]
    kwargs = copy.deepcopy(case["kwargs"])
    if case.get("tokenizer"):
        assert tok is not None and tok.get_vocab_size() == kwargs["vocab_size"], tok.get_vocab_size()
        kwargs["vocab_size"] = tok.get_vocab_size()
    torch.manual_seed(case["seed"])
    config = cfg_cls(**kwargs)
    config._attn_implementation = "eager"
    model = model_cls(config).eval()
    init_params(model, case["seed"])
    original_rope = copy.deepcopy(config.rope_parameters)

    # Inputs: T seeded random ids, positions 0..T-1
    g = torch.Generator().manual_seed(1000 + case["seed"])
    ids = torch.randint(0, config.vocab_size, (T,), generator=g, dtype=torch.int64)
    pos = torch.arange(T, dtype=torch.int64)

    # In-memory twin holding the *stored* (dtype-rounded) weights in float32, built fresh: casting the model itself
    # to F16/BF16 and back would also round the non-persistent rope inv_freq buffer.
    stored = {k: v.to(DTYPES[case["dtype"]]).to(torch.float32) for k, v in model.state_dict().items()}
    twin = model_cls(config).eval()
    twin.load_state_dict(stored)
    mem_logits, mem_hidden = hf_forward(twin, ids, pos)
    save_checkpoint(model, case, case_dir)

    if case.get("layout4x"):
        rewrite_config_4x(case_dir, case["arch"])
        raw = json.loads((case_dir / "config.json").read_text())
        assert "rope_parameters" not in raw and "rope_theta" in raw and "rope_scaling" in raw

    hf_model, hf_config = load_hf(case_dir)
    # HF must see exactly the rope parameters we built (also for the rewritten 4.x layout)
    assert hf_config.rope_parameters == original_rope, (hf_config.rope_parameters, original_rope)
    logits, hidden = hf_forward(hf_model, ids, pos)
    assert torch.equal(logits, mem_logits) and torch.equal(hidden, mem_hidden), "reload changed the model"
    names = check_weights_file_layout(case, case_dir, hf_config)
    # What HF's rotary embedding actually used for this T=24 call (float32 values, exact as Python floats)
    rotary = hf_model.model.rotary_emb
    hf_rope = {"inv_freq": rotary.inv_freq.tolist(), "attention_scaling": float(rotary.attention_scaling)}

    # Independent float64 reference from config.json + safetensors only
    ref_logits, ref_hidden = reference_forward(case_dir, ids)
    err = (ref_logits - logits.double()).abs().max().item()
    err_h = (ref_hidden - hidden.double()).abs().max().item()
    assert err < TOL_REF and err_h < TOL_REF, (case["name"], err, err_h)

    checks = {"max_abs_diff_vs_float64_reference": float(f"{err:.3g}")}
    # Case-specific: the feature under test must change the logits.
    rope_type = original_rope["rope_type"]
    if rope_type != "default":
        default = logits_with_config_change(
            case_dir, ids, pos, rope_parameters={"rope_type": "default", "rope_theta": original_rope["rope_theta"]}
        )
        d = (default - logits).abs().max().item()
        assert d > 1e-2, (case["name"], d)
        checks["max_abs_diff_vs_default_rope"] = float(f"{d:.3g}")
    if rope_type == "longrope":
        # short factors (what HF would use for a call with max(position_ids)+1 <= 8) give different logits
        fresh, _ = load_hf(case_dir)
        with torch.no_grad():
            short = fresh(input_ids=ids[None, :8], position_ids=pos[None, :8], use_cache=False).logits[0]
        d = (short - logits[:8]).abs().max().item()
        assert d > 1e-3, d
        checks["first8_diff_short_vs_long_factor_call"] = float(f"{d:.3g}")
    if rope_type == "dynamic":
        # A fresh model called on the first 16 tokens (seq_len 16 == max_position_embeddings) keeps the original
        # base, so its logits differ from the first 16 rows of the T=24 call.
        fresh, _ = load_hf(case_dir)
        with torch.no_grad():
            short = fresh(input_ids=ids[None, :16], position_ids=pos[None, :16], use_cache=False).logits[0]
        d = (short - logits[:16]).abs().max().item()
        assert d > 1e-3, d
        checks["first16_diff_fresh_call_len16_vs_len24"] = float(f"{d:.3g}")
        # HF quirk: the rescaled inv_freq is cached on the module; a later call with 16 <= seq_len keeps using the
        # base computed for seq_len 24 (it only resets when seq_len < max_position_embeddings).
        with torch.no_grad():
            again = fresh(input_ids=ids[None], position_ids=pos[None], use_cache=False).logits[0]
            short2 = fresh(input_ids=ids[None, :16], position_ids=pos[None, :16], use_cache=False).logits[0]
        assert torch.equal(again, logits) and torch.equal(short2, logits[:16])
        checks["hf_dynamic_rope_is_stateful"] = True
    if case["arch"] == "mistral":
        full = logits_with_config_change(case_dir, ids, pos, sliding_window=None)
        d_in = (full[: config.sliding_window] - logits[: config.sliding_window]).abs().max().item()
        d_out = (full - logits).abs().max().item()
        assert d_in < 1e-6 and d_out > 1e-2, (d_in, d_out)
        checks["max_abs_diff_vs_no_sliding_window"] = float(f"{d_out:.3g}")
    if case["arch"] == "qwen2":
        assert hf_config.sliding_window is None and hf_config.use_sliding_window is False
        nobias = copy.deepcopy(hf_model)
        for layer in nobias.model.layers:
            for proj in (layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj):
                proj.bias.data.zero_()
        d = (hf_forward(nobias, ids, pos)[0] - logits).abs().max().item()
        assert d > 1e-2, d
        checks["max_abs_diff_vs_zero_bias"] = float(f"{d:.3g}")

    assert logits.std().item() > 0.3, ("logits too flat", logits.std().item())
    checks["logits_std"] = float(f"{logits.std().item():.3g}")

    meta = {
        "case": case["name"],
        "generator": "model/src/test/python/generate_golden.py",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "attn_implementation": "eager",
        "compute_dtype": "float32",
    }
    write_safetensors(
        case_dir / "expected.safetensors",
        {"input_ids": ids, "position_ids": pos, "logits": logits, "hidden": hidden},
        metadata=meta,
    )

    extra_files = []
    if case.get("tokenizer"):
        shutil.copyfile(GOLDEN / "tokenizer" / "tokenizer.json", case_dir / "tokenizer.json")
        enc = tok.encode(MODEL_TEXT, add_special_tokens=True)
        tids = torch.tensor(enc.ids, dtype=torch.int64)
        tpos = torch.arange(len(enc.ids), dtype=torch.int64)
        tl, th = hf_forward(hf_model, tids, tpos)
        rl, _ = reference_forward(case_dir, tids)
        assert (rl - tl.double()).abs().max().item() < TOL_REF
        write_safetensors(
            case_dir / "expected_text.safetensors",
            {"input_ids": tids, "position_ids": tpos, "logits": tl, "hidden": th},
            metadata={**meta, "text": MODEL_TEXT, "add_special_tokens": "true"},
        )
        extra_files = ["tokenizer.json", "expected_text.safetensors"]

    weights = (
        ["model.safetensors.index.json"] + [f"model-0000{i}-of-0000{case['shards']}.safetensors" for i in range(1, case["shards"] + 1)]
        if case.get("shards")
        else ["model.safetensors"]
    )
    return {
        "name": case["name"],
        "description": case["description"],
        "covers": case["covers"],
        "model_type": hf_config.model_type,
        "config_layout": "transformers-4.x (rope_theta + rope_scaling, torch_dtype)" if case.get("layout4x")
        else "transformers-5.x (rope_parameters, dtype)",
        "weights_dtype": case["dtype"],
        "dims": {
            "vocab_size": hf_config.vocab_size,
            "hidden_size": hf_config.hidden_size,
            "intermediate_size": hf_config.intermediate_size,
            "num_hidden_layers": hf_config.num_hidden_layers,
            "num_attention_heads": hf_config.num_attention_heads,
            "num_key_value_heads": hf_config.num_key_value_heads,
            "head_dim": hf_config.head_dim,
            "max_position_embeddings": hf_config.max_position_embeddings,
            "tie_word_embeddings": bool(hf_config.tie_word_embeddings),
            "sliding_window": getattr(hf_config, "sliding_window", None),
            "rms_norm_eps": hf_config.rms_norm_eps,
        },
        "rope_parameters": hf_config.rope_parameters,
        "hf_rope_used_for_T": hf_rope,
        "seq_len": T,
        "files": ["config.json"] + weights + ["expected.safetensors"] + extra_files,
        "num_tensors": len(names),
        "checks": checks,
    }


ST_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """Byte-for-byte deterministic safetensors writer (safetensors.save_file orders __metadata__ entries through a
    hash map, so reruns differ). Layout per the spec: u64-LE header length, JSON header (keys sorted, space padded
    to 8 bytes), then the tensors' little-endian bytes in header order."""
    header: dict = {"__metadata__": dict(sorted(metadata.items()))}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(len(raw).to_bytes(8, "little"))
        fh.write(raw)
        for b in blobs:
            fh.write(b)
    with safe_open(str(path), "pt") as fh:  # round-trip check with the official reader
        assert fh.metadata() == metadata
        assert sorted(fh.keys()) == sorted(tensors)
        for name, t in tensors.items():
            assert torch.equal(fh.get_tensor(name), t)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    tok = write_tokenizer_fixture()
    entries = []
    for case in CASES:
        entry = build_case(case, tok)
        entries.append(entry)
        print(f"{entry['name']:28s} {entry['weights_dtype']:5s} {dir_size(GOLDEN / entry['name']):7d} B  "
              f"{json.dumps(entry['checks'])}")

    # The BF16 case and its F32 twin really hold the same weights up to BF16 rounding.
    bf = load_state_dict(GOLDEN / "llama-sharded-bf16")
    f32 = load_state_dict(GOLDEN / "llama-sharded-bf16-f32twin")
    assert bf.keys() == f32.keys()
    for k in bf:
        assert torch.equal(f32[k].to(torch.bfloat16), bf[k]), k

    index = {
        "generator": "model/src/test/python/generate_golden.py",
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "safetensors": safetensors.__version__,
            "tokenizers": tokenizers.__version__,
        },
        "conventions": {
            "expected.safetensors": "input_ids I64 [T], position_ids I64 [T], logits F32 [T,V], hidden F32 [T,D] "
            "(last_hidden_state = output after the final RMSNorm); batch dimension dropped",
            "reference": "HF transformers forward, float32 compute (checkpoint loaded with dtype=float32, i.e. "
            "F16/BF16 weights upcast exactly), attn_implementation=eager, one call over all T tokens, "
            "position_ids 0..T-1, no cache",
            "init": f"every parameter re-drawn from a seeded generator: weights N(0,{WEIGHT_STD}^2), RMSNorm "
            f"weights 1+N(0,{NORM_STD}^2), biases N(0,{BIAS_STD}^2)",
            "tensor_names": "model.embed_tokens.weight, model.layers.{i}.input_layernorm.weight, "
            "model.layers.{i}.self_attn.{q,k,v,o}_proj.weight, model.layers.{i}.post_attention_layernorm.weight, "
            "model.layers.{i}.mlp.{gate,up,down}_proj.weight, model.norm.weight, lm_head.weight; qwen2 adds "
            "model.layers.{i}.self_attn.{q,k,v}_proj.bias; tied cases have no lm_head.weight. Linear weights are "
            "[out_features, in_features] (PyTorch nn.Linear layout).",
            "profiles": {"BASE": BASE, "MID": MID, "SMALL": SMALL, "head_dim": HEAD_DIM, "num_hidden_layers": LAYERS},
            "hf_rope_used_for_T": "per case: the float32 inv_freq (head_dim/2 values) and the cos/sin multiplier "
            "(attention_scaling) of HF's rotary embedding after the T-token forward call; cos/sin = "
            "cos/sin(pos * inv_freq) * attention_scaling, rotate_half convention (first half / second half)",
            "hf_behaviour": [
                "sliding_window W (mistral): query i attends keys j with i-W < j <= i (W keys incl. itself)",
                "qwen2: sliding_window is ignored unless use_sliding_window=true (HF sets it to None)",
                "dynamic rope: base rescaled with seq_len=max(position_ids)+1 of the call when > "
                "max_position_embeddings, applied to all positions; HF caches the grown inv_freq on the module and "
                "only resets it when a later call has seq_len < max_position_embeddings",
                "longrope: long_factor for the whole call when max(position_ids)+1 > original_max_position_embeddings, "
                "short_factor otherwise; factor defaults to max_position_embeddings/original_max_position_embeddings",
                "yarn/longrope attention_factor multiplies cos and sin (so q.k scores scale by its square)",
                "transformers 5 writes 'dtype' (4.x wrote 'torch_dtype') and 'rope_parameters' (4.x: rope_theta + "
                "rope_scaling); both load identically in 5.18",
                "output.hidden_states[-1] == last_hidden_state (after the final norm) in transformers 5",
            ],
            "tolerance": "HF float32 agrees with an independent float64 re-implementation to "
            f"< {TOL_REF} max abs on logits and hidden (see checks.max_abs_diff_vs_float64_reference)",
        },
        "tokenizer": {
            "name": "tokenizer",
            "description": "BPE (character alphabet from the training text, no byte fallback) with Metaspace "
            "pre-tokenizer and '<s> $A' post-processor, trained offline; expected.json holds ids/tokens/offsets "
            "with and without special tokens for a text with non-ASCII characters, newlines and <unk>",
            "files": ["tokenizer.json", "expected.json"],
            "vocab_size": tok.get_vocab_size(),
        },
        "cases": entries,
    }
    (GOLDEN / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    total = dir_size(GOLDEN)
    try:
        du = subprocess.run(["du", "-sb", str(GOLDEN)], capture_output=True, text=True, check=True).stdout.split()[0]
    except Exception:
        du = "?"
    digest = hashlib.sha256()
    for p in sorted(GOLDEN.rglob("*")):
        if p.is_file():
            digest.update(p.relative_to(GOLDEN).as_posix().encode())
            digest.update(p.read_bytes())
    print(f"total fixture size: {total} bytes of files (du -sb: {du}), sha256 of tree: {digest.hexdigest()[:16]}")
    assert total < 1_000_000, total


if __name__ == "__main__":
    main()

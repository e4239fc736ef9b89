#!/usr/bin/env python3
"""DEV-ONLY generator of the streaming fixtures under model/src/test/resources/streaming/.

Java tests only read the committed files; they never run Python. From the repository root:

    python3 model/src/test/python/generate_streaming_cases.py [--golden DIR]

DIR holds the tiny HF checkpoints (llama-gqa, rope-dynamic); default: model/src/test/resources/golden if it has
them, else /tmp/golden-readonly. Needs torch, safetensors and (for the equivalence checks only) transformers.

Before writing anything it asserts that the float64 streaming reference (streaming_reference.py) equals HF's
LlamaForCausalLM (eager, float32, one full causal forward) whenever the cache never evicts, plus a few
self-consistency properties; see check_*() below.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import os
import struct
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from streaming_reference import TOKEN_FORMULA, RefModel, doc_tokens, stream  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[4]
OUT_DIR = REPO_ROOT / "model" / "src" / "test" / "resources" / "streaming"
TOL_HF = 1e-5  # float64 reference vs HF float32
MAX_TOTAL_BYTES = 600 * 1024

# name -> (model, mode, S, W, C, N, tail_windows or None)
CASES: dict[str, tuple] = {"full-equivalence": ("llama-gqa", "rolling", 0, 100, 16, 100, None)}
for _mode in ("rolling", "absolute", "recompute"):
    for _s in (0, 4):
        CASES[f"{_mode}-s{_s}"] = ("llama-gqa", _mode, _s, 16, 7, 400, None)
CASES["rolling-c-gt-w"] = ("llama-gqa", "rolling", 4, 8, 12, 200, None)
CASES["dynamic-rolling-s4"] = ("rope-dynamic", "rolling", 4, 12, 5, 150, None)
CASES["dynamic-absolute-s4"] = ("rope-dynamic", "absolute", 4, 12, 5, 150, None)
CASES["long-100k"] = ("llama-gqa", "rolling", 4, 64, 32, 100_000, 4)

SAFETENSORS_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


# ------------------------------------------------------------------------------------------------------------ I/O


def write_safetensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """Byte-deterministic safetensors writer (safetensors' own writer orders __metadata__ keys randomly)."""
    header, blobs, offset = {"__metadata__": dict(sorted(metadata.items()))}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        data = t.numpy().tobytes()  # little-endian on every supported host
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def hf_full_forward(model_dir: Path, tokens: torch.Tensor):
    """HF LlamaForCausalLM (eager, float32), one causal forward: (hidden after final norm [N, D], logits [N, V],
    inv_freq used)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import transformers
    from transformers import LlamaForCausalLM

    transformers.logging.set_verbosity_error()
    hf = LlamaForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32, attn_implementation="eager")
    hf.eval()
    with torch.no_grad():
        out = hf.model(input_ids=tokens[None])
        hidden = out.last_hidden_state[0]
        logits = hf.lm_head(hidden)
    return hidden.double(), logits.double(), hf.model.rotary_emb.inv_freq.double().clone()


def nll_from_logits(logits: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    logp = torch.log_softmax(logits[:-1], dim=-1)
    return -logp[torch.arange(tokens.shape[0] - 1), tokens[1:]]


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a - b).abs().max().item()


# --------------------------------------------------------------------------------------------------------- checks


def check_hf_equivalence(golden: Path) -> None:
    """Spec invariant: with W >= N (no eviction) every mode and every S equals one full causal forward."""
    model = RefModel(golden / "llama-gqa")
    n = 100
    tokens = doc_tokens(n, model.vocab)
    hidden, logits, _ = hf_full_forward(golden / "llama-gqa", tokens)
    nll = nll_from_logits(logits, tokens)
    for mode, s, w, c in [("rolling", 0, n, 16), ("rolling", 4, n, 16), ("rolling", 0, n, 7), ("rolling", 4, n, 3),
                          ("absolute", 0, n, 16), ("absolute", 4, n, 7), ("recompute", 4, n, 16)]:
        r = stream(model, tokens, s, w, c, mode, keep_hidden=True)
        d = max(max_diff(r.hidden, hidden), max_diff(r.logits, logits), max_diff(r.nll, nll))
        print(f"  HF full forward vs {mode:9s} S={s} W={w} C={c:2d}: max |diff| = {d:.2e}")
        assert d < TOL_HF, (mode, s, c, d)

    # dynamic NTK: one chunk of 40 > max_position_embeddings=16 tokens, so HF rescales with seq_len = 40 as well
    dyn = RefModel(golden / "rope-dynamic")
    n = 40
    tokens = doc_tokens(n, dyn.vocab)
    hidden, logits, hf_inv = hf_full_forward(golden / "rope-dynamic", tokens)
    inv, _ = dyn.rope.inv_freq(n)
    assert max_diff(inv, hf_inv) < 1e-6 * inv.abs().max().item(), (inv, hf_inv)
    assert max_diff(inv, dyn.rope.inv_freq(dyn.rope.max_pos)[0]) > 1e-3  # the scaling really is active
    for mode in ("rolling", "absolute", "recompute"):
        r = stream(dyn, tokens, 4, n, n, mode, keep_hidden=True)
        d = max(max_diff(r.hidden, hidden), max_diff(r.logits, logits))
        print(f"  HF full forward vs dynamic {mode:9s} one chunk N=C=40: max |diff| = {d:.2e}")
        assert d < TOL_HF, (mode, d)


def check_properties(results: dict, models: dict) -> None:
    """Cheap self-consistency checks on the generated cases."""
    # dynamic NTK must matter in both dynamic cases (rolling: s+R+T = 21 > max_position_embeddings = 16)
    dyn = models["rope-dynamic"]
    plain = copy.copy(dyn)
    plain.rope = dataclasses.replace(dyn.rope, rope_type="default")
    for name in ("dynamic-rolling-s4", "dynamic-absolute-s4"):
        _, mode, s, w, c, n, _ = CASES[name]
        r = stream(plain, doc_tokens(n, dyn.vocab), s, w, c, mode)
        d = max_diff(r.nll, results[name].nll)
        print(f"  {name} vs the same run without dynamic scaling: max |nll diff| = {d:.2e} (must differ)")
        assert d > 1e-3, (name, d)
    # default RoPE, S=0: rolling positions are absolute positions shifted by (start - R), and RoPE scores only see
    # differences, so rolling and absolute agree up to rounding.
    a, b = results["rolling-s0"], results["absolute-s0"]
    d = max(max_diff(a.nll, b.nll), max_diff(a.window_embeddings, b.window_embeddings))
    print(f"  rolling-s0 vs absolute-s0 (shift invariance): max |diff| = {d:.2e}")
    assert d < 1e-9, d
    # with sinks the two modes must differ, and eviction must matter (vs the no-eviction run of the same tokens)
    for x, y in [("rolling-s4", "absolute-s4"), ("rolling-s4", "recompute-s4"), ("rolling-s0", "rolling-s4"),
                 ("dynamic-rolling-s4", "dynamic-absolute-s4")]:
        d = max_diff(results[x].nll, results[y].nll)
        print(f"  {x} vs {y}: max |nll diff| = {d:.2e} (must differ)")
        assert d > 1e-3, (x, y, d)


# ----------------------------------------------------------------------------------------------------------- main


def generate_case(golden: Path, name: str, spec: tuple, models: dict):
    model_name, mode, s, w, c, n, tail = spec
    model = models.setdefault(model_name, RefModel(golden / model_name))
    tokens = doc_tokens(n, model.vocab)
    num_windows = -(-n // c)
    first = num_windows - tail if tail else 0
    r = stream(model, tokens, s, w, c, mode, first_window=first)
    assert r.window_bounds.shape[0] == num_windows - first
    assert r.nll.shape[0] == n - 1 - r.window_bounds[0, 0].item()
    tensors = {"nll_tail" if tail else "nll": r.nll.float(),
               "window_embeddings": r.window_embeddings.float(),
               "window_bounds": r.window_bounds}
    meta = {"model": model_name, "mode": mode, "sinks": str(s), "window": str(w), "chunk": str(c), "n": str(n),
            "formula": TOKEN_FORMULA, "vocab_size": str(model.vocab),
            "reference": "model/src/test/python/streaming_reference.py (float64)"}
    if tail:
        meta["tail_windows"] = str(tail)
    write_safetensors(OUT_DIR / f"{name}.safetensors", tensors, meta)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    default = REPO_ROOT / "model/src/test/resources/golden"
    if not (default / "llama-gqa" / "model.safetensors").exists():
        default = Path("/tmp/golden-readonly")
    ap.add_argument("--golden", type=Path, default=default)
    args = ap.parse_args()
    torch.set_num_threads(1)  # deterministic reductions; the models are tiny anyway
    t0 = time.time()
    print(f"checkpoints: {args.golden}")
    print("equivalence with HF (no eviction):")
    check_hf_equivalence(args.golden)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.glob("*.safetensors"):
        old.unlink()
    models, results, total = {}, {}, 0
    for name, spec in CASES.items():
        t = time.time()
        results[name] = generate_case(args.golden, name, spec, models)
        size = (OUT_DIR / f"{name}.safetensors").stat().st_size
        total += size
        model_name, mode, s, w, c, n, _ = spec
        print(f"  {name:20s} {model_name:12s} {mode:9s} N={n:6d} S={s} W={w:3d} C={c:2d} "
              f"windows={results[name].window_bounds.shape[0]:3d} {size:7d} B {time.time() - t:6.1f} s")
    print("properties:")
    check_properties(results, models)
    digest = hashlib.sha256()
    for f in sorted(OUT_DIR.glob("*.safetensors")):
        digest.update(f.name.encode() + f.read_bytes())
    print(f"sha256 of the fixture set: {digest.hexdigest()}")
    print(f"total size: {total} bytes ({total / 1024:.1f} KiB) in {OUT_DIR}")
    assert total < MAX_TOTAL_BYTES, total
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()

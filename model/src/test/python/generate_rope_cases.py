#!/usr/bin/env python3
"""Dev-only: regenerates model/src/test/resources/rope/hf-cases.json from transformers' own RoPE code.

Every case is a RoPE configuration written in both config.json layouts (transformers 4.x: top-level
`rope_theta` + `rope_scaling`; 5.x: `rope_parameters`). Each layout is loaded with `LlamaConfig.from_dict`
and passed to the real compute function (`ROPE_INIT_FUNCTIONS[type]`, or a model's
`compute_default_rope_parameters` for "default"), and the two layouts must give identical results.
The JSON stores the snippet of each layout, the expected inv_freq (float32, as transformers computes it)
and the attention factor. Needs only torch and transformers, no network:

    python3 model/src/test/python/generate_rope_cases.py

`ntk` and `truncated` are longstream types with no transformers function; they are tested against their
formulas in Java.
"""

import json
import logging
import os
import re
import sys

import torch
import transformers
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding
from transformers.models.phi.modeling_phi import PhiRotaryEmbedding

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "rope", "hf-cases.json")

# transformers warns about unusual but deliberate configs (e.g. factor != max/original); keep output clean.
transformers.logging.set_verbosity_error()
logging.getLogger("transformers").setLevel(logging.ERROR)


def scaffold(head_dim, max_pos):
    """The non-RoPE part of config.json; the Java test builds the same one."""
    heads = 2
    return {
        "model_type": "llama",
        "hidden_size": heads * head_dim,
        "num_attention_heads": heads,
        "num_key_value_heads": heads,
        "head_dim": head_dim,
        "intermediate_size": 4 * heads * head_dim,
        "num_hidden_layers": 1,
        "vocab_size": 32,
        "max_position_embeddings": max_pos,
    }


def case(name, rope_type, head_dim, max_pos, theta, seq_lens, scaling=None, prf=None, top=None, legacy_type=False,
         note=None, hf5_only=None):
    """One configuration. `scaling`: the type's keys; `top`: extra top-level keys (Phi-3's original max)."""
    return dict(name=name, rope_type=rope_type, head_dim=head_dim, max_pos=max_pos, theta=theta, seq_lens=seq_lens,
                scaling=scaling or {}, prf=prf, top=top or {}, legacy_type=legacy_type, note=note, hf5_only=hf5_only)


def layout4(c):
    snippet = {"rope_theta": c["theta"], **c["top"]}
    if c["prf"] is not None:
        snippet["partial_rotary_factor"] = c["prf"]
    if c["rope_type"] != "default" or c["scaling"]:
        key = "type" if c["legacy_type"] else "rope_type"
        snippet["rope_scaling"] = {key: c["rope_type"], **c["scaling"]}
    return snippet


def layout5(c):
    params = {"rope_type": c["rope_type"], "rope_theta": c["theta"]}
    if c["prf"] is not None:
        params["partial_rotary_factor"] = c["prf"]
    params.update(c["scaling"])
    params.update(c["hf5_only"] or {})
    return {"rope_parameters": params, **c["top"]}


def hf_frequencies(c, snippet, seq_len):
    config = LlamaConfig.from_dict({**scaffold(c["head_dim"], c["max_pos"]), **json.loads(json.dumps(snippet))})
    if c["rope_type"] == "default":
        # Llama's default ignores partial_rotary_factor (Llama never uses it); Phi's honours it.
        fn = PhiRotaryEmbedding if c["prf"] is not None else LlamaRotaryEmbedding
        inv, af = fn.compute_default_rope_parameters(config)
        name = fn.__name__ + ".compute_default_rope_parameters"
    else:
        fn = ROPE_INIT_FUNCTIONS[c["rope_type"]]
        inv, af = fn(config, None, seq_len=seq_len)
        name = fn.__name__
    assert inv.dtype == torch.float32, inv.dtype
    return inv.tolist(), float(af), name


def build(c):
    snippets = {"transformers4": layout4(c), "transformers5": layout5(c)}
    expected = []
    for seq_len in c["seq_lens"]:
        inv5, af5, fn = hf_frequencies(c, snippets["transformers5"], seq_len)
        if c["note"] is None:
            inv4, af4, _ = hf_frequencies(c, snippets["transformers4"], seq_len)
            assert (inv4, af4) == (inv5, af5), f"{c['name']}: layouts disagree at seq_len {seq_len}"
        expected.append({"seqLen": seq_len, "invFreq": inv5, "attentionFactor": af5})
    out = {
        "name": c["name"],
        "ropeType": c["rope_type"],
        "hfFunction": fn,
        "headDim": c["head_dim"],
        "rotaryDim": int(c["head_dim"] * (c["prf"] if c["prf"] is not None else 1.0)),
        "maxPositionEmbeddings": c["max_pos"],
        "layouts": snippets,
        "expected": expected,
    }
    if c["note"]:
        out["note"] = c["note"]
    return out


def ramp(n, lo, hi):
    """Deterministic per-pair factors rising from lo to hi (LongRoPE factor arrays)."""
    return [round(lo + (hi - lo) * j / max(n - 1, 1), 4) for j in range(n)]


def cases():
    llama31 = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
    return [
        case("default_d128_llama2", "default", 128, 4096, 10000.0, [4096]),
        case("default_d64_theta5e5", "default", 64, 8192, 500000.0, [8192]),
        case("default_d128_qwen2_theta1e6", "default", 128, 32768, 1000000.0, [32768]),
        case("default_d8", "default", 8, 512, 10000.0, [512]),
        case("default_d64_partial05", "default", 64, 2048, 10000.0, [2048], prf=0.5),

        case("linear_d128_factor2", "linear", 128, 8192, 10000.0, [8192], {"factor": 2.0}),
        case("linear_d64_factor4_legacy_type", "linear", 64, 8192, 10000.0, [8192], {"factor": 4.0},
             legacy_type=True),
        case("linear_d8_factor8", "linear", 8, 4096, 10000.0, [4096], {"factor": 8.0}),
        case("linear_d64_partial05_factor2_5", "linear", 64, 4096, 10000.0, [4096], {"factor": 2.5}, prf=0.5),

        case("dynamic_d128_factor2", "dynamic", 128, 4096, 10000.0, [1, 2048, 4096, 4097, 8192, 32768],
             {"factor": 2.0}),
        case("dynamic_d64_factor4_theta5e5", "dynamic", 64, 2048, 500000.0, [100, 2048, 3000, 16384],
             {"factor": 4.0}),
        case("dynamic_d8_factor1_5", "dynamic", 8, 512, 10000.0, [256, 513, 2000], {"factor": 1.5}),
        case("dynamic_d64_partial05_factor2", "dynamic", 64, 1024, 10000.0, [1024, 8192], {"factor": 2.0}, prf=0.5),

        case("yarn_d128_qwen25_factor4_legacy_type", "yarn", 128, 32768, 1000000.0, [32768],
             {"factor": 4.0, "original_max_position_embeddings": 32768}, legacy_type=True),
        case("yarn_d64_factor8_orig2048", "yarn", 64, 16384, 10000.0, [16384],
             {"factor": 8.0, "original_max_position_embeddings": 2048}),
        case("yarn_d64_mscale_and_mscale_all_dim", "yarn", 64, 16384, 10000.0, [16384],
             {"factor": 40.0, "original_max_position_embeddings": 4096, "mscale": 1.0, "mscale_all_dim": 0.707,
              "beta_fast": 32, "beta_slow": 1}),
        case("yarn_d64_mscale_without_mscale_all_dim", "yarn", 64, 16384, 10000.0, [16384],
             {"factor": 4.0, "original_max_position_embeddings": 4096, "mscale": 0.707}),
        case("yarn_d128_attention_factor_override", "yarn", 128, 16384, 10000.0, [16384],
             {"factor": 4.0, "original_max_position_embeddings": 4096, "attention_factor": 1.25}),
        case("yarn_d64_gptoss_truncate_false", "yarn", 64, 131072, 150000.0, [131072],
             {"factor": 32.0, "original_max_position_embeddings": 4096, "beta_fast": 32.0, "beta_slow": 1.0,
              "truncate": False}),
        case("yarn_d128_beta_fast16_beta_slow2", "yarn", 128, 8192, 10000.0, [8192],
             {"factor": 2.0, "original_max_position_embeddings": 4096, "beta_fast": 16.0, "beta_slow": 2.0}),
        case("yarn_d64_without_original_uses_max_position", "yarn", 64, 4096, 10000.0, [4096], {"factor": 2.0}),
        case("yarn_d64_null_factor_uses_max_over_original", "yarn", 64, 16384, 10000.0, [16384],
             {"factor": None, "original_max_position_embeddings": 4096}),
        case("yarn_d8_factor4", "yarn", 8, 2048, 10000.0, [2048],
             {"factor": 4.0, "original_max_position_embeddings": 512}),
        case("yarn_d64_partial05_factor4", "yarn", 64, 8192, 10000.0, [8192],
             {"factor": 4.0, "original_max_position_embeddings": 2048}, prf=0.5),
        case("yarn_d128_factor1", "yarn", 128, 4096, 10000.0, [4096],
             {"factor": 1.0, "original_max_position_embeddings": 4096}),

        case("llama3_d128_llama31", "llama3", 128, 131072, 500000.0, [131072], llama31),
        case("llama3_d64_llama32_factor32", "llama3", 64, 131072, 500000.0, [131072],
             {**llama31, "factor": 32.0}),
        case("llama3_d64_partial05", "llama3", 64, 32768, 10000.0, [32768],
             {"factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 2048},
             prf=0.5),
        case("llama3_d8_small_context", "llama3", 8, 2048, 10000.0, [2048],
             {"factor": 4.0, "low_freq_factor": 2.0, "high_freq_factor": 8.0, "original_max_position_embeddings": 128}),
        case("llama3_d64_without_original_uses_max_position", "llama3", 64, 8192, 500000.0, [8192],
             {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0}),

        case("longrope_d96_phi3_top_level_original", "longrope", 96, 131072, 10000.0, [1, 4096, 4097, 131072],
             {"short_factor": ramp(48, 1.0, 1.2), "long_factor": ramp(48, 1.0, 40.0)},
             top={"original_max_position_embeddings": 4096}, legacy_type=True),
        case("longrope_d64_section_original_explicit_factor", "longrope", 64, 16384, 10000.0, [2048, 2049, 16384],
             {"factor": 8.0, "original_max_position_embeddings": 2048,
              "short_factor": ramp(32, 1.0, 1.1), "long_factor": ramp(32, 1.0, 12.0)}),
        case("longrope_d64_attention_factor_given", "longrope", 64, 16384, 10000.0, [1024, 16384],
             {"factor": 8.0, "attention_factor": 1.1, "original_max_position_embeddings": 2048,
              "short_factor": ramp(32, 1.0, 1.1), "long_factor": ramp(32, 1.0, 12.0)}),
        case("longrope_d8_factor1", "longrope", 8, 2048, 10000.0, [2048, 4096],
             {"factor": 1.0, "original_max_position_embeddings": 2048,
              "short_factor": [1.0, 1.0, 1.05, 1.1], "long_factor": [1.0, 1.5, 2.0, 4.0]}),
        case("longrope_d64_partial05", "longrope", 64, 32768, 10000.0, [4096, 32768],
             {"factor": 8.0, "original_max_position_embeddings": 4096,
              "short_factor": ramp(16, 1.0, 1.1), "long_factor": ramp(16, 1.0, 16.0)}, prf=0.5),
        # transformers 4.x ignores a given factor when original_max_position_embeddings is top-level and uses
        # max/original (32 here); 5.x keeps the given 2.0. The checkpoint layout is 4.x, so longstream follows
        # 4.x: the expected values are computed by transformers with factor left out (= 4.x semantics).
        case("longrope_d96_phi3_given_factor_ignored_as_in_transformers4", "longrope", 96, 131072, 10000.0,
             [4096, 131072],
             {"factor": 2.0, "short_factor": ramp(48, 1.0, 1.2), "long_factor": ramp(48, 1.0, 40.0)},
             top={"original_max_position_embeddings": 4096},
             note="transformers 4.x semantics: expected values come from the transformers5 layout, which leaves "
                  "factor out; transformers 5.x itself would keep factor 2.0 for the transformers4 layout",
             hf5_only={"factor": None}),
    ]


def main():
    result = {
        "generatedBy": "model/src/test/python/generate_rope_cases.py",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "precision": "inv_freq as transformers computes it, in float32; attention factors in Python float (double)",
        "cases": [build(c) for c in cases()],
    }
    text = json.dumps(result, indent=1)
    # One line per number array keeps the file short and diffs readable.
    text = re.sub(r"\[\s*([-+0-9.eE,\s]+?)\s*\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
    with open(OUT, "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(result['cases'])} cases to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

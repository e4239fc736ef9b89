#!/usr/bin/env python3
"""Dev-only: check that a checkpoint written by `longstream train` loads in Hugging Face transformers.

Not part of the build or CI (the Java tests never run Python). Usage, from the repository root:

    python3 model/src/test/python/check_trained_checkpoint.py MODEL_DIR [JAVA_FORWARD_JSON]

MODEL_DIR is a checkpoint directory (config.json, model.safetensors, tokenizer.json). JAVA_FORWARD_JSON is
optional: the output of `longstream forward --model MODEL_DIR --text TEXT` (JSON with "tokens" and
"logits"); when given, the script runs transformers on the same tokens and compares the logits.

Checks, each printed with its result; exits non-zero if any fails:
  1. AutoConfig reads a LlamaConfig with the dimensions and RoPE base of config.json;
  2. LlamaForCausalLM.from_pretrained loads every tensor (no missing or unexpected keys);
  3. tokenizers / PreTrainedTokenizerFast load tokenizer.json: ids are <s> + the UTF-8 bytes, decode
     round-trips, offsets cover each character;
  4. (with JAVA_FORWARD_JSON) transformers' logits match longstream's to 1e-4.
"""
import json
import sys

import torch
import transformers
from tokenizers import Tokenizer
from transformers import AutoConfig, LlamaForCausalLM, PreTrainedTokenizerFast

failures = []


def check(name, ok, detail=""):
    print(f"[{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""))
    if not ok:
        failures.append(name)


def main(model_dir, java_json=None):
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    raw = json.load(open(f"{model_dir}/config.json"))
    config = AutoConfig.from_pretrained(model_dir)
    check("config is a LlamaConfig", type(config).__name__ == "LlamaConfig", type(config).__name__)
    theta = (getattr(config, "rope_parameters", None) or {}).get("rope_theta", getattr(config, "rope_theta", None))
    check("rope base read", theta == raw["rope_theta"], f"rope_theta={theta}")

    model, info = LlamaForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager", output_loading_info=True)
    model.eval()
    missing = [k for k in info["missing_keys"] if not (config.tie_word_embeddings and k == "lm_head.weight")]
    check("all weights loaded", not missing and not info["unexpected_keys"] and not info["mismatched_keys"],
          f"missing={missing} unexpected={info['unexpected_keys']} mismatched={info['mismatched_keys']}")
    params = sum(p.numel() for p in model.parameters())
    print(f"      parameters: {params:,}")

    text = "Mr President, the Commission — ¿qué? 🙂 Καλημέρα"
    tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    enc = tok.encode(text)
    expected = [raw["bos_token_id"]] + list(text.encode("utf-8"))
    check("tokenizers: ids are <s> + UTF-8 bytes", enc.ids == expected)
    check("tokenizers: decode round-trips", tok.decode(enc.ids[1:]) == text)
    spans_ok = all(text[s:e] and len(text[s:e]) == 1 for s, e in enc.offsets[1:])
    check("tokenizers: every byte's offsets cover one character", spans_ok)
    fast = PreTrainedTokenizerFast(tokenizer_file=f"{model_dir}/tokenizer.json", bos_token="<s>", eos_token="</s>")
    check("PreTrainedTokenizerFast: same ids", fast(text)["input_ids"] == expected)

    with torch.no_grad():
        ids = torch.tensor([expected])
        out = model(ids)
        greedy = model.generate(torch.tensor([[raw["bos_token_id"]] + list(b"The Commission ")]),
                                max_new_tokens=60, do_sample=False)
    print("      greedy continuation:", repr(tok.decode(greedy[0].tolist()[1:])))

    if java_json:
        with open(java_json) as f:
            java = json.loads(f.readline())  # the JSON line; anything after it (a REPL banner) is ignored
        java_ids = java["tokens"]
        with torch.no_grad():
            hf = model(torch.tensor([java_ids])).logits[0]
        diff = (hf - torch.tensor(java["logits"])).abs().max().item()
        check("logits match longstream's forward", diff < 1e-4, f"max |Δ| = {diff:.2e} over {len(java_ids)} tokens")

    print("PASSED" if not failures else f"FAILED: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

#!/usr/bin/env python3
"""Dev-only: full-forward throughput of longstream vs Hugging Face transformers (eager), side by side.

Builds (once) a random checkpoint shaped like SmolLM2-135M, then alternates HF eager forwards with
`longstream bench forward` runs on the same checkpoint and sequence length, and prints a Markdown row
for docs/BENCHMARKS.md. Usage, from the repository root:

    python3 model/src/test/python/bench_forward.py --longstream bin/longstream --rounds 3
"""
import argparse, json, os, statistics, subprocess, time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

SMOL = dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
            num_key_value_heads=3, vocab_size=49152, tie_word_embeddings=True, max_position_embeddings=8192,
            rope_theta=100000.0, rms_norm_eps=1e-5)


def checkpoint(path):
    if not os.path.exists(os.path.join(path, "model.safetensors")):
        torch.manual_seed(0)
        model = LlamaForCausalLM(LlamaConfig(**SMOL)).eval()
        model.save_pretrained(path, safe_serialization=True)
    return path


def hf_tokens_per_second(path, tokens, warmup, iterations):
    model = LlamaForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation="eager").eval()
    ids = torch.randint(0, SMOL["vocab_size"], (1, tokens), generator=torch.Generator().manual_seed(0))
    times = []
    with torch.no_grad():
        for i in range(warmup + iterations):
            t0 = time.perf_counter()
            model(ids, use_cache=False)
            if i >= warmup:
                times.append(time.perf_counter() - t0)
    return tokens / statistics.median(times)


def longstream(cmd, path, tokens, warmup, iterations, threads):
    out = subprocess.run(cmd + ["bench", "forward", "--model", path, "--tokens", str(tokens), "--warmup", str(warmup),
                                "--iterations", str(iterations), "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--longstream", default="bin/longstream")
    p.add_argument("--dir", default="/tmp/smollm2-135m-random")
    p.add_argument("--tokens", type=int, default=1024)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    path = checkpoint(a.dir)
    hf, ls, loads, rss = [], [], [], []
    for r in range(a.rounds):
        hf.append(hf_tokens_per_second(path, a.tokens, a.warmup, a.iterations))
        j = longstream(a.longstream.split(), path, a.tokens, a.warmup, a.iterations, a.threads)
        ls.append(j["tokens_per_second"]); loads.append(j["load_seconds"]); rss.append(j["rss_after_load_mb"])
        print(f"round {r}: HF eager {hf[-1]:.0f} tok/s, longstream {ls[-1]:.0f} tok/s", flush=True)
    h, l = statistics.median(hf), statistics.median(ls)
    print(f"| full forward, {a.tokens} tokens, fp32, {a.threads} threads | {h:.0f} | {l:.0f} | {l / h:.2f}x |"
          f" load {statistics.median(loads):.2f} s, RSS after load {statistics.median(rss):.0f} MB |")


if __name__ == "__main__":
    main()

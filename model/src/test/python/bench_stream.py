#!/usr/bin/env python3
"""Dev-only: streaming throughput of longstream vs the pure-PyTorch streaming reference, side by side.

Both stream the same random 8192-token document through the SmolLM2-135M-shaped random checkpoint made by
bench_forward.py, with S=4, W=1024, C=256 in rolling mode, in float32 on the same 2 threads (longstream spends
them as two layer-pipeline stages, its default on a CPU), each side in a process of its own. Then longstream
runs recompute mode (the O(N·W) baseline), and rolling mode at 8k and 64k tokens for peak RSS. Prints rows for
docs/BENCHMARKS.md. The JVM's heap is fixed and pre-touched so that peak RSS compares native memory, not how
far the garbage collector let the heap grow. From the repository root:

    python3 model/src/test/python/bench_stream.py \
        --longstream "java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true -jar streams-app/target/longstream.jar"
"""
import argparse, json, subprocess, sys, time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
import bench_forward  # noqa: E402
import streaming_reference as ref  # noqa: E402


def reference_tokens_per_second(path, n, s, w, c, threads):
    """The reference in a process of its own, as longstream runs in one: the side that ran in this process
    measured 5-10 % slower when the other had just run in its child (2026-11-23)."""
    out = subprocess.run([sys.executable, __file__, "--reference-only", "--dir", path, "--tokens", str(n),
                          "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def reference_in_process(path, n, s, w, c):
    ref.DTYPE = torch.float32
    model = ref.RefModel(path)
    tokens = torch.randint(0, model.vocab, (n,), generator=torch.Generator().manual_seed(0))
    t0 = time.perf_counter()
    ref.stream(model, tokens, s, w, c, "rolling")
    return n / (time.perf_counter() - t0)


def longstream(cmd, path, n, s, w, c, mode, threads):
    out = subprocess.run(cmd + ["bench", "stream", "--model", path, "--tokens", str(n), "--sinks", str(s), "--window",
                                str(w), "--chunk", str(c), "--positions", mode, "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--longstream", default="bin/longstream")
    p.add_argument("--dir", default="/tmp/smollm2-135m-random")
    p.add_argument("--tokens", type=int, default=8192)
    p.add_argument("--long-tokens", type=int, default=65536)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=1, help="reference/rolling pairs before the other runs")
    p.add_argument("--only-rolling", action="store_true", help="skip the recompute and long-document runs")
    p.add_argument("--reference-only", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    s, w, c, n = 4, 1024, 256, a.tokens
    if a.reference_only:
        print(reference_in_process(a.dir, n, s, w, c))
        return
    path = bench_forward.checkpoint(a.dir)
    cmd = a.longstream.split()
    for r in range(a.rounds):
        py = reference_tokens_per_second(path, n, s, w, c, a.threads)
        rolling = longstream(cmd, path, n, s, w, c, "rolling", a.threads)
        print(f"| stream {n} tokens, S={s} W={w} C={c}, rolling | reference {py:.0f} | longstream "
              f"{rolling['tokens_per_second']:.0f} | {rolling['tokens_per_second'] / py:.2f}x |", flush=True)
    if a.only_rolling:
        return
    recompute = longstream(cmd, path, n, s, w, c, "recompute", a.threads)
    print(f"| longstream rolling vs recompute, {n} tokens | {recompute['tokens_per_second']:.0f} | "
          f"{rolling['tokens_per_second']:.0f} | {rolling['tokens_per_second'] / recompute['tokens_per_second']:.2f}x |",
          flush=True)
    long = longstream(cmd, path, a.long_tokens, s, w, c, "rolling", a.threads)
    print(f"| peak RSS, rolling | {n} tokens: {rolling['peak_rss_mb']:.0f} MB | {a.long_tokens} tokens: "
          f"{long['peak_rss_mb']:.0f} MB | {100 * (long['peak_rss_mb'] / rolling['peak_rss_mb'] - 1):+.1f}% |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Dev-only: regenerates model/src/test/resources/positional/reference-cases.json, the oracle for the
non-rotary positional schemes, from the reference implementations themselves:

- T5 buckets: transformers' `T5Attention._relative_position_bucket` (causal, 32 buckets, max distance 128,
  and a few other settings), on relative positions memory - query = -n for n = 0..1100.
- ALiBi slopes: fairseq's `get_slopes` (ofirpress/attention_with_linear_biases@4b92f28,
  fairseq/models/transformer.py, copied verbatim below) and transformers' BLOOM `build_alibi_tensor`
  (which must agree to float32), for 1..96 heads including non-powers of two.
- Sinusoidal: transformers' XLM `create_sinusoidal_embeddings` (Vaswani's interleaved sin/cos layout) for
  a few positions, including large ones.

Needs torch and transformers, no network:

    python3 model/src/test/python/generate_positional_cases.py
"""

import json
import math
import os

import numpy as np
import torch
import transformers
from transformers.models.bloom.modeling_bloom import build_alibi_tensor
from transformers.models.t5.modeling_t5 import T5Attention
from transformers.models.xlm.modeling_xlm import create_sinusoidal_embeddings

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "positional", "reference-cases.json")


def get_slopes(n):
    """fairseq/models/transformer.py in ofirpress/attention_with_linear_biases@4b92f28, verbatim."""

    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return get_slopes_power_of_2(closest_power_of_2) + get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]


def t5_cases():
    distances = list(range(0, 1101))
    cases = []
    for num_buckets, max_distance in [(32, 128), (16, 64), (64, 256)]:
        rp = -torch.tensor(distances, dtype=torch.long)  # memory - query for a key n tokens back
        buckets = T5Attention._relative_position_bucket(
            rp, bidirectional=False, num_buckets=num_buckets, max_distance=max_distance
        )
        future = T5Attention._relative_position_bucket(
            torch.tensor([1, 5, 100]), bidirectional=False, num_buckets=num_buckets, max_distance=max_distance
        )
        assert future.tolist() == [0, 0, 0], "causal buckets put every future key in bucket 0"
        cases.append(
            {"num_buckets": num_buckets, "max_distance": max_distance, "distances": distances, "buckets": buckets.tolist()}
        )
    return cases


def alibi_cases():
    cases = []
    for heads in list(range(1, 33)) + [40, 48, 64, 80, 96]:
        fairseq = get_slopes(heads)
        # BLOOM: alibi[b*H + h, 0, j] = slope_h * j for an all-ones mask.
        bloom = build_alibi_tensor(torch.ones(1, 3, dtype=torch.long), heads, torch.float32)[:, 0, 1]
        assert np.allclose(np.array(fairseq, dtype=np.float32), bloom.numpy(), rtol=1e-6, atol=0), heads
        cases.append({"heads": heads, "slopes": fairseq, "bloom_float32": bloom.tolist()})
    return cases


def sinusoidal_cases():
    cases = []
    for dim in [8, 16, 64]:
        positions = [0, 1, 2, 7, 100, 1000, 65535, 1000000]
        n_pos = max(positions) + 1
        rows = []
        for p in positions:
            # create_sinusoidal_embeddings builds the whole table; evaluate it on [p] alone, same formula.
            out = torch.empty(1, dim)
            position_enc = np.array([[p / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)]])
            out[:, 0::2] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
            out[:, 1::2] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
            rows.append(out[0].tolist())
        table = torch.empty(8, dim)
        create_sinusoidal_embeddings(8, dim, table)
        assert torch.equal(table[[0, 1, 2, 7]], torch.tensor([rows[0], rows[1], rows[2], rows[3]])), dim
        cases.append({"dim": dim, "positions": positions, "embeddings": rows})
    return cases


def main():
    doc = {
        "generator": "model/src/test/python/generate_positional_cases.py",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "t5_causal_buckets": t5_cases(),
        "alibi_slopes": alibi_cases(),
        "sinusoidal_interleaved": sinusoidal_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()

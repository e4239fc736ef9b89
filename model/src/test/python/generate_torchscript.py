#!/usr/bin/env python3
"""Dev-only: writes the TorchScript archive through which the Java engine reaches PyTorch's fused
scaled_dot_product_attention (DJL 0.35 exposes no binding for it). The archive holds only this module's
source text, which libtorch compiles when it loads; it has no weights. Regenerate from the repository root:

    python3 model/src/test/python/generate_torchscript.py
"""
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path("model/src/main/resources/io/longstream/model/transformer/fused-attention.pt")


class FusedAttention(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor, scale: float) -> torch.Tensor:
        # q [B, Hkv, G*T, Dh] (the caller folds the G query heads of each key/value head into the query axis),
        # k/v [B, Hkv, K, Dh], mask additive, broadcastable to [B, Hkv, G*T, K]. Folding instead of
        # enable_gqa=True: libtorch 2.7's CPU flash kernel does not take GQA, and the flag sends the call to the
        # unfused math fallback (measured: half of a streaming step's time went there).
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)


def main():
    module = torch.jit.script(FusedAttention())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    q, k, v = torch.randn(1, 4, 5, 8), torch.randn(1, 2, 7, 8), torch.randn(1, 2, 7, 8)
    mask = torch.zeros(5, 7)
    mask[0, 6] = float("-inf")
    ref = F.scaled_dot_product_attention(q, k.repeat_interleave(2, 1), v.repeat_interleave(2, 1), attn_mask=mask, scale=0.3)
    folded = torch.jit.load(str(OUT))(q.reshape(1, 2, 10, 8), k, v, mask.repeat(2, 1), 0.3).reshape(1, 4, 5, 8)
    assert torch.allclose(folded, ref, atol=1e-6)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

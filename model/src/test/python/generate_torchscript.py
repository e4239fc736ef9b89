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
        # q [B, H, T, Dh], k/v [B, Hkv, K, Dh], mask [T, K] additive; GQA handled by the kernel.
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale, enable_gqa=True)


def main():
    module = torch.jit.script(FusedAttention())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    q, k, v = torch.randn(1, 4, 5, 8), torch.randn(1, 2, 7, 8), torch.randn(1, 2, 7, 8)
    mask = torch.zeros(5, 7)
    mask[0, 6] = float("-inf")
    ref = F.scaled_dot_product_attention(q, k.repeat_interleave(2, 1), v.repeat_interleave(2, 1), attn_mask=mask, scale=0.3)
    assert torch.allclose(torch.jit.load(str(OUT))(q, k, v, mask, 0.3), ref, atol=1e-6)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

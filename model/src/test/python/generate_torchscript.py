#!/usr/bin/env python3
"""Dev-only: writes the TorchScript archive through which the Java engine reaches PyTorch kernels that DJL 0.35
does not bind: the fused scaled_dot_product_attention, and oneDNN's matrix multiplication for float32 linear
layers on a CPU. The archive holds only this module's source text, which libtorch compiles when it loads; it
has no weights. Regenerate from the repository root:

    python3 model/src/test/python/generate_torchscript.py
"""
import pathlib
from typing import List, Optional, Union

import torch
import torch.nn.functional as F

OUT = pathlib.Path("model/src/main/resources/io/longstream/model/transformer/torchscript-kernels.pt")


class TorchScriptKernels(torch.nn.Module):
    @torch.jit.export
    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor, scale: float) -> torch.Tensor:
        # q [B, Hkv, G*T, Dh] (the caller folds the G query heads of each key/value head into the query axis),
        # k/v [B, Hkv, K, Dh], mask additive, broadcastable to [B, Hkv, G*T, K]. Folding instead of
        # enable_gqa=True: libtorch 2.7's CPU flash kernel does not take GQA, and the flag sends the call to the
        # unfused math fallback (measured: half of a streaming step's time went there).
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)

    @torch.jit.export
    def linear(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        # x·wᵀ through oneDNN's matmul (the op Inductor emits for CPU linear layers). F.linear calls MKL's sgemm,
        # which runs its AVX2 code on AMD processors; oneDNN picks its kernels by instruction set, not vendor.
        return torch.ops.mkldnn._linear_pointwise(x, w, None, "none", torch.jit.annotate(List[Optional[Union[int, float, complex]]], []), "")

    @torch.jit.export
    def pack(self, w: torch.Tensor) -> torch.Tensor:
        # w [Out, In] reordered once into oneDNN's blocked layout (what PyTorch's compiler does when it freezes a
        # model): with a plain weight, libtorch 2.7's oneDNN runs an older GEMM kernel; with a blocked one, its
        # batch-reduce (brgemm) kernels. The result is opaque: only linear() may read it.
        return torch.ops.mkldnn._reorder_linear_weight(w, None)

    @torch.jit.export
    def linear_biased(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.ops.mkldnn._linear_pointwise(x, w, b, "none", torch.jit.annotate(List[Optional[Union[int, float, complex]]], []), "")


def main():
    module = torch.jit.script(TorchScriptKernels())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    module.save(str(OUT))
    loaded = torch.jit.load(str(OUT))
    q, k, v = torch.randn(1, 4, 5, 8), torch.randn(1, 2, 7, 8), torch.randn(1, 2, 7, 8)
    mask = torch.zeros(5, 7)
    mask[0, 6] = float("-inf")
    ref = F.scaled_dot_product_attention(q, k.repeat_interleave(2, 1), v.repeat_interleave(2, 1), attn_mask=mask, scale=0.3)
    folded = loaded.attend(q.reshape(1, 2, 10, 8), k, v, mask.repeat(2, 1), 0.3).reshape(1, 4, 5, 8)
    assert torch.allclose(folded, ref, atol=1e-6)
    x, w, b = torch.randn(2, 5, 16), torch.randn(3, 16), torch.randn(3)
    assert torch.allclose(loaded.linear(x, w), F.linear(x, w), atol=1e-5)
    assert torch.allclose(loaded.linear_biased(x[:, 1:4], w, b), F.linear(x[:, 1:4], w, b), atol=1e-5)
    assert torch.allclose(loaded.linear_biased(x, loaded.pack(w), b), F.linear(x, w, b), atol=1e-5)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

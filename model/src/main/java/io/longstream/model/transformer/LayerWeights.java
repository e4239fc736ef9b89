package io.longstream.model.transformer;

import ai.djl.ndarray.NDArray;

/**
 * The tensors of one decoder layer, with q/k/v and gate/up fused so that each is one matmul.
 *
 * @param inputNorm RMSNorm weight before attention [D]
 * @param qkv fused projection [(H + 2·Hkv)·Dh, D]: rows of q, then k, then v
 * @param qkvBias fused bias [(H + 2·Hkv)·Dh], or null (only Qwen2 has one)
 * @param output attention output projection [D, H·Dh]
 * @param postAttentionNorm RMSNorm weight before the MLP [D]
 * @param gateUp fused SwiGLU projection [2·F, D]: rows of gate, then up
 * @param down MLP output projection [D, F]
 */
public record LayerWeights(
    NDArray inputNorm,
    NDArray qkv,
    NDArray qkvBias,
    NDArray output,
    NDArray postAttentionNorm,
    NDArray gateUp,
    NDArray down) {}

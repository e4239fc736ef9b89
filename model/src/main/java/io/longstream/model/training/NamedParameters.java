package io.longstream.model.training;

import ai.djl.ndarray.NDArray;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.LayerWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stable names for the trainable arrays of {@link DecoderWeights}, in the fused layout the model computes
 * with: the Hugging Face names, except {@code self_attn.qkv_proj.weight} [(H + 2·Hkv)·Dh, D] and {@code
 * mlp.gate_up_proj.weight} [2·F, D]. Optimizer state is saved under these names; a tied LM head is the
 * embedding and appears once.
 */
final class NamedParameters {

  private NamedParameters() {}

  static Map<String, NDArray> of(DecoderWeights weights) {
    Map<String, NDArray> named = new LinkedHashMap<>();
    named.put("model.embed_tokens.weight", weights.embedding());
    for (int i = 0; i < weights.layers().size(); i++) {
      LayerWeights layer = weights.layers().get(i);
      String prefix = "model.layers." + i + ".";
      named.put(prefix + "input_layernorm.weight", layer.inputNorm());
      named.put(prefix + "self_attn.qkv_proj.weight", layer.qkv());
      if (layer.qkvBias() != null) {
        named.put(prefix + "self_attn.qkv_proj.bias", layer.qkvBias());
      }
      named.put(prefix + "self_attn.o_proj.weight", layer.output());
      named.put(prefix + "post_attention_layernorm.weight", layer.postAttentionNorm());
      named.put(prefix + "mlp.gate_up_proj.weight", layer.gateUp());
      named.put(prefix + "mlp.down_proj.weight", layer.down());
    }
    named.put("model.norm.weight", weights.finalNorm());
    if (weights.lmHead() != weights.embedding()) {
      named.put("lm_head.weight", weights.lmHead());
    }
    return named;
  }
}

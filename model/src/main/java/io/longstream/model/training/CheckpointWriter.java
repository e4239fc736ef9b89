package io.longstream.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigWriter;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.LayerWeights;
import io.longstream.model.weights.Checkpoint;
import io.longstream.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves weights as a Hugging Face Llama checkpoint directory: {@code config.json} (a real {@code
 * LlamaConfig}, see {@link ModelConfigWriter}), {@code model.safetensors} with transformers' tensor names
 * (fused q/k/v and gate/up split back into {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code
 * gate_proj}, {@code up_proj}; no {@code lm_head.weight} when tied) and {@code tokenizer.json}. {@link
 * io.longstream.model.engine.LanguageModel#load} and transformers' {@code from_pretrained} both read it
 * back; the float32 weights round-trip bit for bit.
 */
public final class CheckpointWriter {

  private CheckpointWriter() {}

  /** Writes {@code config.json}, {@code model.safetensors} and {@code tokenizer.json} into {@code dir}. */
  public static void write(Path dir, ModelConfig config, DecoderWeights weights, String tokenizerJson) {
    write(dir, config, weights, Map.of(), tokenizerJson);
  }

  /**
   * As {@link #write(Path, ModelConfig, DecoderWeights, String)}, with the positional scheme's learned
   * tensors ({@code PositionalEncoding.namedParameters()}: the {@code learned} table, the {@code t5}
   * buckets) saved under their names next to the decoder's, where the model loader finds them.
   */
  public static void write(
      Path dir, ModelConfig config, DecoderWeights weights, Map<String, NDArray> positional, String tokenizerJson) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), ModelConfigWriter.toJson(config, ByteTokenizer.BOS, ByteTokenizer.EOS));
      SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
      try (NDList views = new NDList()) {
        hfTensors(config, weights, views).forEach(writer::add);
        positional.forEach(writer::add);
        writer.write(dir.resolve(Checkpoint.SINGLE_FILE));
      }
      Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The weights under their Hugging Face names; the split parts are views collected in {@code views} for
   * the caller to close after writing.
   */
  static Map<String, NDArray> hfTensors(ModelConfig config, DecoderWeights weights, NDList views) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("model.embed_tokens.weight", weights.embedding());
    long q = (long) config.numAttentionHeads() * config.headDim();
    long kv = (long) config.numKeyValueHeads() * config.headDim();
    for (int i = 0; i < weights.layers().size(); i++) {
      LayerWeights layer = weights.layers().get(i);
      String prefix = "model.layers." + i + ".";
      out.put(prefix + "input_layernorm.weight", layer.inputNorm());
      NDList qkv = keep(views, layer.qkv().split(new long[] {q, q + kv}, 0));
      out.put(prefix + "self_attn.q_proj.weight", qkv.get(0));
      out.put(prefix + "self_attn.k_proj.weight", qkv.get(1));
      out.put(prefix + "self_attn.v_proj.weight", qkv.get(2));
      if (layer.qkvBias() != null) {
        NDList bias = keep(views, layer.qkvBias().split(new long[] {q, q + kv}, 0));
        out.put(prefix + "self_attn.q_proj.bias", bias.get(0));
        out.put(prefix + "self_attn.k_proj.bias", bias.get(1));
        out.put(prefix + "self_attn.v_proj.bias", bias.get(2));
      }
      out.put(prefix + "self_attn.o_proj.weight", layer.output());
      out.put(prefix + "post_attention_layernorm.weight", layer.postAttentionNorm());
      NDList gateUp = keep(views, layer.gateUp().split(2, 0));
      out.put(prefix + "mlp.gate_proj.weight", gateUp.get(0));
      out.put(prefix + "mlp.up_proj.weight", gateUp.get(1));
      out.put(prefix + "mlp.down_proj.weight", layer.down());
    }
    out.put("model.norm.weight", weights.finalNorm());
    if (!config.tieWordEmbeddings()) {
      out.put("lm_head.weight", weights.lmHead());
    }
    return out;
  }

  private static NDList keep(NDList views, NDList parts) {
    views.addAll(parts);
    return parts;
  }
}

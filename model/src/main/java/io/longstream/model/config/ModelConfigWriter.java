package io.longstream.model.config;

import io.longstream.model.positional.rope.RopeParameters;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.SerializationFeature;

/**
 * Writes a {@link ModelConfig} as the {@code config.json} transformers' {@code LlamaConfig} (or
 * Mistral/Qwen2) writes: {@code model_type}, {@code architectures}, the dimensions, {@code rope_parameters}
 * (5.x) together with a top-level {@code rope_theta} (read by 4.x), {@code torch_dtype}, the special token
 * ids, and {@code longstream_*} fields only where the model departs from the HF family (a positional
 * scheme other than RoPE, an interleaved rotary layout). {@link ModelConfigParser} reads the result back
 * into an equal config.
 */
public final class ModelConfigWriter {

  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ModelConfigWriter() {}

  /**
   * The JSON text of {@code config}.
   *
   * @param bosTokenId id of the beginning-of-sequence token, or -1 for none
   * @param eosTokenId id of the end-of-sequence token, or -1 for none
   */
  public static String toJson(ModelConfig config, int bosTokenId, int eosTokenId) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add(config.family().architecture());
    root.put("model_type", config.family().modelType());
    root.put("attention_bias", config.attentionBias());
    root.put("attention_dropout", 0.0);
    tokenId(root, "bos_token_id", bosTokenId);
    tokenId(root, "eos_token_id", eosTokenId);
    root.put("head_dim", config.headDim());
    root.put("hidden_act", "silu");
    root.put("hidden_size", config.hiddenSize());
    root.put("initializer_range", 0.02);
    root.put("intermediate_size", config.intermediateSize());
    root.put("max_position_embeddings", config.maxPositionEmbeddings());
    root.put("mlp_bias", config.mlpBias());
    root.put("num_attention_heads", config.numAttentionHeads());
    root.put("num_hidden_layers", config.numHiddenLayers());
    root.put("num_key_value_heads", config.numKeyValueHeads());
    root.put("rms_norm_eps", config.rmsNormEps());
    rope(root.putObject("rope_parameters"), config);
    root.put("rope_theta", config.rope().theta());
    if (config.slidingWindow() > 0) {
      root.put("sliding_window", config.slidingWindow());
    }
    root.put("tie_word_embeddings", config.tieWordEmbeddings());
    root.put("torch_dtype", config.torchDtype());
    root.put("use_cache", true);
    root.put("vocab_size", config.vocabSize());
    if (!"rope".equals(config.positionalEncoding())) {
      root.put("longstream_positional_encoding", config.positionalEncoding());
    }
    if (config.rotaryLayout() != RotaryLayout.HALF_SPLIT) {
      root.put("longstream_rotary_layout", config.rotaryLayout().name().toLowerCase(java.util.Locale.ROOT));
    }
    return JSON.writeValueAsString(root) + "\n";
  }

  private static void tokenId(ObjectNode root, String field, int id) {
    if (id >= 0) {
      root.put(field, id);
    } else {
      root.putNull(field);
    }
  }

  /** The 5.x {@code rope_parameters} object: type, theta, and the scaling fields that are set. */
  private static void rope(ObjectNode node, ModelConfig config) {
    RopeParameters rope = config.rope();
    node.put("rope_type", rope.type());
    node.put("rope_theta", rope.theta());
    if (config.partialRotaryFactor() != 1.0) {
      node.put("partial_rotary_factor", config.partialRotaryFactor());
    }
    if (!"default".equals(rope.type())) {
      node.put("factor", rope.factor());
      optional(node, "original_max_position_embeddings", rope.originalMaxPositionEmbeddings());
      optional(node, "attention_factor", rope.attentionFactor());
      optional(node, "beta_fast", rope.betaFast());
      optional(node, "beta_slow", rope.betaSlow());
      optional(node, "mscale", rope.mscale());
      optional(node, "mscale_all_dim", rope.mscaleAllDim());
      optional(node, "low_freq_factor", rope.lowFreqFactor());
      optional(node, "high_freq_factor", rope.highFreqFactor());
      optional(node, "truncation_wavelength", rope.truncationWavelength());
      doubles(node, "short_factor", rope.shortFactor());
      doubles(node, "long_factor", rope.longFactor());
      if (!rope.truncate()) {
        node.put("truncate", false);
      }
    }
  }

  private static void optional(ObjectNode node, String field, Number value) {
    if (value instanceof Integer i) {
      node.put(field, i);
    } else if (value != null) {
      node.put(field, value.doubleValue());
    }
  }

  private static void doubles(ObjectNode node, String field, double[] values) {
    if (values != null) {
      var array = node.putArray(field);
      for (double v : values) {
        array.add(v);
      }
    }
  }
}

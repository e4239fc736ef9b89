package io.longstream.model.positional.rope;

import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds minimal full Llama {@code config.json} texts around a RoPE snippet and runs them through the
 * real parser, so tests see RoPE exactly as a checkpoint would deliver it. The scaffold matches {@code
 * scaffold()} in {@code model/src/test/python/generate_rope_cases.py}.
 */
final class RopeTestConfigs {

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private RopeTestConfigs() {}

  /** A Llama config with two heads of {@code headDim}, plus the top-level keys of {@code ropeSnippet}. */
  static ModelConfig config(int headDim, int maxPositionEmbeddings, JsonNode ropeSnippet) {
    ObjectNode root = JSON.createObjectNode();
    int heads = 2;
    root.put("model_type", "llama");
    root.put("hidden_size", heads * headDim);
    root.put("num_attention_heads", heads);
    root.put("num_key_value_heads", heads);
    root.put("head_dim", headDim);
    root.put("intermediate_size", 4 * heads * headDim);
    root.put("num_hidden_layers", 1);
    root.put("vocab_size", 32);
    root.put("max_position_embeddings", maxPositionEmbeddings);
    root.setAll((ObjectNode) ropeSnippet);
    return ModelConfigParser.parse(JSON.writeValueAsString(root));
  }

  static ModelConfig config(int headDim, int maxPositionEmbeddings, String ropeSnippetJson) {
    return config(headDim, maxPositionEmbeddings, JSON.readTree(ropeSnippetJson));
  }

  /** The scaling the parsed config describes, created as the engine will create it. */
  static RopeScaling scaling(ModelConfig config) {
    return RopeScalings.create(config.rope(), config.rotaryDim(), config.maxPositionEmbeddings());
  }

  /** Shorthand: a transformers 5.x layout, {@code {"rope_parameters": ropeParametersJson}}. */
  static RopeScaling rope5(int headDim, int maxPositionEmbeddings, String ropeParametersJson) {
    return scaling(config(headDim, maxPositionEmbeddings, "{\"rope_parameters\": " + ropeParametersJson + "}"));
  }

  /** Plain RoPE frequencies θⱼ = base^(−2j/d). */
  static double[] unscaled(double base, int rotaryDim) {
    return DefaultRope.baseFrequencies(base, rotaryDim);
  }
}

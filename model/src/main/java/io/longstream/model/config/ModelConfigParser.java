package io.longstream.model.config;

import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.positional.rope.RopeParameters;
import io.longstream.model.positional.rope.RopeScalings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses a Hugging Face {@code config.json} into a validated {@link ModelConfig}. Every failure is a
 * {@link ModelConfigException} whose message names the offending field.
 */
public final class ModelConfigParser {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ModelConfigParser() {}

  /** Reads and validates {@code path}. */
  public static ModelConfig parse(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + path + ": " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (ModelConfigException e) {
      throw new ModelConfigException(path + ": " + e.getMessage(), e);
    }
  }

  /** Validates the JSON text of a config. */
  public static ModelConfig parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new ModelConfigException("invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelConfigException("config must be a JSON object");
    }
    return fromJson(root);
  }

  static ModelConfig fromJson(JsonNode root) {
    ModelFamily family;
    try {
      family = ModelFamily.of(optString(root, "model_type"), firstArchitecture(root));
    } catch (IllegalArgumentException e) {
      throw new ModelConfigException(e.getMessage(), e);
    }
    int hidden = positiveInt(root, "hidden_size");
    int heads = positiveInt(root, "num_attention_heads");
    int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
        ? positiveInt(root, "num_key_value_heads")
        : heads;
    if (heads % kvHeads != 0) {
      throw new ModelConfigException(
          "num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
    }
    int headDim;
    if (root.has("head_dim") && !root.get("head_dim").isNull()) {
      headDim = positiveInt(root, "head_dim");
    } else {
      if (hidden % heads != 0) {
        throw new ModelConfigException(
            "hidden_size (" + hidden + ") is not divisible by num_attention_heads (" + heads + ") and no head_dim is given");
      }
      headDim = hidden / heads;
    }
    JsonNode ropeNode = root.get("rope_parameters");
    double partialRotary = optDouble(root, "partial_rotary_factor", ropeNode != null ? optDouble(ropeNode, "partial_rotary_factor", 1.0) : 1.0);
    if (!(partialRotary > 0 && partialRotary <= 1)) {
      throw new ModelConfigException("partial_rotary_factor must be in (0, 1], got " + partialRotary);
    }
    int rotaryDim = (int) (headDim * partialRotary);
    if (rotaryDim < 2 || rotaryDim % 2 != 0) {
      throw new ModelConfigException(
          "head_dim × partial_rotary_factor must be an even number ≥ 2, got " + rotaryDim);
    }
    int maxPositions = positiveInt(root, "max_position_embeddings");
    RopeParameters rope = RopeParametersParser.parse(root, maxPositions);
    String positional = optString(root, "longstream_positional_encoding");
    if (positional == null) {
      positional = "rope";
    }
    if (!PositionalEncodings.known().contains(positional)) {
      throw new ModelConfigException(
          "longstream_positional_encoding '" + positional + "' is unknown; known: " + PositionalEncodings.known());
    }
    ModelConfig config = new ModelConfig(
        family,
        hidden,
        positiveInt(root, "intermediate_size"),
        positiveInt(root, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        positiveDouble(root, "rms_norm_eps", 1e-6),
        rope,
        partialRotary,
        rotaryLayout(root),
        positional,
        maxPositions,
        optBoolean(root, "tie_word_embeddings", false),
        positiveInt(root, "vocab_size"),
        family == ModelFamily.QWEN2 || optBoolean(root, "attention_bias", false),
        optBoolean(root, "mlp_bias", false),
        slidingWindow(root, family),
        torchDtype(root));
    if ("rope".equals(positional)) {
      try {
        RopeScalings.create(rope, rotaryDim, maxPositions);
      } catch (IllegalArgumentException e) {
        throw new ModelConfigException(e.getMessage(), e);
      }
    }
    return config;
  }

  private static String firstArchitecture(JsonNode root) {
    JsonNode archs = root.get("architectures");
    return archs != null && archs.isArray() && !archs.isEmpty() ? archs.get(0).asString() : null;
  }

  private static RotaryLayout rotaryLayout(JsonNode root) {
    String layout = optString(root, "longstream_rotary_layout");
    if (layout == null) {
      return RotaryLayout.HALF_SPLIT;
    }
    try {
      return RotaryLayout.valueOf(layout.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelConfigException(
          "longstream_rotary_layout must be half_split or interleaved, got '" + layout + "'", e);
    }
  }

  /** Mistral honours {@code sliding_window}; Qwen2 only when {@code use_sliding_window} is true. */
  private static int slidingWindow(JsonNode root, ModelFamily family) {
    JsonNode node = root.get("sliding_window");
    if (node == null || node.isNull() || family == ModelFamily.LLAMA) {
      return 0;
    }
    if (family == ModelFamily.QWEN2 && !optBoolean(root, "use_sliding_window", false)) {
      return 0;
    }
    return positiveInt(root, "sliding_window");
  }

  private static String torchDtype(JsonNode root) {
    String dtype = optString(root, "torch_dtype");
    if (dtype == null) {
      dtype = optString(root, "dtype");
    }
    return dtype == null ? "float32" : dtype;
  }

  static int positiveInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new ModelConfigException("missing required field '" + field + "'");
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() <= 0) {
      throw new ModelConfigException("field '" + field + "' must be a positive integer, got " + value);
    }
    return value.intValue();
  }

  static double positiveDouble(JsonNode node, String field, double fallback) {
    double value = optDouble(node, field, fallback);
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new ModelConfigException("field '" + field + "' must be a positive number, got " + value);
    }
    return value;
  }

  static double optDouble(JsonNode node, String field, double fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new ModelConfigException("field '" + field + "' must be a number, got " + value);
    }
    return value.doubleValue();
  }

  static Double optDouble(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : optDouble(node, field, Double.NaN);
  }

  static boolean optBoolean(JsonNode node, String field, boolean fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new ModelConfigException("field '" + field + "' must be true or false, got " + value);
    }
    return value.booleanValue();
  }

  static String optString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new ModelConfigException("field '" + field + "' must be a string, got " + value);
    }
    return value.asString();
  }
}

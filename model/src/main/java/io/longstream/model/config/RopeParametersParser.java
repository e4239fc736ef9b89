package io.longstream.model.config;

import static io.longstream.model.config.ModelConfigParser.optBoolean;
import static io.longstream.model.config.ModelConfigParser.optDouble;
import static io.longstream.model.config.ModelConfigParser.optString;

import io.longstream.model.positional.rope.RopeParameters;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads RoPE settings from either config layout: transformers 4.x ({@code rope_theta} + {@code
 * rope_scaling}) or 5.x ({@code rope_parameters}).
 */
final class RopeParametersParser {

  private static final double DEFAULT_THETA = 10_000.0;

  /** Types whose transformers compute function reads {@code factor} without a fallback (ntk: ours). */
  private static final Set<String> FACTOR_REQUIRED = Set.of("linear", "dynamic", "ntk", "yarn", "llama3");

  /** Types for which transformers derives a missing factor from the original context. */
  private static final Set<String> DERIVED_FACTOR = Set.of("yarn", "longrope");

  private RopeParametersParser() {}

  static RopeParameters parse(JsonNode root, int maxPositionEmbeddings) {
    JsonNode params = root.get("rope_parameters");
    JsonNode scaling = root.get("rope_scaling");
    double theta;
    JsonNode section;
    String where;
    if (params != null && !params.isNull()) {
      requireObject(params, "rope_parameters");
      theta = optDouble(params, "rope_theta", optDouble(root, "rope_theta", DEFAULT_THETA));
      section = params;
      where = "rope_parameters";
    } else {
      theta = optDouble(root, "rope_theta", DEFAULT_THETA);
      section = scaling == null || scaling.isNull() ? null : requireObject(scaling, "rope_scaling");
      where = "rope_scaling";
    }
    if (!(theta > 0)) {
      throw new ModelConfigException("rope_theta must be > 0, got " + theta);
    }
    if (section == null) {
      return RopeParameters.unscaled(theta);
    }
    String type = optString(section, "rope_type");
    if (type == null) {
      type = optString(section, "type");
    }
    if (type == null) {
      type = "default";
    }
    Integer original = originalMax(root, section);
    Double factor = factor(root, section, type, where, original, maxPositionEmbeddings);
    return new RopeParameters(
        type,
        theta,
        factor == null ? 1.0 : factor,
        original,
        optDouble(section, "attention_factor"),
        optDouble(section, "beta_fast"),
        optDouble(section, "beta_slow"),
        optDouble(section, "mscale"),
        optDouble(section, "mscale_all_dim"),
        optBoolean(section, "truncate", true),
        optDouble(section, "low_freq_factor"),
        optDouble(section, "high_freq_factor"),
        doubles(section, "short_factor", where),
        doubles(section, "long_factor", where),
        optDouble(section, "truncation_wavelength"));
  }

  /**
   * The scaling factor as transformers resolves it: for yarn and longrope derived as
   * max_position_embeddings / original when absent (5.x), required for the other scaled types, and for a
   * 4.x Phi-3 style longrope config always that ratio (see {@link #isTransformers4LongRope}).
   */
  private static Double factor(
      JsonNode root, JsonNode section, String type, String where, Integer original, int maxPositionEmbeddings) {
    Double given = optDouble(section, "factor");
    if (given != null && !(given > 0)) {
      throw new ModelConfigException(where + ".factor must be > 0, got " + given);
    }
    if (isTransformers4LongRope(root, type, where)
        || (given == null && original != null && DERIVED_FACTOR.contains(type))) {
      return (double) maxPositionEmbeddings / original;
    }
    if (given == null && FACTOR_REQUIRED.contains(type)) {
      throw new ModelConfigException(where + ".factor is required for rope type '" + type + "'");
    }
    return given;
  }

  /**
   * A 4.x layout longrope config with a top-level original_max_position_embeddings (Phi-3): transformers
   * 4.x {@code _compute_longrope_parameters} then uses max_position_embeddings / original and ignores any
   * given factor (5.x would keep a given factor; the checkpoint was written for 4.x).
   */
  private static boolean isTransformers4LongRope(JsonNode root, String type, String where) {
    return "longrope".equals(type)
        && "rope_scaling".equals(where)
        && hasValue(root, "original_max_position_embeddings");
  }

  private static boolean hasValue(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  /**
   * original_max_position_embeddings may sit inside the scaling section or (Phi-3) at the top level; the
   * top level wins, as in transformers 5.x {@code standardize_rope_params} and 4.x longrope.
   */
  private static Integer originalMax(JsonNode root, JsonNode section) {
    for (JsonNode node : new JsonNode[] {root, section}) {
      JsonNode value = node.get("original_max_position_embeddings");
      if (value != null && !value.isNull()) {
        if (!value.isIntegralNumber() || value.intValue() <= 0) {
          throw new ModelConfigException(
              "original_max_position_embeddings must be a positive integer, got " + value);
        }
        return value.intValue();
      }
    }
    return null;
  }

  private static double[] doubles(JsonNode section, String field, String where) {
    JsonNode value = section.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw new ModelConfigException(where + "." + field + " must be an array of numbers");
    }
    double[] out = new double[value.size()];
    for (int i = 0; i < out.length; i++) {
      if (!value.get(i).isNumber()) {
        throw new ModelConfigException(where + "." + field + "[" + i + "] must be a number");
      }
      out[i] = value.get(i).doubleValue();
    }
    return out;
  }

  private static JsonNode requireObject(JsonNode node, String field) {
    if (!node.isObject()) {
      throw new ModelConfigException("field '" + field + "' must be an object, got " + node);
    }
    return node;
  }
}

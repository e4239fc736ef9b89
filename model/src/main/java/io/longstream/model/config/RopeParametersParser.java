package io.longstream.model.config;

import static io.longstream.model.config.ModelConfigParser.optBoolean;
import static io.longstream.model.config.ModelConfigParser.optDouble;
import static io.longstream.model.config.ModelConfigParser.optString;

import io.longstream.model.positional.rope.RopeParameters;
import tools.jackson.databind.JsonNode;

/**
 * Reads RoPE settings from either config layout: transformers 4.x ({@code rope_theta} + {@code
 * rope_scaling}) or 5.x ({@code rope_parameters}).
 */
final class RopeParametersParser {

  private static final double DEFAULT_THETA = 10_000.0;

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
    Double factor = optDouble(section, "factor");
    if (factor == null && ("yarn".equals(type) || "longrope".equals(type)) && original != null) {
      factor = (double) maxPositionEmbeddings / original; // transformers 5.x standardisation
    }
    if (factor != null && !(factor > 0)) {
      throw new ModelConfigException(where + ".factor must be > 0, got " + factor);
    }
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

  /** original_max_position_embeddings may sit inside the scaling section or (Phi-3) at the top level. */
  private static Integer originalMax(JsonNode root, JsonNode section) {
    for (JsonNode node : new JsonNode[] {section, root}) {
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

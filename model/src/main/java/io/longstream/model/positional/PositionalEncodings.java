package io.longstream.model.positional;

import ai.djl.ndarray.types.DataType;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.positional.rope.RopeScalings;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** Registry of positional schemes by the name a config gives in {@code longstream_positional_encoding}. */
public final class PositionalEncodings {

  private static final Map<String, BiFunction<ModelConfig, DataType, PositionalEncoding>> FACTORIES =
      new TreeMap<>();

  static {
    FACTORIES.put(RotaryEncoding.NAME, PositionalEncodings::rope);
  }

  private PositionalEncodings() {}

  public static Set<String> known() {
    return FACTORIES.keySet();
  }

  /**
   * Creates the scheme a config names, computing in {@code dataType}.
   *
   * @throws IllegalArgumentException naming the known schemes when the name is unknown
   */
  public static PositionalEncoding create(ModelConfig config, DataType dataType) {
    var factory = FACTORIES.get(config.positionalEncoding());
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown positional encoding '" + config.positionalEncoding() + "'; known: " + known());
    }
    return factory.apply(config, dataType);
  }

  private static PositionalEncoding rope(ModelConfig config, DataType dataType) {
    return new RotaryEncoding(
        RopeScalings.create(config.rope(), config.rotaryDim(), config.maxPositionEmbeddings()),
        config.rotaryLayout(),
        config.headDim(),
        config.rotaryDim(),
        dataType);
  }
}

package io.longstream.model.positional;

import ai.djl.ndarray.types.DataType;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.positional.rope.RopeScalings;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Registry of positional schemes by the name a config gives in {@code longstream_positional_encoding}:
 * {@code rope} (default), {@code nope}, {@code sinusoidal}, {@code learned}, {@code t5}, {@code alibi}.
 * Schemes with learned tensors take them from the {@link ParameterSource} they are created with.
 */
public final class PositionalEncodings {

  /** Builds one scheme for a model. */
  @FunctionalInterface
  private interface Factory {
    PositionalEncoding create(ModelConfig config, DataType dataType, ParameterSource source);
  }

  private static final Map<String, Factory> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put(RotaryEncoding.NAME, (config, dataType, source) -> rope(config, dataType));
    FACTORIES.put(NoPositionalEncoding.NAME, (config, dataType, source) -> new NoPositionalEncoding());
    FACTORIES.put(
        SinusoidalEncoding.NAME, (config, dataType, source) -> new SinusoidalEncoding(config.hiddenSize(), dataType));
    FACTORIES.put(
        LearnedAbsoluteEncoding.NAME,
        (config, dataType, source) ->
            new LearnedAbsoluteEncoding(config.maxPositionEmbeddings(), config.hiddenSize(), source));
    FACTORIES.put(
        T5RelativeBias.NAME,
        (config, dataType, source) ->
            new T5RelativeBias(config.numAttentionHeads(), config.hiddenSize(), dataType, source));
    FACTORIES.put(AlibiEncoding.NAME, (config, dataType, source) -> new AlibiEncoding(config.numAttentionHeads(), dataType));
  }

  private PositionalEncodings() {}

  public static Set<String> known() {
    return FACTORIES.keySet();
  }

  /**
   * Creates the scheme a config names, computing in {@code dataType}, for a scheme without learned
   * tensors.
   *
   * @throws IllegalArgumentException naming the known schemes when the name is unknown
   * @throws IllegalStateException when the scheme has learned tensors (use the three-argument form)
   */
  public static PositionalEncoding create(ModelConfig config, DataType dataType) {
    return create(config, dataType, ParameterSource.none());
  }

  /**
   * Creates the scheme a config names, computing in {@code dataType}, taking any learned tensors from
   * {@code source}: {@link ParameterSource#checkpoint} when loading, {@link ParameterSource#random} for a
   * new model.
   *
   * @throws IllegalArgumentException naming the known schemes when the name is unknown
   */
  public static PositionalEncoding create(ModelConfig config, DataType dataType, ParameterSource source) {
    var factory = FACTORIES.get(config.positionalEncoding());
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown positional encoding '" + config.positionalEncoding() + "'; known: " + known());
    }
    return factory.create(config, dataType, source);
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

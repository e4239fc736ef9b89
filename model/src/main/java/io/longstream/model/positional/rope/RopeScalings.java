package io.longstream.model.positional.rope;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Registry of {@link RopeScaling} types by name, mirroring {@code ROPE_INIT_FUNCTIONS} in transformers. */
public final class RopeScalings {

  /** What a scaling type needs to know about the model besides its {@link RopeParameters}. */
  public record Context(RopeParameters parameters, int rotaryDim, int maxPositionEmbeddings) {

    /** θⱼ of unscaled RoPE for this rotary dimension and base. */
    double[] baseFrequencies() {
      return DefaultRope.baseFrequencies(parameters.theta(), rotaryDim);
    }

    /**
     * The pre-scaling context: {@code original_max_position_embeddings}, else {@code
     * max_position_embeddings} (transformers 5.x {@code standardize_rope_params} does the same for llama3,
     * yarn and longrope).
     */
    int originalMaxPositionEmbeddings() {
      Integer original = parameters.originalMaxPositionEmbeddings();
      return original != null ? original : maxPositionEmbeddings;
    }

    /** {@code value}, or a failure that names the missing field and the type that needs it. */
    <T> T require(T value, String field) {
      if (value == null) {
        throw new IllegalArgumentException(
            "rope type '" + parameters.type() + "' requires '" + field + "' in the rope scaling section");
      }
      return value;
    }

    /** The exponent d/(d−2) of NTK base changes is undefined for a single rotary pair. */
    void requireMoreThanOnePair() {
      if (rotaryDim <= 2) {
        throw new IllegalArgumentException(
            "rope type '" + parameters.type() + "' needs a rotary dimension > 2, got " + rotaryDim);
      }
    }
  }

  private static final Map<String, Function<Context, RopeScaling>> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put(DefaultRope.TYPE, DefaultRope::new);
    FACTORIES.put(LinearRope.TYPE, LinearRope::new);
    FACTORIES.put(DynamicNtkRope.TYPE, DynamicNtkRope::new);
    FACTORIES.put(NtkAwareRope.TYPE, NtkAwareRope::new);
    FACTORIES.put(YarnRope.TYPE, YarnRope::new);
    FACTORIES.put(Llama3Rope.TYPE, Llama3Rope::new);
    FACTORIES.put(LongRope.TYPE, LongRope::new);
    FACTORIES.put(TruncatedRope.TYPE, TruncatedRope::new);
  }

  private RopeScalings() {}

  /** The registered type names, sorted. */
  public static Set<String> knownTypes() {
    return FACTORIES.keySet();
  }

  /**
   * Creates the scaling named by {@code parameters.type()}.
   *
   * @throws IllegalArgumentException naming the known types when the type is unknown, or naming the
   *     field when a parameter the type requires is missing or invalid
   */
  public static RopeScaling create(RopeParameters parameters, int rotaryDim, int maxPositionEmbeddings) {
    Function<Context, RopeScaling> factory = FACTORIES.get(parameters.type());
    if (factory == null) {
      throw new IllegalArgumentException(
          "unsupported rope type '" + parameters.type() + "'; known types: " + knownTypes());
    }
    return factory.apply(new Context(parameters, rotaryDim, maxPositionEmbeddings));
  }
}

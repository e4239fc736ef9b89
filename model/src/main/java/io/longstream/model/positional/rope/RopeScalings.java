package io.longstream.model.positional.rope;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Registry of {@link RopeScaling} types by name, mirroring {@code ROPE_INIT_FUNCTIONS} in transformers. */
public final class RopeScalings {

  /** What a scaling type needs to know about the model besides its {@link RopeParameters}. */
  public record Context(RopeParameters parameters, int rotaryDim, int maxPositionEmbeddings) {}

  private static final Map<String, Function<Context, RopeScaling>> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put(DefaultRope.TYPE, DefaultRope::new);
  }

  private RopeScalings() {}

  /** The registered type names, sorted. */
  public static Set<String> knownTypes() {
    return FACTORIES.keySet();
  }

  /**
   * Creates the scaling named by {@code parameters.type()}.
   *
   * @throws IllegalArgumentException naming the known types when the type is unknown
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

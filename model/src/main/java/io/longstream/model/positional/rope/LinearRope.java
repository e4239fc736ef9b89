package io.longstream.model.positional.rope;

/**
 * Position interpolation (Chen et al. 2023, "Extending Context Window of Large Language Models via
 * Positional Interpolation"; kaiokendev's SuperHOT): θ'ⱼ = θⱼ / factor, attention factor 1. Dividing the
 * frequencies is the same as dividing every position by {@code factor}.
 */
final class LinearRope implements RopeScaling {

  static final String TYPE = "linear";

  private final RopeFrequencies frequencies;

  LinearRope(RopeScalings.Context context) {
    double[] inv = context.baseFrequencies();
    double factor = context.parameters().factor();
    for (int j = 0; j < inv.length; j++) {
      inv[j] /= factor;
    }
    this.frequencies = new RopeFrequencies(inv, 1.0);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public RopeFrequencies frequencies(long sequenceLength) {
    return frequencies;
  }
}

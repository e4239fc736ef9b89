package io.longstream.model.positional.rope;

/** Unscaled RoPE (Su et al. 2021): θⱼ = base^(−2j/d), attention factor 1. */
final class DefaultRope implements RopeScaling {

  static final String TYPE = "default";

  private final RopeFrequencies frequencies;

  DefaultRope(RopeScalings.Context context) {
    this.frequencies = new RopeFrequencies(baseFrequencies(context.parameters().theta(), context.rotaryDim()), 1.0);
  }

  /** θⱼ = base^(−2j/d) for j = 0 … d/2 − 1, computed as transformers does: 1 / base^(2j/d). */
  static double[] baseFrequencies(double base, int rotaryDim) {
    double[] inv = new double[rotaryDim / 2];
    for (int j = 0; j < inv.length; j++) {
      inv[j] = 1.0 / Math.pow(base, (2.0 * j) / rotaryDim);
    }
    return inv;
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

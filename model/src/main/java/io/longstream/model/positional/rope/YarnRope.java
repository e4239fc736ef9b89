package io.longstream.model.positional.rope;

/**
 * YaRN (Peng et al. 2023, "YaRN: Efficient Context Window Extension of Large Language Models"), as
 * transformers' {@code _compute_yarn_parameters} computes it: NTK-by-parts interpolation plus an
 * attention temperature.
 *
 * <p>With s = factor, L = {@code original_max_position_embeddings} (else {@code max_position_embeddings})
 * and corr(r) = d · ln(L / (2π r)) / (2 ln base), the ramp runs from low = corr(β_fast) to high =
 * corr(β_slow) (floored and ceiled when {@code truncate}, then clamped to [0, d − 1]):
 *
 * <pre>
 * rampⱼ = clamp((j − low) / (high − low), 0, 1)      j = 0 … d/2 − 1
 * θ'ⱼ   = (θⱼ / s) · rampⱼ + θⱼ · (1 − rampⱼ)
 * </pre>
 *
 * so fast pairs (many rotations over L) keep θⱼ and slow pairs are interpolated. The attention factor is
 * {@code attention_factor} when given, else m(s, mscale) / m(s, mscale_all_dim) when both are set
 * (DeepSeek), else m(s, 1), with m(s, k) = 0.1 k ln s + 1 for s > 1 and 1 otherwise.
 *
 * <p>The paper ramps linearly in the number of rotations; the reference code, transformers and ggml ramp
 * linearly in the pair index. We follow the code, which is what checkpoints were trained with.
 */
final class YarnRope implements RopeScaling {

  static final String TYPE = "yarn";

  private static final double DEFAULT_BETA_FAST = 32;
  private static final double DEFAULT_BETA_SLOW = 1;

  private final RopeFrequencies frequencies;

  YarnRope(RopeScalings.Context context) {
    this.frequencies = new RopeFrequencies(inverseFrequencies(context), attentionFactor(context.parameters()));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public RopeFrequencies frequencies(long sequenceLength) {
    return frequencies;
  }

  private static double[] inverseFrequencies(RopeScalings.Context context) {
    RopeParameters p = context.parameters();
    double[] inv = context.baseFrequencies();
    double[] range = correctionRange(context);
    double low = range[0];
    // transformers nudges a degenerate range to avoid dividing by zero.
    double high = range[0] == range[1] ? range[1] + 0.001 : range[1];
    for (int j = 0; j < inv.length; j++) {
      double ramp = Math.min(1.0, Math.max(0.0, (j - low) / (high - low)));
      double extrapolation = 1.0 - ramp;
      inv[j] = (inv[j] / p.factor()) * (1.0 - extrapolation) + inv[j] * extrapolation;
    }
    return inv;
  }

  /** [low, high] pair indices of the ramp; clamped to d − 1 (not d/2 − 1), as transformers does. */
  private static double[] correctionRange(RopeScalings.Context context) {
    RopeParameters p = context.parameters();
    double low = correctionDim(orDefault(p.betaFast(), DEFAULT_BETA_FAST), context);
    double high = correctionDim(orDefault(p.betaSlow(), DEFAULT_BETA_SLOW), context);
    if (p.truncate()) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    return new double[] {Math.max(low, 0), Math.min(high, context.rotaryDim() - 1)};
  }

  /** The (fractional) pair index whose wavelength fits {@code rotations} times into the original context. */
  private static double correctionDim(double rotations, RopeScalings.Context context) {
    double original = context.originalMaxPositionEmbeddings();
    return (context.rotaryDim() * Math.log(original / (rotations * 2 * Math.PI)))
        / (2 * Math.log(context.parameters().theta()));
  }

  static double attentionFactor(RopeParameters p) {
    if (p.attentionFactor() != null) {
      return p.attentionFactor();
    }
    if (isSet(p.mscale()) && isSet(p.mscaleAllDim())) {
      return mscale(p.factor(), p.mscale()) / mscale(p.factor(), p.mscaleAllDim());
    }
    return mscale(p.factor(), 1.0);
  }

  /** YaRN's temperature: √(1/t) = 0.1 · k · ln s + 1 for s > 1. */
  private static double mscale(double scale, double k) {
    return scale <= 1 ? 1.0 : 0.1 * k * Math.log(scale) + 1.0;
  }

  // transformers tests these with Python truthiness: 0 and None both mean "not set".
  private static boolean isSet(Double value) {
    return value != null && value != 0.0;
  }

  private static double orDefault(Double value, double fallback) {
    return isSet(value) ? value : fallback;
  }
}

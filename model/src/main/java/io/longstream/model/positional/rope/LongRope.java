package io.longstream.model.positional.rope;

/**
 * LongRoPE (Ding et al. 2024, "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens"; Phi-3),
 * as transformers' {@code _compute_longrope_parameters}: one searched rescale factor λⱼ per pair,
 *
 * <pre>θ'ⱼ = 1 / (λⱼ · base^(2j/d)),   λ = long_factor if seqLen &gt; L, else short_factor</pre>
 *
 * with L = {@code original_max_position_embeddings} (else {@code max_position_embeddings}). The attention
 * factor is {@code attention_factor} when given, else 1 for factor ≤ 1, else √(1 + ln(factor) / ln L).
 *
 * <p>The factor itself comes from {@link RopeParameters#factor()}; the config parser sets it to
 * max_position_embeddings / L when the config gives none and, for transformers 4.x configs with a
 * top-level {@code original_max_position_embeddings} (Phi-3), always, as transformers 4.x did.
 *
 * <p>Switching between short and long factors changes θ for every position, so keys cached under one
 * set are not exactly re-positionable under the other.
 */
final class LongRope implements RopeScaling {

  static final String TYPE = "longrope";

  private final int originalMaxPositionEmbeddings;
  private final RopeFrequencies shortContext;
  private final RopeFrequencies longContext;

  LongRope(RopeScalings.Context context) {
    RopeParameters p = context.parameters();
    double[] shortFactor = checkedFactors(context, p.shortFactor(), "short_factor");
    double[] longFactor = checkedFactors(context, p.longFactor(), "long_factor");
    this.originalMaxPositionEmbeddings = context.originalMaxPositionEmbeddings();
    double attention = attentionFactor(p, originalMaxPositionEmbeddings);
    double[] base = context.baseFrequencies();
    this.shortContext = new RopeFrequencies(rescale(base, shortFactor), attention);
    this.longContext = new RopeFrequencies(rescale(base, longFactor), attention);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public RopeFrequencies frequencies(long sequenceLength) {
    return sequenceLength > originalMaxPositionEmbeddings ? longContext : shortContext;
  }

  @Override
  public boolean dependsOnSequenceLength() {
    return true;
  }

  private static double[] checkedFactors(RopeScalings.Context context, double[] factors, String field) {
    context.require(factors, field);
    int pairs = context.rotaryDim() / 2;
    if (factors.length != pairs) {
      throw new IllegalArgumentException(
          "rope type 'longrope': '" + field + "' must have rotaryDim / 2 = " + pairs
              + " entries (one per rotary pair), got " + factors.length);
    }
    return factors;
  }

  static double attentionFactor(RopeParameters p, int original) {
    if (p.attentionFactor() != null) {
      return p.attentionFactor();
    }
    return p.factor() <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(p.factor()) / Math.log(original));
  }

  private static double[] rescale(double[] base, double[] factors) {
    double[] inv = new double[base.length];
    for (int j = 0; j < inv.length; j++) {
      inv[j] = base[j] / factors[j];
    }
    return inv;
  }
}

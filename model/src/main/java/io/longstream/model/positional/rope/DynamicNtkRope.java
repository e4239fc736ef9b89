package io.longstream.model.positional.rope;

/**
 * Dynamic NTK scaling (bloc97 and emozilla, r/LocalLLaMA 2023), exactly as transformers'
 * {@code _compute_dynamic_ntk_parameters}: with L = max(seqLen, max_position_embeddings),
 *
 * <pre>base' = base · (factor · L / max_position_embeddings − (factor − 1))^(d / (d − 2)),  θ'ⱼ = base'^(−2j/d)</pre>
 *
 * and attention factor 1. Up to {@code max_position_embeddings} this is plain RoPE; beyond it the base
 * grows with the sequence. transformers uses {@code max_position_embeddings} here, not an original
 * context, so neither do we.
 */
final class DynamicNtkRope implements RopeScaling {

  static final String TYPE = "dynamic";

  private final double theta;
  private final double factor;
  private final int rotaryDim;
  private final int maxPositionEmbeddings;
  private final RopeFrequencies withinTrainedContext;

  DynamicNtkRope(RopeScalings.Context context) {
    context.requireMoreThanOnePair();
    this.theta = context.parameters().theta();
    this.factor = context.parameters().factor();
    this.rotaryDim = context.rotaryDim();
    this.maxPositionEmbeddings = context.maxPositionEmbeddings();
    this.withinTrainedContext = compute(maxPositionEmbeddings);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public RopeFrequencies frequencies(long sequenceLength) {
    return sequenceLength <= maxPositionEmbeddings ? withinTrainedContext : compute(sequenceLength);
  }

  @Override
  public boolean dependsOnSequenceLength() {
    return true;
  }

  private RopeFrequencies compute(long length) {
    // Same operation order as transformers so that the base agrees to the last bit.
    double stretch = (factor * length / maxPositionEmbeddings) - (factor - 1);
    double base = theta * Math.pow(stretch, (double) rotaryDim / (rotaryDim - 2));
    return new RopeFrequencies(DefaultRope.baseFrequencies(base, rotaryDim), 1.0);
  }
}

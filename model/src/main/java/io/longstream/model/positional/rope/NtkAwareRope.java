package io.longstream.model.positional.rope;

/**
 * Static NTK-aware scaling (bloc97, r/LocalLLaMA "NTK-Aware Scaled RoPE", 2023): change the base once,
 *
 * <pre>base' = base · factor^(d / (d − 2)),  θ'ⱼ = base'^(−2j/d)</pre>
 *
 * with attention factor 1. The exponent makes the lowest frequency θ_{d/2−1} exactly θ_{d/2−1} / factor
 * (interpolated like {@link LinearRope}) while θ₀ = 1 is kept (extrapolated), spreading the change over
 * the pairs in between.
 *
 * <p>Not a transformers type: transformers only ships the dynamic variant ({@link DynamicNtkRope}). This
 * is the fixed form used by llama.cpp-era "alpha" scaling; the name {@code ntk} is a longstream
 * extension, tested against the formula rather than against transformers.
 */
final class NtkAwareRope implements RopeScaling {

  static final String TYPE = "ntk";

  private final RopeFrequencies frequencies;

  NtkAwareRope(RopeScalings.Context context) {
    context.requireMoreThanOnePair();
    int dim = context.rotaryDim();
    double base = context.parameters().theta() * Math.pow(context.parameters().factor(), (double) dim / (dim - 2));
    this.frequencies = new RopeFrequencies(DefaultRope.baseFrequencies(base, dim), 1.0);
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

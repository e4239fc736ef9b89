package io.longstream.model.positional.rope;

/**
 * Llama 3.1 frequency scaling (Meta, "The Llama 3 Herd of Models", 2024; transformers'
 * {@code _compute_llama3_parameters}). With wavelength λⱼ = 2π/θⱼ, L = {@code
 * original_max_position_embeddings} (else {@code max_position_embeddings}), λ_low = L / low_freq_factor
 * and λ_high = L / high_freq_factor:
 *
 * <pre>
 * θ'ⱼ = θⱼ / factor                          if λⱼ &gt; λ_low   (slow pairs: interpolate)
 * θ'ⱼ = θⱼ                                   if λⱼ &lt; λ_high  (fast pairs: keep)
 * θ'ⱼ = (1 − s) θⱼ / factor + s θⱼ,  s = (L/λⱼ − low_freq_factor) / (high_freq_factor − low_freq_factor)
 * </pre>
 *
 * and attention factor 1. Llama-3.1: factor 8, low 1, high 4, L 8192, base 500000.
 */
final class Llama3Rope implements RopeScaling {

  static final String TYPE = "llama3";

  private final RopeFrequencies frequencies;

  Llama3Rope(RopeScalings.Context context) {
    RopeParameters p = context.parameters();
    double low = context.require(p.lowFreqFactor(), "low_freq_factor");
    double high = context.require(p.highFreqFactor(), "high_freq_factor");
    if (!(high > low)) {
      // transformers only warns, but equal factors divide by zero in the smoothing band.
      throw new IllegalArgumentException(
          "rope type 'llama3' needs high_freq_factor > low_freq_factor, got " + high + " and " + low);
    }
    double[] inv = context.baseFrequencies();
    double original = context.originalMaxPositionEmbeddings();
    for (int j = 0; j < inv.length; j++) {
      inv[j] = scale(inv[j], p.factor(), original, low, high);
    }
    this.frequencies = new RopeFrequencies(inv, 1.0);
  }

  private static double scale(double inv, double factor, double original, double low, double high) {
    double wavelength = 2 * Math.PI / inv;
    if (wavelength > original / low) {
      return inv / factor;
    }
    if (wavelength < original / high) {
      return inv;
    }
    double smooth = (original / wavelength - low) / (high - low);
    return (1 - smooth) * inv / factor + smooth * inv;
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

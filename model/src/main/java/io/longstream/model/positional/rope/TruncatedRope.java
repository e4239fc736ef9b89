package io.longstream.model.positional.rope;

/**
 * Truncated basis (Pal et al. 2023, "Giraffe: Adventures in Expanding Context Lengths in LLMs";
 * abacusai/Long-Context {@code python/models/interpolate.py}, {@code truncate_frequency}). With cut-off
 * wavelength T = {@code truncation_wavelength}, b = 2π/T, a = b/8 and ρ = 2π/(16T) = b/16:
 *
 * <pre>
 * θ*ⱼ = θⱼ   if θⱼ ≥ b        (fast pairs, wavelength ≤ T: kept)
 * θ*ⱼ = ρ    if a ≤ θⱼ &lt; b    (middle band: one fixed slow frequency)
 * θ*ⱼ = 0    if θⱼ &lt; a        (slowest pairs: no rotation, position-free)
 * </pre>
 *
 * and attention factor 1. Like the reference, {@code factor} first divides θⱼ (linear interpolation)
 * before truncating; the reference skips scales ≤ 1, we divide by any factor (identical for factor ≥ 1).
 *
 * <p>Not a transformers type; the name {@code truncated} and the {@code truncation_wavelength} field are
 * longstream extensions, tested against the formula.
 */
final class TruncatedRope implements RopeScaling {

  static final String TYPE = "truncated";

  /** The reference puts the zero band three octaves below the cut-off: a = b / 8. */
  private static final double ZERO_BAND_DIVISOR = 8;

  private final RopeFrequencies frequencies;

  TruncatedRope(RopeScalings.Context context) {
    double wavelength = context.require(context.parameters().truncationWavelength(), "truncation_wavelength");
    if (!(wavelength > 0) || Double.isInfinite(wavelength)) {
      throw new IllegalArgumentException(
          "rope type 'truncated' needs truncation_wavelength > 0 (tokens), got " + wavelength);
    }
    double cutoff = 2 * Math.PI / wavelength;
    double rho = 2 * Math.PI / (wavelength * 16);
    double[] inv = context.baseFrequencies();
    for (int j = 0; j < inv.length; j++) {
      inv[j] = truncate(inv[j] / context.parameters().factor(), cutoff, rho);
    }
    this.frequencies = new RopeFrequencies(inv, 1.0);
  }

  static double truncate(double theta, double cutoff, double rho) {
    if (theta >= cutoff) {
      return theta;
    }
    return theta >= cutoff / ZERO_BAND_DIVISOR ? rho : 0.0;
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

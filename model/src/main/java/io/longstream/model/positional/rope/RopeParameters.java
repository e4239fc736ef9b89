package io.longstream.model.positional.rope;

import java.util.Arrays;
import java.util.Objects;

/**
 * The RoPE section of a Hugging Face {@code config.json}, parsed once and validated.
 *
 * <p>Both layouts are accepted by {@link io.longstream.model.config.ModelConfigParser}: transformers 4.x
 * ({@code rope_theta} at the top level plus an optional {@code rope_scaling} object with {@code rope_type}
 * or legacy {@code type}) and transformers 5.x ({@code rope_parameters} carrying {@code rope_type},
 * {@code rope_theta} and the scaling fields). Optional fields are {@code null} when absent so that each
 * scaling type can apply the same defaults as {@code transformers.modeling_rope_utils}.
 *
 * @param type rope type name, one of {@link RopeScalings#knownTypes()}
 * @param theta base of the frequencies ({@code rope_theta})
 * @param factor scaling factor ({@code factor}); 1 when absent
 * @param originalMaxPositionEmbeddings trained context before scaling, or null
 * @param attentionFactor explicit attention factor (yarn, longrope), or null
 * @param betaFast yarn {@code beta_fast}, or null (32)
 * @param betaSlow yarn {@code beta_slow}, or null (1)
 * @param mscale yarn {@code mscale}, or null
 * @param mscaleAllDim yarn {@code mscale_all_dim}, or null
 * @param truncate yarn {@code truncate}: floor/ceil the correction range (transformers default true)
 * @param lowFreqFactor llama3 {@code low_freq_factor}, or null
 * @param highFreqFactor llama3 {@code high_freq_factor}, or null
 * @param shortFactor longrope {@code short_factor} (one per rotary pair), or null
 * @param longFactor longrope {@code long_factor}, or null
 * @param truncationWavelength truncated basis (Giraffe) cut-off wavelength T in tokens
 *     ({@code truncation_wavelength}, a longstream extension), or null
 */
public record RopeParameters(
    String type,
    double theta,
    double factor,
    Integer originalMaxPositionEmbeddings,
    Double attentionFactor,
    Double betaFast,
    Double betaSlow,
    Double mscale,
    Double mscaleAllDim,
    boolean truncate,
    Double lowFreqFactor,
    Double highFreqFactor,
    double[] shortFactor,
    double[] longFactor,
    Double truncationWavelength) {

  public RopeParameters {
    Objects.requireNonNull(type, "rope type");
    if (!(theta > 0)) {
      throw new IllegalArgumentException("rope_theta must be > 0, got " + theta);
    }
    if (!(factor > 0)) {
      throw new IllegalArgumentException("rope scaling factor must be > 0, got " + factor);
    }
  }

  /** Plain RoPE with the given base and no scaling. */
  public static RopeParameters unscaled(double theta) {
    return new RopeParameters(
        "default", theta, 1.0, null, null, null, null, null, null, true, null, null, null, null, null);
  }

  /** The same parameters with another type and factor (used to try scaling at inference time). */
  public RopeParameters withScaling(String newType, double newFactor) {
    return new RopeParameters(
        newType,
        theta,
        newFactor,
        originalMaxPositionEmbeddings,
        attentionFactor,
        betaFast,
        betaSlow,
        mscale,
        mscaleAllDim,
        truncate,
        lowFreqFactor,
        highFreqFactor,
        shortFactor,
        longFactor,
        truncationWavelength);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RopeParameters r
        && type.equals(r.type)
        && theta == r.theta
        && factor == r.factor
        && Objects.equals(originalMaxPositionEmbeddings, r.originalMaxPositionEmbeddings)
        && Objects.equals(attentionFactor, r.attentionFactor)
        && Objects.equals(betaFast, r.betaFast)
        && Objects.equals(betaSlow, r.betaSlow)
        && Objects.equals(mscale, r.mscale)
        && Objects.equals(mscaleAllDim, r.mscaleAllDim)
        && truncate == r.truncate
        && Objects.equals(lowFreqFactor, r.lowFreqFactor)
        && Objects.equals(highFreqFactor, r.highFreqFactor)
        && Arrays.equals(shortFactor, r.shortFactor)
        && Arrays.equals(longFactor, r.longFactor)
        && Objects.equals(truncationWavelength, r.truncationWavelength);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, theta, factor, originalMaxPositionEmbeddings);
  }

  @Override
  public String toString() {
    return "RopeParameters[type=" + type + ", theta=" + theta + ", factor=" + factor + "]";
  }
}

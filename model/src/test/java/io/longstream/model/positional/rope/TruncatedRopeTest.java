package io.longstream.model.positional.rope;

import static io.longstream.model.positional.rope.RopeTestConfigs.rope5;
import static io.longstream.model.positional.rope.RopeTestConfigs.unscaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Giraffe's truncated basis: no transformers function exists, so the formula of abacusai/Long-Context
 * {@code truncate_frequency} is the oracle.
 */
class TruncatedRopeTest {

  private static final double EPS = 1e-15;

  @Test
  void shouldKeepFastPairsSetMiddlePairsToRhoAndZeroSlowPairs() {
    // d = 8, base 1e4: θ = [1, 0.1, 0.01, 0.001]. T = 100: b = 2π/100 ≈ 0.0628, a = b/8 ≈ 0.00785,
    // ρ = 2π/1600 ≈ 0.00393. So 1 and 0.1 stay, 0.01 (a ≤ θ < b) becomes ρ, 0.001 (< a) becomes 0.
    RopeFrequencies truncated =
        rope5(8, 2048, "{\"rope_type\": \"truncated\", \"truncation_wavelength\": 100}").frequencies(1);

    assertThat(truncated.inverseFrequencies())
        .containsExactly(new double[] {1.0, 0.1, 2 * Math.PI / 1600, 0.0}, within(EPS));
    assertThat(truncated.attentionFactor()).isEqualTo(1.0);
  }

  @Test
  void shouldInterpolateBeforeTruncatingLikeTheReference() {
    // θ/2 = [0.5, 0.05, 0.005, 0.0005]: 0.05 < b → ρ; 0.005 < a → 0.
    double[] truncated = rope5(8, 2048,
            "{\"rope_type\": \"truncated\", \"factor\": 2.0, \"truncation_wavelength\": 100}")
        .frequencies(1).inverseFrequencies();

    assertThat(truncated).containsExactly(new double[] {0.5, 2 * Math.PI / 1600, 0.0, 0.0}, within(EPS));
  }

  @Test
  void shouldKeepFrequencyExactlyAtCutoffAndZeroJustBelowTheLowerBand() {
    double b = 2 * Math.PI / 100;
    double rho = b / 16;

    assertThat(TruncatedRope.truncate(b, b, rho)).isEqualTo(b);
    assertThat(TruncatedRope.truncate(Math.nextDown(b), b, rho)).isEqualTo(rho);
    assertThat(TruncatedRope.truncate(b / 8, b, rho)).isEqualTo(rho);
    assertThat(TruncatedRope.truncate(Math.nextDown(b / 8), b, rho)).isEqualTo(0.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {16, 512, 4096, 1e6})
  void shouldOnlyProduceOriginalRhoOrZeroInNonIncreasingOrder(double wavelength) {
    double[] truncated = rope5(128, 2048,
            "{\"rope_type\": \"truncated\", \"rope_theta\": 500000.0, \"truncation_wavelength\": " + wavelength + "}")
        .frequencies(1).inverseFrequencies();
    double[] plain = unscaled(500_000, 128);
    double rho = 2 * Math.PI / (16 * wavelength);

    for (int j = 0; j < plain.length; j++) {
      assertThat(truncated[j]).as("pair %d", j).isIn(plain[j], rho, 0.0);
      if (j > 0) {
        assertThat(truncated[j]).isLessThanOrEqualTo(truncated[j - 1]);
      }
    }
  }

  @Test
  void shouldRequireTruncationWavelength() {
    assertThatThrownBy(() -> rope5(8, 2048, "{\"rope_type\": \"truncated\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncation_wavelength");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -100})
  void shouldRejectNonPositiveTruncationWavelength(double wavelength) {
    assertThatThrownBy(() -> rope5(8, 2048,
            "{\"rope_type\": \"truncated\", \"truncation_wavelength\": " + wavelength + "}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncation_wavelength");
  }
}

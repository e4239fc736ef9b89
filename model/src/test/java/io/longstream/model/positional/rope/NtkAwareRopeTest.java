package io.longstream.model.positional.rope;

import static io.longstream.model.positional.rope.RopeTestConfigs.rope5;
import static io.longstream.model.positional.rope.RopeTestConfigs.unscaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Static NTK-aware base change: no transformers function exists, so the formula is the oracle. */
class NtkAwareRopeTest {

  private static final double EPS = 1e-12;

  @Test
  void shouldMatchHandComputedFrequencies() {
    // d = 8, base 1e4, factor 4: base' = 1e4 · 4^(8/6), so θ'ⱼ = 10^(−j) · 4^(−j/3).
    double[] ntk = rope5(8, 2048, "{\"rope_type\": \"ntk\", \"factor\": 4.0}").frequencies(1).inverseFrequencies();

    assertThat(ntk).containsExactly(
        new double[] {1.0, 0.06299605249474366, 0.003968502629920499, 0.00025}, within(EPS));
  }

  @ParameterizedTest
  @CsvSource({"8, 2.0", "64, 4.0", "128, 8.0", "128, 3.0"})
  void shouldKeepFastestAndInterpolateSlowestPairExactly(int dim, double factor) {
    RopeFrequencies ntk = rope5(dim, 2048, "{\"rope_type\": \"ntk\", \"factor\": " + factor + "}").frequencies(1);
    double[] plain = unscaled(10_000, dim);
    int last = plain.length - 1;

    assertThat(ntk.inverseFrequencies()[0]).isEqualTo(1.0);
    assertThat(ntk.inverseFrequencies()[last]).isCloseTo(plain[last] / factor, within(plain[last] * 1e-12));
    assertThat(ntk.attentionFactor()).isEqualTo(1.0);
  }

  @ParameterizedTest
  @CsvSource({"8, 2.0", "64, 4.0", "128, 8.0"})
  void shouldScaleEachPairByFactorToTheMinus2jOverDMinus2(int dim, double factor) {
    double[] ntk = rope5(dim, 2048, "{\"rope_type\": \"ntk\", \"factor\": " + factor + "}")
        .frequencies(1).inverseFrequencies();
    double[] plain = unscaled(10_000, dim);

    for (int j = 0; j < plain.length; j++) {
      double expected = plain[j] * Math.pow(factor, -2.0 * j / (dim - 2));
      assertThat(ntk[j]).as("pair %d", j).isCloseTo(expected, within(expected * 1e-12));
    }
  }

  @Test
  void shouldEqualDefaultWithFactorOne() {
    double[] ntk = rope5(64, 2048, "{\"rope_type\": \"ntk\", \"factor\": 1.0}").frequencies(1).inverseFrequencies();

    assertThat(ntk).containsExactly(unscaled(10_000, 64), within(EPS));
  }
}

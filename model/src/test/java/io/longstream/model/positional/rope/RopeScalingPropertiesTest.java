package io.longstream.model.positional.rope;

import static io.longstream.model.positional.rope.RopeTestConfigs.rope5;
import static io.longstream.model.positional.rope.RopeTestConfigs.unscaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Relations between the scaling types that hold for any configuration, independent of transformers. */
class RopeScalingPropertiesTest {

  private static final double EPS = 1e-12;

  @ParameterizedTest
  @CsvSource({"8, 2.0", "64, 4.0", "128, 8.0", "128, 1.5"})
  void shouldDivideDefaultFrequenciesByFactorForLinear(int dim, double factor) {
    double[] linear = frequencies(rope5(dim, 4096, "{\"rope_type\": \"linear\", \"factor\": " + factor + "}"), 1);
    double[] plain = unscaled(10_000, dim);

    for (int j = 0; j < plain.length; j++) {
      assertThat(linear[j]).isCloseTo(plain[j] / factor, within(EPS));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 100, 2047, 2048})
  void shouldEqualDefaultForDynamicWithinMaxPositions(long seqLen) {
    RopeScaling dynamic = rope5(64, 2048, "{\"rope_type\": \"dynamic\", \"factor\": 4.0}");

    assertThat(dynamic.frequencies(seqLen).inverseFrequencies()).containsExactly(unscaled(10_000, 64), within(EPS));
    assertThat(dynamic.frequencies(seqLen).attentionFactor()).isEqualTo(1.0);
  }

  @Test
  void shouldLowerEverySlowFrequencyAsDynamicSequenceGrows() {
    RopeScaling dynamic = rope5(64, 2048, "{\"rope_type\": \"dynamic\", \"factor\": 2.0}");
    double[] shorter = frequencies(dynamic, 4096);
    double[] longer = frequencies(dynamic, 8192);

    assertThat(dynamic.dependsOnSequenceLength()).isTrue();
    assertThat(longer[0]).isEqualTo(1.0);
    for (int j = 1; j < longer.length; j++) {
      assertThat(longer[j]).isLessThan(shorter[j]);
    }
  }

  @Test
  void shouldEqualDefaultForYarnWithFactorOne() {
    RopeFrequencies yarn =
        rope5(128, 4096, "{\"rope_type\": \"yarn\", \"factor\": 1.0, \"original_max_position_embeddings\": 4096}")
            .frequencies(4096);

    assertThat(yarn.inverseFrequencies()).containsExactly(unscaled(10_000, 128), within(EPS));
    assertThat(yarn.attentionFactor()).isEqualTo(1.0);
  }

  @Test
  void shouldKeepFastPairsAndInterpolateSlowPairsForYarn() {
    double[] yarn = frequencies(
        rope5(128, 16384, "{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 4096}"),
        1);
    double[] plain = unscaled(10_000, 128);

    // With base 1e4, L 4096: low = floor(corr(32)) = 20, high = ceil(corr(1)) = 46.
    for (int j = 0; j <= 20; j++) {
      assertThat(yarn[j]).as("pair %d extrapolated", j).isCloseTo(plain[j], within(EPS));
    }
    for (int j = 46; j < plain.length; j++) {
      assertThat(yarn[j]).as("pair %d interpolated", j).isCloseTo(plain[j] / 4.0, within(EPS));
    }
    for (int j = 21; j < 46; j++) {
      assertThat(yarn[j]).as("pair %d blended", j).isStrictlyBetween(plain[j] / 4.0, plain[j]);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {2.0, 4.0, 16.0, 40.0})
  void shouldUseYarnTemperatureForAttentionFactor(double factor) {
    RopeScaling yarn = rope5(64, 4096, "{\"rope_type\": \"yarn\", \"factor\": " + factor + "}");

    assertThat(yarn.frequencies(1).attentionFactor()).isCloseTo(0.1 * Math.log(factor) + 1, within(EPS));
  }

  @Test
  void shouldCancelYarnTemperatureWhenMscaleEqualsMscaleAllDim() {
    RopeScaling yarn = rope5(64, 4096,
        "{\"rope_type\": \"yarn\", \"factor\": 40.0, \"mscale\": 0.707, \"mscale_all_dim\": 0.707}");

    assertThat(yarn.frequencies(1).attentionFactor()).isEqualTo(1.0);
  }

  @Test
  void shouldKeepHighFrequenciesAndDivideLowFrequenciesForLlama3() {
    double[] llama3 = frequencies(rope5(128, 131072, "{\"rope_type\": \"llama3\", \"rope_theta\": 500000.0,"
        + " \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
        + " \"original_max_position_embeddings\": 8192}"), 1);
    double[] plain = unscaled(500_000, 128);

    for (int j = 0; j < plain.length; j++) {
      double wavelength = 2 * Math.PI / plain[j];
      if (wavelength < 8192 / 4.0) {
        assertThat(llama3[j]).as("pair %d", j).isEqualTo(plain[j]);
      } else if (wavelength > 8192) {
        assertThat(llama3[j]).as("pair %d", j).isCloseTo(plain[j] / 8, within(EPS));
      } else {
        assertThat(llama3[j]).as("pair %d", j).isBetween(plain[j] / 8, plain[j]);
      }
    }
  }

  @Test
  void shouldEqualDefaultForLongRopeWithUnitFactors() {
    String ones = "[1.0, 1.0, 1.0, 1.0]";
    RopeScaling longRope = rope5(8, 4096, "{\"rope_type\": \"longrope\", \"original_max_position_embeddings\": 1024,"
        + " \"short_factor\": " + ones + ", \"long_factor\": " + ones + "}");

    assertThat(frequencies(longRope, 100)).containsExactly(unscaled(10_000, 8), within(EPS));
    assertThat(frequencies(longRope, 100_000)).containsExactly(unscaled(10_000, 8), within(EPS));
  }

  @Test
  void shouldSwitchLongRopeToLongFactorsBeyondOriginalContext() {
    RopeScaling longRope = rope5(8, 8192, "{\"rope_type\": \"longrope\", \"original_max_position_embeddings\": 1024,"
        + " \"short_factor\": [1, 1, 1, 1], \"long_factor\": [1, 2, 4, 8]}");
    double[] plain = unscaled(10_000, 8);

    assertThat(longRope.dependsOnSequenceLength()).isTrue();
    assertThat(frequencies(longRope, 1024)).containsExactly(plain, within(EPS));
    assertThat(frequencies(longRope, 1025))
        .containsExactly(new double[] {plain[0], plain[1] / 2, plain[2] / 4, plain[3] / 8}, within(EPS));
    // factor = 8192 / 1024 = 8 from the original context; the same attention factor for both sets.
    double attention = Math.sqrt(1 + Math.log(8) / Math.log(1024));
    assertThat(longRope.frequencies(1).attentionFactor()).isCloseTo(attention, within(EPS));
    assertThat(longRope.frequencies(1025).attentionFactor()).isCloseTo(attention, within(EPS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "linear", "ntk", "yarn", "llama3"})
  void shouldNotDependOnSequenceLengthForStaticTypes(String type) {
    RopeScaling scaling = rope5(64, 4096, "{\"rope_type\": \"" + type + "\", \"factor\": 2.0,"
        + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 1024}");

    assertThat(scaling.dependsOnSequenceLength()).isFalse();
    assertThat(scaling.frequencies(1)).isSameAs(scaling.frequencies(1_000_000));
  }

  private static double[] frequencies(RopeScaling scaling, long seqLen) {
    return scaling.frequencies(seqLen).inverseFrequencies();
  }
}

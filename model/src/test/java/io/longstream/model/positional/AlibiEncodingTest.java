package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AlibiEncodingTest {

  @Test
  void shouldMatchFairseqGetSlopesAndBloomForEveryHeadCount() {
    for (JsonNode c : ReferenceCases.load().get("alibi_slopes")) {
      int heads = c.get("heads").asInt();
      double[] fairseq = ReferenceCases.doubles(c.get("slopes"));
      double[] bloom = ReferenceCases.doubles(c.get("bloom_float32"));
      double[] ours = AlibiEncoding.slopes(heads);
      assertThat(ours).as("H=%d", heads).hasSize(heads);
      for (int h = 0; h < heads; h++) {
        assertThat(ours[h]).as("H=%d h=%d", heads, h).isCloseTo(fairseq[h], within(1e-15 * fairseq[h]));
        // BLOOM raises a float32 base to integer powers in float32: equal to float32 precision.
        assertThat(ours[h]).isCloseTo(bloom[h], within(1e-6 * bloom[h]));
      }
    }
  }

  @Test
  void shouldUseTheGeometricSequenceOfThePaperForPowersOfTwo() {
    double[] eight = AlibiEncoding.slopes(8);
    for (int h = 0; h < 8; h++) {
      assertThat(eight[h]).isEqualTo(Math.pow(2, -(h + 1)));
    }
    // 12 heads: the 8 slopes, then every other of the 16-head slopes 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5.
    double[] twelve = AlibiEncoding.slopes(12);
    assertThat(twelve).startsWith(eight);
    for (int k = 0; k < 4; k++) {
      assertThat(twelve[8 + k]).isCloseTo(Math.pow(2, -(k + 0.5)), within(1e-15));
    }
  }

  @Test
  void shouldAddMinusSlopeTimesDistanceForEveryHeadQueryAndKey() {
    long[] queries = {5, 6, 1_000_000};
    long[] keys = {0, 1, 5, 6, 999_990, 7};
    AlibiEncoding alibi = new AlibiEncoding(3, DataType.FLOAT32);
    double[] m = alibi.slopes();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray bias = alibi.prepare(manager, new StepPositions(queries, keys, 1_000_001)).attentionBias();
      assertThat(bias.getShape().getShape()).containsExactly(3, 3, 6);
      float[] b = bias.toFloatArray();
      for (int h = 0; h < 3; h++) {
        for (int t = 0; t < 3; t++) {
          for (int k = 0; k < 6; k++) {
            double expected = -m[h] * (queries[t] - keys[k]);
            assertThat((double) b[(h * 3 + t) * 6 + k]).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
          }
        }
      }
      assertThat(alibi.prepare(manager, StepPositions.selfAttention(new long[] {0, 1})).embed(bias)).isSameAs(bias);
    }
    assertThat(alibi.parameters()).isEmpty();
  }

  @Test
  void shouldRejectZeroHeads() {
    assertThatThrownBy(() -> AlibiEncoding.slopes(0)).hasMessageContaining("at least one head");
  }
}

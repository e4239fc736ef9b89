package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.config.RotaryLayout;
import io.longstream.model.positional.rope.RopeParameters;
import io.longstream.model.positional.rope.RopeScalings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rotation angles are computed in double precision, so a query at position 10⁶ against a key at 10⁶ − d
 * scores exactly as at positions d and 0 (RoPE depends only on the distance). With float32 angles
 * (p·θ rounded at 10⁶ loses ~0.06 rad) this would fail by orders of magnitude.
 */
class RotaryPrecisionTest {

  @ParameterizedTest
  @EnumSource(RotaryLayout.class)
  void shouldScoreTheSameDistanceAlikeAtAMillionTokens(RotaryLayout layout) {
    int dh = 64;
    RotaryEncoding rope = new RotaryEncoding(
        RopeScalings.create(RopeParameters.unscaled(10_000), dh, 2048), layout, dh, dh, DataType.FLOAT32);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray q = m.randomNormal(new Shape(1, 1, 1, dh));
      NDArray k = m.randomNormal(new Shape(1, 1, 1, dh));
      for (long distance : new long[] {0, 1, 7, 1000}) {
        float near = score(rope, m, q, k, distance, 0);
        float far = score(rope, m, q, k, 1_000_000 + distance, 1_000_000);
        assertThat(far).as("distance %d", distance).isCloseTo(near, org.assertj.core.data.Offset.offset(2e-4f));
      }
    }
  }

  private static float score(RotaryEncoding rope, NDManager m, NDArray q, NDArray k, long queryPosition, long keyPosition) {
    PositionalStep step = rope.prepare(m, new StepPositions(new long[] {queryPosition}, new long[] {keyPosition}, queryPosition + 1));
    return step.queries(q).mul(step.keys(k)).sum().getFloat();
  }
}

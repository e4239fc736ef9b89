package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LearnedAbsoluteEncodingTest {

  @Test
  void shouldAddRowPOfTheTableAndClampPositionsPastIt() {
    int lmax = 8;
    int d = 4;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      LearnedAbsoluteEncoding pe = new LearnedAbsoluteEncoding(lmax, d, source(manager, 1));
      float[] table = pe.namedParameters().get(LearnedAbsoluteEncoding.TENSOR).toFloatArray();
      long[] queries = {0, 7, 8, 1_000_000};
      NDArray x = manager.randomNormal(new Shape(1, 4, d));
      float[] xs = x.toFloatArray();
      float[] out = pe.prepare(manager, StepPositions.selfAttention(queries)).embed(x).toFloatArray();
      for (int t = 0; t < queries.length; t++) {
        int row = (int) Math.min(queries[t], lmax - 1);
        for (int j = 0; j < d; j++) {
          assertThat(out[t * d + j]).isEqualTo(xs[t * d + j] + table[row * d + j]);
        }
      }
      assertThat(pe.clamped(7)).isFalse();
      assertThat(pe.clamped(8)).isTrue();
    }
  }

  @Test
  void shouldInitialiseAFreshTableLikeGpt2AndDeterministically() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray a = new LearnedAbsoluteEncoding(256, 64, source(manager, 7)).parameters().get(0);
      NDArray b = new LearnedAbsoluteEncoding(256, 64, source(manager, 7)).parameters().get(0);
      NDArray c = new LearnedAbsoluteEncoding(256, 64, source(manager, 8)).parameters().get(0);
      assertThat(a.getShape()).isEqualTo(new Shape(256, 64));
      assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
      assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
      assertThat((double) a.mean().getFloat()).isCloseTo(0, within(0.002));
      double std = Math.sqrt(a.square().mean().getFloat());
      assertThat(std).isCloseTo(LearnedAbsoluteEncoding.INIT_STD, within(0.001));
    }
  }

  private static ParameterSource source(NDManager manager, long seed) {
    return ParameterSource.random(seed, manager, DataType.FLOAT32, Device.cpu());
  }
}

package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class T5RelativeBiasTest {

  @Test
  void shouldBucketDistancesExactlyAsTransformersT5() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (JsonNode c : ReferenceCases.load().get("t5_causal_buckets")) {
        int nb = c.get("num_buckets").asInt();
        int md = c.get("max_distance").asInt();
        long[] distances = ReferenceCases.longs(c.get("distances"));
        long[] expected = ReferenceCases.longs(c.get("buckets"));
        T5RelativeBias t5 = new T5RelativeBias(2, nb, md, 0.1, DataType.FLOAT32, random(manager));
        long[] device = t5.buckets(manager.create(distances)).toLongArray();
        assertThat(device).as("device buckets, %d/%d", nb, md).containsExactly(expected);
        for (int i = 0; i < distances.length; i++) {
          assertThat((long) T5RelativeBias.bucket(distances[i], nb, md)).as("formula at n=%d", distances[i]).isEqualTo(expected[i]);
        }
      }
    }
  }

  @Test
  void shouldPutEveryLaterKeyInBucketZero() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      T5RelativeBias t5 = new T5RelativeBias(2, TinyHidden.D, DataType.FLOAT32, random(manager));
      assertThat(t5.buckets(manager.create(new long[] {-1, -5, -100_000})).toLongArray()).containsExactly(0, 0, 0);
    }
  }

  @Test
  void shouldAddTheTableEntryOfEachHeadAndBucket() {
    long[] queries = {3, 40, 500};
    long[] keys = {0, 3, 20, 39, 200, 499};
    int heads = 3;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      T5RelativeBias t5 = new T5RelativeBias(heads, TinyHidden.D, DataType.FLOAT32, random(manager));
      NDArray table = t5.namedParameters().get(T5RelativeBias.TENSOR);
      assertThat(table.getShape()).isEqualTo(new Shape(32, heads));
      float[] w = table.toFloatArray();
      float[] b = t5.prepare(manager, new StepPositions(queries, keys, 501)).attentionBias().toFloatArray();
      for (int h = 0; h < heads; h++) {
        for (int t = 0; t < queries.length; t++) {
          for (int k = 0; k < keys.length; k++) {
            int bucket = T5RelativeBias.bucket(queries[t] - keys[k], 32, 128);
            assertThat(b[(h * queries.length + t) * keys.length + k]).isEqualTo(w[bucket * heads + h]);
          }
        }
      }
    }
  }

  @Test
  void shouldRequireALearnedTableSource() {
    assertThatThrownBy(() -> new T5RelativeBias(2, 8, DataType.FLOAT32, ParameterSource.none()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(T5RelativeBias.TENSOR);
  }

  private static ParameterSource random(NDManager manager) {
    return ParameterSource.random(5, manager, DataType.FLOAT32, Device.cpu());
  }

  private static final class TinyHidden {
    static final int D = 16;
  }
}

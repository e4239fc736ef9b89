package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SinusoidalEncodingTest {

  @Test
  void shouldMatchTheInterleavedTableOfTransformersXlm() {
    for (JsonNode c : ReferenceCases.load().get("sinusoidal_interleaved")) {
      int dim = c.get("dim").asInt();
      long[] positions = ReferenceCases.longs(c.get("positions"));
      float[] ours = new SinusoidalEncoding(dim, DataType.FLOAT32).table(positions);
      for (int t = 0; t < positions.length; t++) {
        double[] expected = ReferenceCases.doubles(c.get("embeddings").get(t));
        for (int j = 0; j < dim; j++) {
          assertThat((double) ours[t * dim + j]).as("D=%d p=%d j=%d", dim, positions[t], j).isCloseTo(expected[j], within(1e-6));
        }
      }
    }
  }

  @Test
  void shouldPutSinOnEvenAndCosOnOddChannels() {
    int d = 6;
    float[] row = new SinusoidalEncoding(d, DataType.FLOAT32).table(new long[] {3});
    for (int i = 0; i < d / 2; i++) {
      double angle = 3 / Math.pow(10000, 2.0 * i / d);
      assertThat((double) row[2 * i]).isCloseTo(Math.sin(angle), within(1e-7));
      assertThat((double) row[2 * i + 1]).isCloseTo(Math.cos(angle), within(1e-7));
    }
  }

  @Test
  void shouldAddTheQueryPositionsTableToTokenEmbeddings() {
    int d = 8;
    SinusoidalEncoding pe = new SinusoidalEncoding(d, DataType.FLOAT32);
    long[] queries = {10, 11, 12};
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.randomNormal(new Shape(2, 3, d));
      PositionalStep step = pe.prepare(manager, new StepPositions(queries, new long[] {0, 10, 11, 12}, 13));
      NDArray expected = x.add(manager.create(pe.table(queries), new Shape(3, d)));
      assertThat(step.embed(x).toFloatArray()).containsExactly(expected.toFloatArray());
      assertThat(step.attentionBias()).isNull();
      assertThat(step.queries(x)).isSameAs(x);
    }
  }

  @Test
  void shouldRejectAnOddHiddenSize() {
    assertThatThrownBy(() -> new SinusoidalEncoding(7, DataType.FLOAT32)).hasMessageContaining("even hidden size");
  }
}

package io.longstream.model.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.Fixtures;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.weights.SafetensorsFile;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against the independent float64 PyTorch reference (model/src/test/python/streaming_reference.py),
 * which caches keys before rotation and follows the streaming-semantics spec literally.
 */
class StreamingReferenceTest {

  /**
   * Every case whole on one thread (1 stage) and through a layer pipeline of 3 stages; the latter runs the LM
   * head on slices of 7 vocabulary entries, the last one partial (the default covers these models' 64 or 96
   * entries in one slice).
   */
  @ParameterizedTest
  @CsvSource({
    "full-equivalence, 1", "full-equivalence, 3",
    "rolling-s0, 1", "rolling-s0, 3",
    "rolling-s4, 1", "rolling-s4, 3",
    "absolute-s0, 1", "absolute-s0, 3",
    "absolute-s4, 1", "absolute-s4, 3",
    "recompute-s0, 1", "recompute-s0, 3",
    "recompute-s4, 1", "recompute-s4, 3",
    "rolling-c-gt-w, 1", "rolling-c-gt-w, 3",
    "dynamic-rolling-s4, 1", "dynamic-rolling-s4, 3",
    "dynamic-absolute-s4, 1", "dynamic-absolute-s4, 3"
  })
  void shouldMatchTheReferenceAfterManyEvictions(String name, int stages) {
    Case c = Case.load(name);
    long evictingSteps = (c.n - c.settings.sinks() - c.settings.window()) / c.settings.chunk();
    if (name.matches("(rolling|absolute|recompute)-s\\d")) {
      assertThat(evictingSteps).as("steps that evict").isGreaterThan(20);
    }
    List<WindowResult> windows = stages == 1 ? c.run(1) : c.run(stages, 7);
    assertThat(windows).hasSize(c.bounds.length / 2);
    float[] nll = StreamingInvariantsTest.nll(windows);
    assertThat(nll).containsExactly(c.nll, Offset.offset(1e-4f));
    for (int w = 0; w < windows.size(); w++) {
      assertThat(windows.get(w).tokenStart()).isEqualTo(c.bounds[2 * w]);
      assertThat(windows.get(w).tokenEnd()).isEqualTo(c.bounds[2 * w + 1]);
      assertThat(windows.get(w).embedding()).containsExactly(c.embeddings[w], Offset.offset(1e-4f));
    }
  }

  /** Through a layer pipeline of 2 stages, the default on a 2-core CPU. */
  @ParameterizedTest
  @ValueSource(strings = {"long-100k"})
  void shouldStillMatchTheReferenceAfter100kTokens(String name) {
    Case c = Case.load(name);
    List<WindowResult> windows = c.run(2);
    int tail = Integer.parseInt(c.metadata.get("tail_windows"));
    List<WindowResult> last = windows.subList(windows.size() - tail, windows.size());
    List<Float> nll = new ArrayList<>();
    for (int w = 0; w < tail; w++) {
      assertThat(last.get(w).tokenStart()).isEqualTo(c.bounds[2 * w]);
      assertThat(last.get(w).embedding()).containsExactly(c.embeddings[w], Offset.offset(1e-3f));
      for (float x : last.get(w).nll()) {
        nll.add(x);
      }
    }
    assertThat(nll).hasSize(c.nll.length);
    for (int i = 0; i < c.nll.length; i++) {
      assertThat(nll.get(i)).as("tail nll %d", i).isCloseTo(c.nll[i], Offset.offset(1e-3f));
    }
  }

  /** One fixture: settings from its metadata, expected nll, window bounds and embeddings. */
  record Case(
      Map<String, String> metadata,
      StreamingSettings settings,
      long n,
      float[] nll,
      long[] bounds,
      float[][] embeddings) {

    static Case load(String name) {
      Path file = resource("/streaming/" + name + ".safetensors");
      try (SafetensorsFile f = SafetensorsFile.open(file);
          NDManager m = NDManager.newBaseManager()) {
        Map<String, String> meta = f.metadata();
        StreamingSettings settings = new StreamingSettings(
            Integer.parseInt(meta.get("sinks")),
            Integer.parseInt(meta.get("window")),
            Integer.parseInt(meta.get("chunk")),
            PositionMode.parse(meta.get("mode")),
            0);
        float[] nll = f.load(f.contains("nll") ? "nll" : "nll_tail", m).toFloatArray();
        long[] bounds = f.load("window_bounds", m).toType(DataType.INT64, false).toLongArray();
        var e = f.load("window_embeddings", m);
        int rows = (int) e.getShape().get(0);
        int d = (int) e.getShape().get(1);
        float[] flat = e.toFloatArray();
        float[][] embeddings = new float[rows][];
        for (int r = 0; r < rows; r++) {
          embeddings[r] = java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return new Case(meta, settings, Long.parseLong(meta.get("n")), nll, bounds, embeddings);
      }
    }

    List<WindowResult> run(int stages) {
      return run(stages, 0);
    }

    /** @param logitColumns vocabulary entries per slice of the LM head, 0 for the engine's default */
    List<WindowResult> run(int stages, int logitColumns) {
      try (LanguageModel lm = Fixtures.load(metadata.get("model"))) {
        long[] tokens = StreamingInvariantsTest.document((int) n, lm.config().vocabSize());
        List<WindowResult> out = new ArrayList<>();
        StreamingEngine engine = new StreamingEngine(lm, stages, logitColumns);
        try (DocumentStream stream = engine.open(settings)) {
          out.addAll(stream.feed(tokens));
          out.addAll(stream.finish());
        }
        return out;
      }
    }

    private static Path resource(String name) {
      try {
        return Path.of(StreamingReferenceTest.class.getResource(name).toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

package io.longstream.model.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.Fixtures;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.ForwardResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's invariants that need no reference implementation. */
class StreamingInvariantsTest {

  static LanguageModel lm;

  @BeforeAll
  static void load() {
    lm = Fixtures.load("llama-gqa");
  }

  @AfterAll
  static void close() {
    lm.close();
  }

  /** The deterministic document formula shared with the Python reference. */
  static long[] document(int n, int vocab) {
    long[] t = new long[n];
    for (long i = 0; i < n; i++) {
      t[(int) i] = (i * 7919 + (i * i) % 13 + 3) % vocab;
    }
    return t;
  }

  static List<WindowResult> run(StreamingSettings settings, long[] tokens, int piece) {
    return run(settings, tokens, piece, 1);
  }

  /** Feeds {@code tokens} in pieces of {@code piece} through an engine with a layer pipeline of {@code stages}. */
  static List<WindowResult> run(StreamingSettings settings, long[] tokens, int piece, int stages) {
    List<WindowResult> out = new ArrayList<>();
    try (DocumentStream stream = new StreamingEngine(lm, stages).open(settings)) {
      for (int i = 0; i < tokens.length; i += piece) {
        out.addAll(stream.feed(java.util.Arrays.copyOfRange(tokens, i, Math.min(tokens.length, i + piece))));
      }
      out.addAll(stream.finish());
    }
    return out;
  }

  static float[] nll(List<WindowResult> windows) {
    int n = windows.stream().mapToInt(w -> w.nll().length).sum();
    float[] all = new float[n];
    int i = 0;
    for (WindowResult w : windows) {
      System.arraycopy(w.nll(), 0, all, i, w.nll().length);
      i += w.nll().length;
    }
    return all;
  }

  @ParameterizedTest
  @EnumSource(value = PositionMode.class, names = {"ROLLING", "ABSOLUTE", "RECOMPUTE"})
  void shouldEqualFullCausalForwardWhenWindowHoldsTheDocument(PositionMode mode) {
    long[] tokens = document(50, lm.config().vocabSize());
    List<WindowResult> windows = run(new StreamingSettings(4, 64, 16, mode, 0), tokens, tokens.length, 3);
    DecoderModel model = lm.model();
    try (NDManager m = lm.manager().newSubManager()) {
      long[] positions = new long[tokens.length];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = i;
      }
      ForwardResult full = model.forward(m, model.tokens(m, tokens), positions, model.noCache());
      NDArray logp = full.logits().squeeze(0).logSoftmax(1);
      float[] expected = new float[tokens.length - 1];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = -logp.getFloat(i, tokens[i + 1]);
      }
      assertThat(nll(windows)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-4f));
      NDArray hidden = full.hidden().squeeze(0);
      for (WindowResult w : windows) {
        float[] mean = hidden.get(w.tokenStart() + ":" + w.tokenEnd()).mean(new int[] {0}).toFloatArray();
        assertThat(w.embedding()).containsExactly(DocumentStream.normalise(mean), org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  /**
   * Feeding in pieces or at once, with or without the layer pipeline (a piece of several chunks runs them
   * overlapped on the stages), gives the same numbers to the last bit.
   */
  @ParameterizedTest
  @EnumSource(PositionMode.class)
  void shouldGiveIdenticalNumbersForOneShotAndIncrementalFeeding(PositionMode mode) {
    long[] tokens = document(300, lm.config().vocabSize());
    StreamingSettings settings = new StreamingSettings(4, 16, 7, mode, 1.0);
    List<WindowResult> oneShot = run(settings, tokens, tokens.length);
    List<List<WindowResult>> others = List.of(
        run(settings, tokens, tokens.length, 3),
        run(settings, tokens, 5),
        run(settings, tokens, 50, 2),
        run(settings, tokens, 1, 2));
    for (List<WindowResult> other : others) {
      assertThat(nll(other)).containsExactly(nll(oneShot));
      assertThat(other).hasSameSizeAs(oneShot);
      for (int i = 0; i < oneShot.size(); i++) {
        WindowDiagnostics expected = oneShot.get(i).diagnostics();
        assertThat(other.get(i).embedding()).containsExactly(oneShot.get(i).embedding());
        assertThat(other.get(i).diagnostics().sinkMassPerLayer()).containsExactly(expected.sinkMassPerLayer());
        assertThat(other.get(i).diagnostics().entropyPerLayer()).containsExactly(expected.entropyPerLayer());
        assertThat(other.get(i).diagnostics().cacheRecent()).isEqualTo(expected.cacheRecent());
        assertThat(other.get(i).diagnostics().maxPosition()).isEqualTo(expected.maxPosition());
      }
    }
  }

  @Test
  void shouldGiveIdenticalNumbersAcrossThreads() throws Exception {
    long[] tokens = document(400, lm.config().vocabSize());
    StreamingSettings settings = new StreamingSettings(4, 16, 7, PositionMode.ROLLING, 0);
    float[] alone = nll(run(settings, tokens, tokens.length));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int stages = 1 + i % 3;
        futures.add(pool.submit(() -> nll(run(settings, tokens, 11 * stages, stages))));
      }
      for (Future<float[]> f : futures) {
        assertThat(f.get()).containsExactly(alone);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void shouldKeepPositionsInsideTheCacheInRollingMode() {
    long[] tokens = document(500, lm.config().vocabSize());
    StreamingSettings settings = new StreamingSettings(4, 16, 7, PositionMode.ROLLING, 0);
    for (WindowResult w : run(settings, tokens, tokens.length)) {
      assertThat(w.diagnostics().maxPosition()).isLessThanOrEqualTo(settings.maxRollingPosition());
    }
    List<WindowResult> absolute = run(new StreamingSettings(4, 16, 7, PositionMode.ABSOLUTE, 0), tokens, tokens.length);
    assertThat(absolute.get(absolute.size() - 1).diagnostics().maxPosition()).isEqualTo(tokens.length - 1);
  }

  @Test
  void shouldReportWindowsCoveringEveryTokenOnce() {
    long[] tokens = document(101, lm.config().vocabSize());
    List<WindowResult> windows = run(new StreamingSettings(4, 16, 10, PositionMode.ROLLING, 0), tokens, 13);
    assertThat(windows).hasSize(11);
    long expectedStart = 0;
    for (WindowResult w : windows) {
      assertThat(w.tokenStart()).isEqualTo(expectedStart);
      expectedStart = w.tokenEnd();
    }
    assertThat(expectedStart).isEqualTo(101);
    assertThat(nll(windows)).hasSize(100);
    assertThat(windows.get(10).nll()).isEmpty(); // the last token predicts nothing
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void shouldKeepDeviceMemoryFlatFrom10kTo200kTokens(int stages) {
    StreamingSettings settings = new StreamingSettings(4, 32, 16, PositionMode.ROLLING, 0.01);
    try (DocumentStream stream = new StreamingEngine(lm, stages).open(settings)) {
      NDManager documentManager = lm.manager();
      long bytes = stream.cacheBytes();
      int vocab = lm.config().vocabSize();
      int arraysAt10k = -1;
      for (int i = 0; i < 200_000; i += 10_000) {
        long[] block = new long[10_000];
        for (int j = 0; j < block.length; j++) {
          block[j] = ((long) (i + j) * 7919 + 3) % vocab;
        }
        stream.feed(block);
        int arrays = countArrays(documentManager);
        if (arraysAt10k < 0) {
          arraysAt10k = arrays;
        }
        assertThat(arrays).as("live arrays after %d tokens", i + 10_000).isEqualTo(arraysAt10k);
        assertThat(stream.cacheBytes()).isEqualTo(bytes);
      }
    }
  }

  private static int countArrays(NDManager manager) {
    int count = manager.getManagedArrays().size();
    return count;
  }

  @Test
  void shouldRejectAFeedWithAnInvalidTokenWithoutConsumingAnyOfIt() {
    long[] tokens = document(40, lm.config().vocabSize());
    StreamingSettings settings = new StreamingSettings(4, 16, 7, PositionMode.ROLLING, 0);
    List<WindowResult> out = new ArrayList<>();
    try (DocumentStream stream = new StreamingEngine(lm, 2).open(settings)) {
      out.addAll(stream.feed(java.util.Arrays.copyOf(tokens, 10)));
      long[] bad = java.util.Arrays.copyOfRange(tokens, 10, 40);
      bad[25] = lm.config().vocabSize();
      assertThatThrownBy(() -> stream.feed(bad)).hasMessageContaining("outside the vocabulary");
      out.addAll(stream.feed(java.util.Arrays.copyOfRange(tokens, 10, 40)));
      out.addAll(stream.finish());
    }
    assertThat(nll(out)).containsExactly(nll(run(settings, tokens, tokens.length)));
  }

  @Test
  void shouldRejectInvalidSettingsWithClearMessages() {
    assertThatThrownBy(() -> new StreamingSettings(-1, 8, 4, PositionMode.ROLLING, 0)).hasMessageContaining("sinks");
    assertThatThrownBy(() -> new StreamingSettings(4, -1, 4, PositionMode.ROLLING, 0)).hasMessageContaining("window");
    assertThatThrownBy(() -> new StreamingSettings(4, 8, 0, PositionMode.ROLLING, 0)).hasMessageContaining("chunk");
    assertThatThrownBy(() -> PositionMode.parse("sideways")).hasMessageContaining("rolling");
  }
}

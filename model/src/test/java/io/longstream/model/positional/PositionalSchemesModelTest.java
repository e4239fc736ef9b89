package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.longstream.model.TinyModels;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.streaming.WindowResult;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.ForwardResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every positional scheme in a whole model: full forward, training (gradients reach the learned tensors),
 * checkpoints (learned tensors saved and loaded by name) and the streaming engine (rolling and absolute).
 */
class PositionalSchemesModelTest {

  @TempDir Path temp;

  static long[] document(int n) {
    long[] t = new long[n];
    for (long i = 0; i < n; i++) {
      t[(int) i] = (i * 7919 + (i * i) % 13 + 3) % TinyModels.VOCAB;
    }
    return t;
  }

  static long[] range(int n) {
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  static float[] stream(LanguageModel lm, StreamingSettings settings, long[] tokens) {
    List<WindowResult> windows = new ArrayList<>();
    try (DocumentStream stream = new StreamingEngine(lm).open(settings)) {
      windows.addAll(stream.feed(tokens));
      windows.addAll(stream.finish());
    }
    float[] all = new float[tokens.length - 1];
    int i = 0;
    for (WindowResult w : windows) {
      System.arraycopy(w.nll(), 0, all, i, w.nll().length);
      i += w.nll().length;
    }
    return all;
  }

  static float[] fullForwardNll(LanguageModel lm, long[] tokens) {
    DecoderModel model = lm.model();
    try (NDManager m = lm.manager().newSubManager()) {
      ForwardResult full = model.forward(m, model.tokens(m, tokens), range(tokens.length), model.noCache());
      NDArray logp = full.logits().squeeze(0).logSoftmax(1);
      float[] nll = new float[tokens.length - 1];
      for (int i = 0; i < nll.length; i++) {
        nll[i] = -logp.getFloat(i, tokens[i + 1]);
      }
      return nll;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rope", "nope", "sinusoidal", "learned", "t5", "alibi"})
  void shouldEqualFullForwardWhenStreamingWindowHoldsTheDocument(String scheme) {
    long[] tokens = document(50);
    try (LanguageModel lm = TinyModels.load(TinyModels.write(temp.resolve(scheme), scheme, 2, 11))) {
      assertThat(lm.model().positional().name()).isEqualTo(scheme);
      float[] expected = fullForwardNll(lm, tokens);
      for (PositionMode mode : new PositionMode[] {PositionMode.ROLLING, PositionMode.ABSOLUTE}) {
        float[] streamed = stream(lm, new StreamingSettings(4, 64, 16, mode, 0), tokens);
        assertThat(streamed).as("%s %s", scheme, mode).containsExactly(expected, within(1e-4f));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rope", "nope", "sinusoidal", "learned", "t5", "alibi"})
  void shouldSendGradientsToEveryLearnedPositionalTensor(String scheme) {
    try (LanguageModel lm = TinyModels.load(TinyModels.write(temp.resolve(scheme), scheme, 2, 12))) {
      DecoderModel model = lm.model();
      List<NDArray> positional = model.positional().parameters();
      assertThat(positional).hasSize(scheme.equals("learned") || scheme.equals("t5") ? 1 : 0);
      assertThat(model.parameters()).hasSize(model.weights().parameters().size() + positional.size());
      model.parameters().forEach(p -> p.setRequiresGradient(true));
      long[] tokens = document(20);
      try (NDManager m = lm.manager().newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        ForwardResult result = model.forward(m, model.tokens(m, tokens), range(tokens.length), model.noCache());
        float[] oneHot = new float[(tokens.length - 1) * TinyModels.VOCAB];
        for (int i = 0; i + 1 < tokens.length; i++) {
          oneHot[i * TinyModels.VOCAB + (int) tokens[i + 1]] = 1f;
        }
        NDArray logp = result.logits().get(":, :-1").logSoftmax(2);
        NDArray targets = m.create(oneHot, new Shape(1, tokens.length - 1, TinyModels.VOCAB));
        collector.backward(logp.mul(targets).sum().neg());
      }
      assertThat(model.weights().embedding().getGradient().abs().sum().getFloat()).isPositive();
      for (NDArray p : positional) {
        NDArray grad = p.getGradient();
        assertThat(grad.getShape()).isEqualTo(p.getShape());
        assertThat(grad.abs().sum().getFloat()).as("%s gradient", scheme).isPositive();
        if (scheme.equals("learned")) {
          // Rows of positions 0..T−2 feed the loss; the last token predicts nothing, the rest are unused.
          assertThat(grad.get("0:19").abs().sum(new int[] {1}).min().getFloat()).isPositive();
          assertThat(grad.get("19:").abs().sum().getFloat()).isZero();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"learned", "t5"})
  void shouldLoadLearnedTensorsFromTheCheckpointByName(String scheme) {
    Path dir = TinyModels.write(temp.resolve(scheme), scheme, 1, 13);
    try (LanguageModel lm = TinyModels.load(dir);
        NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      String name = scheme.equals("learned") ? LearnedAbsoluteEncoding.TENSOR : T5RelativeBias.TENSOR;
      Map<String, NDArray> named = lm.model().positional().namedParameters();
      assertThat(named).containsOnlyKeys(name);
      NDArray fresh = ParameterSource.random(13, m, ai.djl.ndarray.types.DataType.FLOAT32, ai.djl.Device.cpu())
          .tensor(name, named.get(name).getShape(), scheme.equals("learned") ? 0.02 : 1 / Math.sqrt(TinyModels.HIDDEN));
      assertThat(named.get(name).toFloatArray()).containsExactly(fresh.toFloatArray());
      Shape expected = scheme.equals("learned")
          ? new Shape(TinyModels.CONTEXT, TinyModels.HIDDEN)
          : new Shape(T5RelativeBias.NUM_BUCKETS, TinyModels.HEADS);
      assertThat(named.get(name).getShape()).isEqualTo(expected);
    }
  }

  /**
   * With one layer, cached keys and values depend only on their token (bias schemes add nothing to them;
   * RoPE rotates at attention time), so rolling streaming must equal recomputing sinks + window from
   * scratch at positions 0… for every token, however often the cache evicted: the bias sees in-cache
   * distances. Absolute positions give other numbers once the cache evicts.
   */
  @ParameterizedTest
  @ValueSource(strings = {"alibi", "t5", "rope"})
  void shouldSeeInCacheDistancesInRollingMode(String scheme) {
    long[] tokens = document(300);
    try (LanguageModel lm = TinyModels.load(TinyModels.write(temp.resolve(scheme), scheme, 1, 14))) {
      float[] rolling = stream(lm, new StreamingSettings(3, 20, 5, PositionMode.ROLLING, 0), tokens);
      float[] recompute = stream(lm, new StreamingSettings(3, 20, 5, PositionMode.RECOMPUTE, 0), tokens);
      float[] absolute = stream(lm, new StreamingSettings(3, 20, 5, PositionMode.ABSOLUTE, 0), tokens);
      assertThat(rolling).containsExactly(recompute, within(1e-4f));
      if (!scheme.equals("rope")) {
        // RoPE on unrotated keys depends only on i − j too, so only the bias schemes' sinks move.
        double largest = 0;
        for (int i = 0; i < rolling.length; i++) {
          largest = Math.max(largest, Math.abs(rolling[i] - absolute[i]));
        }
        assertThat(largest).as("rolling vs absolute after eviction").isGreaterThan(1e-3);
      }
    }
  }
}

package io.longstream.model.streaming;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.cache.KvCache;
import io.longstream.model.cache.SinkCache;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.diagnostics.AttentionStatistics;
import io.longstream.model.diagnostics.RotaryExtrapolation;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.positional.RotaryEncoding;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.ForwardResult;
import io.longstream.model.transformer.NoGrad;
import java.util.ArrayList;
import java.util.List;

/**
 * One document streaming through the model in chunks of C tokens, per the streaming-semantics spec.
 * Tokens may be fed all at once or in pieces: chunk boundaries fall at multiples of C either way, so the
 * numbers are the same. A window is returned once the token after it is known (its last prediction needs
 * it) or at {@link #finish()}. Memory is bounded by S + W + C whatever the document length. Not
 * thread-safe; use one stream per thread.
 */
public final class DocumentStream implements AutoCloseable {

  private final DecoderModel model;
  private final ModelConfig config;
  private final StreamingSettings settings;
  private final NDManager manager;
  private final SinkCache cache;
  private final RecomputeHistory history;
  private final SpanPooling pooling;
  private final long[] pending;
  private int pendingCount;
  private long nextWindow;
  private long processedTokens;
  private HeldWindow held;
  private boolean finished;

  DocumentStream(LanguageModel languageModel, StreamingSettings settings, List<TokenSpan> spans) {
    this.model = languageModel.model();
    this.config = model.config();
    this.settings = settings;
    this.manager = languageModel.manager().newSubManager();
    this.pending = new long[settings.chunk()];
    this.pooling = new SpanPooling(spans, config.hiddenSize());
    if (settings.mode() == PositionMode.RECOMPUTE) {
      this.cache = null;
      this.history = new RecomputeHistory(settings.sinks(), settings.window());
    } else {
      this.history = null;
      this.cache = new SinkCache(
          manager,
          config.numHiddenLayers(),
          config.numKeyValueHeads(),
          config.headDim(),
          settings.sinks(),
          settings.window(),
          settings.chunk(),
          settings.mode() == PositionMode.ROLLING,
          config.slidingWindow(),
          model.dataType());
    }
  }

  /** Adds tokens; returns the windows completed by them. */
  public List<WindowResult> feed(long[] tokens) {
    if (finished) {
      throw new IllegalStateException("stream already finished");
    }
    List<WindowResult> done = new ArrayList<>();
    for (long token : tokens) {
      if (token < 0 || token >= config.vocabSize()) {
        throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
      if (held != null) {
        done.add(held.complete(token));
        held = null;
      }
      pending[pendingCount++] = token;
      if (pendingCount == pending.length) {
        held = process();
      }
    }
    return done;
  }

  /** Processes the last partial chunk and returns every window still open. */
  public List<WindowResult> finish() {
    if (finished) {
      return List.of();
    }
    finished = true;
    if (pendingCount > 0) {
      if (held != null) {
        throw new IllegalStateException("held window with pending tokens");
      }
      held = process();
    }
    List<WindowResult> done = new ArrayList<>();
    if (held != null) {
      done.add(held.complete(-1));
      held = null;
    }
    return done;
  }

  /** Device bytes held by the KV cache (0 in recompute mode, which keeps only token ids). */
  public long cacheBytes() {
    return cache == null ? 0 : cache.bytes();
  }

  private HeldWindow process() {
    long[] chunk = java.util.Arrays.copyOf(pending, pendingCount);
    pendingCount = 0;
    long index = nextWindow++;
    long start = processedTokens;
    processedTokens += chunk.length;
    boolean sampled = settings.samplesDiagnostics(index);
    try (NoGrad noGrad = NoGrad.enter();
        NDManager step = manager.newSubManager()) {
      AttentionStatistics attention = sampled ? new AttentionStatistics(config.numHiddenLayers(), settings.sinks()) : null;
      long began = System.nanoTime();
      StepOutput output = cache != null ? cached(step, chunk, attention) : recomputed(step, chunk, attention);
      double latency = (System.nanoTime() - began) / 1e6;
      return new HeldWindow(index, start, chunk, output, attention, latency, step);
    }
  }

  private record StepOutput(ForwardResult result, long maxPosition, int rowsToSkip) {}

  private StepOutput cached(NDManager step, long[] chunk, AttentionStatistics attention) {
    long[] positions = cache.queryPositions(chunk.length);
    ForwardResult result = model.forward(step, model.tokens(step, chunk), positions, cache, true, attention);
    return new StepOutput(result, positions[positions.length - 1], 0);
  }

  private StepOutput recomputed(NDManager step, long[] chunk, AttentionStatistics attention) {
    long[] context = history.context(chunk);
    long[] positions = new long[context.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    try (KvCache none = model.noCache()) {
      ForwardResult result = model.forward(step, model.tokens(step, context), positions, none, true, attention);
      history.remember(chunk);
      return new StepOutput(result, positions.length - 1, context.length - chunk.length);
    }
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
    manager.close();
  }

  /**
   * A processed chunk waiting for the next token. Everything is copied to the heap at construction except
   * the last row's log-probabilities, which stay on the device until the successor is known.
   */
  private final class HeldWindow {
    private final long index;
    private final long start;
    private final long[] chunk;
    private final float[] inChunkNll;
    private final float[] embedding;
    private final List<PooledSpan> spans;
    private final NDArray lastLogProbabilities;
    private final WindowDiagnosticsBuilder diagnostics;

    HeldWindow(long index, long start, long[] chunk, StepOutput output, AttentionStatistics attention, double latency, NDManager step) {
      this.index = index;
      this.start = start;
      this.chunk = chunk;
      int skip = output.rowsToSkip();
      int t = chunk.length;
      NDArray logits = output.result().logits().get(new NDIndex("0, {}:", skip)).toType(DataType.FLOAT32, false);
      NDArray hidden = output.result().hidden().get(new NDIndex("0, {}:", skip)).toType(DataType.FLOAT32, false);
      NDArray logProbabilities = logits.logSoftmax(1); // [T, V]
      this.inChunkNll = nll(logProbabilities, chunk);
      // A copy, not a view: a view would keep the whole [T, V] array (50 MB for T = 256, V = 49,152) alive
      // until the next window, for one row.
      this.lastLogProbabilities = logProbabilities.get(t - 1).duplicate();
      lastLogProbabilities.attach(manager);
      this.embedding = normalise(hidden.mean(new int[] {0}).toFloatArray());
      this.spans = pooling.add(start, hidden);
      this.diagnostics = new WindowDiagnosticsBuilder(output.maxPosition(), attention, latency, t);
    }

    WindowResult complete(long successor) {
      float[] nll = inChunkNll;
      if (successor >= 0) {
        nll = java.util.Arrays.copyOf(inChunkNll, inChunkNll.length + 1);
        nll[nll.length - 1] = -lastLogProbabilities.getFloat(successor);
      }
      lastLogProbabilities.close();
      return new WindowResult(index, start, start + chunk.length, embedding, nll, spans, diagnostics.build(nll));
    }
  }

  /** −log p(chunk[i+1]) from row i, for i < T − 1. */
  private static float[] nll(NDArray logProbabilities, long[] chunk) {
    int t = chunk.length;
    if (t < 2) {
      return new float[0];
    }
    NDManager m = logProbabilities.getManager();
    long[] targets = java.util.Arrays.copyOfRange(chunk, 1, t);
    NDArray index = m.create(targets, new ai.djl.ndarray.types.Shape(t - 1, 1)).toDevice(logProbabilities.getDevice(), false);
    NDArray picked = logProbabilities.get(new NDIndex(":{}", t - 1)).gather(index, 1);
    return picked.neg().toFloatArray();
  }

  static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = norm == 0 ? 0f : (float) (v[i] / norm);
    }
    return out;
  }

  /** Diagnostics fixed when the chunk is processed, completed with the window's nll. */
  private final class WindowDiagnosticsBuilder {
    private final long maxPosition;
    private final AttentionStatistics attention;
    private final double latency;
    private final int tokens;
    private final RotaryExtrapolation rotary;

    WindowDiagnosticsBuilder(long maxPosition, AttentionStatistics attention, double latency, int tokens) {
      this.maxPosition = maxPosition;
      this.attention = attention;
      this.latency = latency;
      this.tokens = tokens;
      this.rotary = model.positional() instanceof RotaryEncoding rope
          ? RotaryExtrapolation.of(rope.scaling(), config.trainedContext(), maxPosition)
          : new RotaryExtrapolation(0, 0, 1.0);
    }

    WindowDiagnostics build(float[] nll) {
      double sum = 0;
      for (float x : nll) {
        sum += x;
      }
      double meanNll = nll.length == 0 ? Double.NaN : sum / nll.length;
      double[] sinkMass = attention == null ? null : attention.sinkMassPerLayer();
      double[] entropy = attention == null ? null : attention.entropyPerLayer();
      return new WindowDiagnostics(
          meanNll,
          Math.exp(meanNll),
          sinkMass,
          sinkMass == null ? Double.NaN : AttentionStatistics.mean(sinkMass),
          entropy,
          entropy == null ? Double.NaN : AttentionStatistics.mean(entropy),
          maxPosition,
          config.trainedContext(),
          rotary.longWavelengthDims(),
          rotary.dimsPastTrainedAngles(),
          rotary.effectiveScale(),
          cache == null ? history.sinkCount() : cache.sinkCount(),
          cache == null ? history.recentCount() : cache.recentCount(),
          cacheBytes(),
          latency,
          latency > 0 ? tokens / (latency / 1000.0) : 0);
    }
  }
}

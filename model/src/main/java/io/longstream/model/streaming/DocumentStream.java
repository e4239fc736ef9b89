package io.longstream.model.streaming;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
 * it) or at {@link #finish()}. Memory is bounded by S + W + C whatever the document length. The full
 * chunks of one {@link #feed} run through the engine's {@link LayerPipeline}, overlapped when it has several
 * stages, with the same numbers as one after another. Not thread-safe; use one stream per thread.
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
  private final LayerPipeline pipeline;
  private final int[] stageBounds;
  private final int logitColumns;
  private int pendingCount;
  private long nextWindow;
  private long processedTokens;
  private HeldWindow held;
  private boolean finished;
  private long previousWindowEnded;

  DocumentStream(
      LanguageModel languageModel, LayerPipeline pipeline, StreamingSettings settings, List<TokenSpan> spans, int logitColumns) {
    this.model = languageModel.model();
    this.logitColumns = logitColumns;
    this.pipeline = pipeline;
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
    this.stageBounds = pipeline.boundaries(config, (long) settings.sinks() + settings.window() + settings.chunk());
  }

  /** Adds tokens; returns the windows completed by them. An invalid token id rejects the whole call. */
  public List<WindowResult> feed(long[] tokens) {
    if (finished) {
      throw new IllegalStateException("stream already finished");
    }
    for (long token : tokens) {
      if (token < 0 || token >= config.vocabSize()) {
        throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
    List<WindowResult> done = new ArrayList<>();
    if (held != null && tokens.length > 0) {
      done.add(held.complete(tokens[0]));
      held = null;
    }
    // Top up the partial chunk left by the last call; the full chunks after it are read from the input
    // when their step begins, so a long input is not copied whole.
    List<Chunk> chunks = new ArrayList<>();
    int next = 0;
    if (pendingCount > 0) {
      next = Math.min(pending.length - pendingCount, tokens.length);
      System.arraycopy(tokens, 0, pending, pendingCount, next);
      pendingCount += next;
      if (pendingCount == pending.length) {
        chunks.add(newChunk(java.util.Arrays.copyOf(pending, pendingCount), 0, pendingCount, successor(tokens, next)));
        pendingCount = 0;
      }
    }
    for (; tokens.length - next >= pending.length; next += pending.length) {
      chunks.add(newChunk(tokens, next, next + pending.length, successor(tokens, next + pending.length)));
    }
    System.arraycopy(tokens, next, pending, pendingCount, tokens.length - next);
    pendingCount += tokens.length - next;
    process(chunks, done);
    return done;
  }

  /** Processes the last partial chunk and returns every window still open. */
  public List<WindowResult> finish() {
    if (finished) {
      return List.of();
    }
    finished = true;
    List<WindowResult> done = new ArrayList<>();
    if (pendingCount > 0) {
      if (held != null) {
        throw new IllegalStateException("held window with pending tokens");
      }
      process(List.of(newChunk(java.util.Arrays.copyOf(pending, pendingCount), 0, pendingCount, NO_SUCCESSOR)), done);
      pendingCount = 0;
    }
    if (held != null) {
      done.add(held.complete(NO_SUCCESSOR));
      held = null;
    }
    return done;
  }

  /** Device bytes held by the KV cache (0 in recompute mode, which keeps only token ids). */
  public long cacheBytes() {
    return cache == null ? 0 : cache.bytes();
  }

  private static final long NO_SUCCESSOR = -1;

  /**
   * The tokens of one window, {@code source[from, to)}, and the token after them when already known (else
   * {@link #NO_SUCCESSOR}).
   */
  private record Chunk(long index, long start, long[] source, int from, int to, long successor) {
    long[] tokens() {
      return java.util.Arrays.copyOfRange(source, from, to);
    }
  }

  private Chunk newChunk(long[] source, int from, int to, long successor) {
    Chunk chunk = new Chunk(nextWindow++, processedTokens, source, from, to, successor);
    processedTokens += to - from;
    return chunk;
  }

  private static long successor(long[] tokens, int index) {
    return index < tokens.length ? tokens[index] : NO_SUCCESSOR;
  }

  /** Runs the chunks through the layer pipeline; completed windows go to {@code done}, the last may be held. */
  private void process(List<Chunk> chunks, List<WindowResult> done) {
    for (Processed processed : pipeline.run(chunks.size(), stageBounds, new ChunkSteps(chunks))) {
      if (processed.held() != null) {
        held = processed.held();
      } else {
        done.add(processed.done());
      }
    }
  }

  /** A window completed by the stage that finished it, or held for its successor token. */
  private record Processed(WindowResult done, HeldWindow held) {}

  /** One chunk between the pipeline's stages. */
  private static final class InFlight {
    final Chunk chunk;
    final long[] tokens;
    final NDManager manager;
    AttentionStatistics attention;
    DecoderModel.ForwardStep forward;
    long maxPosition;
    int rowsToSkip;
    int sinksHeld;
    int recentHeld;
    long began;
    boolean closed;

    InFlight(Chunk chunk, NDManager manager) {
      this.chunk = chunk;
      this.tokens = chunk.tokens();
      this.manager = manager;
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (forward != null) {
        forward.close();
      }
      manager.close();
    }
  }

  private final class ChunkSteps implements LayerPipeline.Steps<InFlight, Processed> {
    private final List<Chunk> chunks;

    ChunkSteps(List<Chunk> chunks) {
      this.chunks = chunks;
    }

    @Override
    public InFlight begin(int index) {
      Chunk chunk = chunks.get(index);
      InFlight step = new InFlight(chunk, manager.newSubManager());
      try (NoGrad noGrad = NoGrad.enter()) {
        step.began = System.nanoTime();
        step.attention = settings.samplesDiagnostics(chunk.index())
            ? new AttentionStatistics(config.numHiddenLayers(), settings.sinks())
            : null;
        if (cache != null) {
          long[] positions = cache.queryPositions(step.tokens.length);
          step.forward = model.begin(step.manager, model.tokens(step.manager, step.tokens), positions, cache, step.attention);
          step.maxPosition = positions[positions.length - 1];
          step.sinksHeld = cache.sinkCount();
          step.recentHeld = cache.recentCount();
        } else {
          long[] context = history.context(step.tokens);
          long[] positions = new long[context.length];
          for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
          }
          step.forward =
              model.begin(step.manager, model.tokens(step.manager, context), positions, model.noCache(), step.attention);
          history.remember(step.tokens);
          step.maxPosition = positions.length - 1;
          step.rowsToSkip = context.length - step.tokens.length;
          step.sinksHeld = history.sinkCount();
          step.recentHeld = history.recentCount();
        }
        return step;
      } catch (RuntimeException | Error e) {
        step.close();
        throw e;
      }
    }

    @Override
    public void layers(InFlight step, int to) {
      try (NoGrad noGrad = NoGrad.enter()) {
        step.forward.runLayers(to);
      }
    }

    @Override
    public Processed end(InFlight step) {
      try (NoGrad noGrad = NoGrad.enter()) {
        ForwardResult result = step.forward.finish(false);
        HeldWindow window = new HeldWindow(step, result);
        long successor = step.chunk.successor();
        return successor == NO_SUCCESSOR ? new Processed(null, window) : new Processed(window.complete(successor), null);
      } finally {
        step.close();
      }
    }

    @Override
    public void discard(InFlight step) {
      step.close();
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
   * the last row's final hidden state, which stays on the device until the successor is known.
   */
  private final class HeldWindow {
    private final long index;
    private final long start;
    private final long[] chunk;
    private final float[] inChunkNll;
    private final float[] embedding;
    private final List<PooledSpan> spans;
    private final NDArray lastHidden;
    private final float lastLogSumExp;
    private final WindowDiagnosticsBuilder diagnostics;

    HeldWindow(InFlight step, ForwardResult result) {
      this.index = step.chunk.index();
      this.start = step.chunk.start();
      this.chunk = step.tokens;
      int skip = step.rowsToSkip;
      int t = chunk.length;
      NDArray modelHidden = result.hidden().get(new NDIndex("0, {}:", skip));
      float[] logSumExp;
      try (NDScope scope = new NDScope()) {
        logSumExp = model.logSumExp(modelHidden, logitColumns).toFloatArray();
        this.inChunkNll = new float[t - 1];
        if (t > 1) {
          long[] targets = java.util.Arrays.copyOfRange(chunk, 1, t);
          float[] logits = model.tokenLogits(modelHidden.get(new NDIndex(":{}", t - 1)), targets).toFloatArray();
          for (int i = 0; i < t - 1; i++) {
            inChunkNll[i] = logSumExp[i] - logits[i];
          }
        }
        // A copy, not a view, which would keep the whole chunk's hidden states alive until the next window.
        this.lastHidden = modelHidden.get(new NDIndex("{}:", t - 1)).duplicate();
        NDScope.unregister(lastHidden);
        lastHidden.attach(manager);
      }
      this.lastLogSumExp = logSumExp[t - 1];
      NDArray hidden = modelHidden.toType(DataType.FLOAT32, false);
      this.embedding = normalise(hidden.mean(new int[] {0}).toFloatArray());
      this.spans = pooling.add(start, hidden);
      long ended = System.nanoTime();
      // Throughput counts from the previous window's end when windows overlap in the pipeline.
      long since = Math.max(step.began, previousWindowEnded);
      previousWindowEnded = ended;
      this.diagnostics = new WindowDiagnosticsBuilder(
          step.maxPosition, step.attention, (ended - step.began) / 1e6, (ended - since) / 1e6, t, step.sinksHeld, step.recentHeld);
    }

    WindowResult complete(long successor) {
      float[] nll = inChunkNll;
      if (successor >= 0) {
        nll = java.util.Arrays.copyOf(inChunkNll, inChunkNll.length + 1);
        try (NDScope scope = new NDScope()) {
          nll[nll.length - 1] = lastLogSumExp - model.tokenLogits(lastHidden, new long[] {successor}).getFloat(0);
        }
      }
      lastHidden.close();
      return new WindowResult(index, start, start + chunk.length, embedding, nll, spans, diagnostics.build(nll));
    }
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
    private final double interval;
    private final int tokens;
    private final int sinksHeld;
    private final int recentHeld;
    private final RotaryExtrapolation rotary;

    WindowDiagnosticsBuilder(
        long maxPosition, AttentionStatistics attention, double latency, double interval, int tokens, int sinksHeld, int recentHeld) {
      this.maxPosition = maxPosition;
      this.attention = attention;
      this.latency = latency;
      this.interval = interval;
      this.tokens = tokens;
      this.sinksHeld = sinksHeld;
      this.recentHeld = recentHeld;
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
          sinksHeld,
          recentHeld,
          cacheBytes(),
          latency,
          interval > 0 ? tokens / (interval / 1000.0) : 0);
    }
  }
}

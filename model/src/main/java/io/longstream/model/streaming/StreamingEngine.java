package io.longstream.model.streaming;

import io.longstream.model.engine.LanguageModel;
import java.util.List;

/**
 * Streams documents of any length through one loaded model. Thread-safe: the weights are shared
 * read-only, and each {@link DocumentStream} owns its cache, so many documents can stream at once on
 * different threads.
 */
public final class StreamingEngine {

  private final LanguageModel languageModel;
  private final LayerPipeline pipeline;
  private final int logProbabilityRows;

  /**
   * Largest float32 [rows, V] block of logits (and of log-probabilities) a window computes at once. A whole
   * chunk's (50 MB each for T = 256, V = 49,152) lies above glibc's mmap ceiling, so every step mapped both
   * afresh and faulted their pages in: ~25,000 minor faults per step from two pipeline threads contending
   * for the process's memory map. Blocks of 16 MB are reused from the allocator's arenas (docs/BENCHMARKS.md).
   */
  static final long LOG_PROBABILITY_BLOCK_BYTES = 16L << 20;

  /** An engine that runs each step whole on the calling thread. */
  public StreamingEngine(LanguageModel languageModel) {
    this(languageModel, 1);
  }

  /**
   * An engine whose documents run through a layer pipeline of {@code stages} threads (see {@link
   * LayerPipeline}): consecutive windows of one document overlap, each stage running a share of the layers.
   */
  public StreamingEngine(LanguageModel languageModel, int stages) {
    this(languageModel, stages, rowsPerBlock(languageModel.config().vocabSize()));
  }

  private static int rowsPerBlock(int vocabSize) {
    return (int) Math.max(1, LOG_PROBABILITY_BLOCK_BYTES / (Float.BYTES * (long) vocabSize));
  }

  /** For tests: an engine that computes log-probabilities {@code logProbabilityRows} rows at a time. */
  StreamingEngine(LanguageModel languageModel, int stages, int logProbabilityRows) {
    if (logProbabilityRows < 1) {
      throw new IllegalArgumentException("rows per log-probability block must be ≥ 1, got " + logProbabilityRows);
    }
    this.languageModel = languageModel;
    this.pipeline = new LayerPipeline(stages);
    this.logProbabilityRows = logProbabilityRows;
  }

  /** Threads one document's windows are spread over (1 = none besides the caller's). */
  public int stages() {
    return pipeline.stages();
  }

  public LanguageModel languageModel() {
    return languageModel;
  }

  /** Opens a stream for one document. */
  public DocumentStream open(StreamingSettings settings) {
    return open(settings, List.of());
  }

  /** Opens a stream that also pools the given token spans (e.g. sentences), in any order. */
  public DocumentStream open(StreamingSettings settings, List<TokenSpan> spans) {
    return new DocumentStream(languageModel, pipeline, settings, spans, logProbabilityRows);
  }
}
